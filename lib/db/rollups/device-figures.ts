// Per-device figures (filesystems, interfaces, disks, GPUs) in one long form shared by the raw
// samples, the rollups and the chart query: rows of (kind, name, v1 … v5). Rollups store each
// bucket's averages as a json array of [kind, name, v1, …] tuples, so a chart of a week reads one
// small row per minute instead of expanding 60,480 samples' json columns. Rollups written before a
// kind had its later figures have shorter tuples: those figures read as null.
import { figure, percentOf } from './rollup-metrics.ts';

export const DEVICE_KINDS = ['fs', 'net', 'disk', 'gpu'] as const;

export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** The value columns of a device row, v1 … v5: as many as the kind with the most figures has. */
export const DEVICE_VALUE_COLUMNS = ['v1', 'v2', 'v3', 'v4', 'v5'] as const;

/** What v1, v2, … hold for each kind, as the API names them. */
export const DEVICE_FIELDS = {
  fs: ['usedPct'],
  net: ['rxBytesPerSec', 'txBytesPerSec'],
  disk: ['readBytesPerSec', 'writeBytesPerSec', 'busyPct', 'readLatencyMs', 'writeLatencyMs'],
  gpu: ['utilizationPct', 'memoryUsedPct', 'temperatureC'],
} as const satisfies Record<DeviceKind, readonly string[]>;

/**
 * A lateral subquery giving the device rows of the samples row `s` (an SQL alias). Each json
 * array is parsed once, into typed columns (json_to_recordset): reading fields with ->> would
 * parse every element again for every field. Loopback is left out: its traffic is the host
 * talking to itself. GPUs are named by index, which nvidia-smi keeps stable across polls; their
 * model name is in the host's detail.
 */
export function sampleDeviceRowsSql(s: string): string {
  return `(
      select 'fs'::text as kind, f.mount as name, f."usedPct" as v1, null::float8 as v2, null::float8 as v3, null::float8 as v4, null::float8 as v5
      from json_to_recordset(${s}.filesystems) as f(mount text, "usedPct" float8)
      union all
      select 'net', i.name, i."rxBytesPerSec", i."txBytesPerSec", null::float8, null::float8, null::float8
      from json_to_recordset(${s}.interfaces) as i(name text, "rxBytesPerSec" float8, "txBytesPerSec" float8, loopback boolean)
      where i.loopback is not true
      union all
      select 'disk', d.name, d."readBytesPerSec", d."writeBytesPerSec", d."busyPct", d."readLatencyMs", d."writeLatencyMs"
      from json_to_recordset(coalesce(${s}.disks, '[]'::json))
        as d(name text, "readBytesPerSec" float8, "writeBytesPerSec" float8, "busyPct" float8, "readLatencyMs" float8, "writeLatencyMs" float8)
      union all
      select 'gpu', g.index::text, g."utilizationPct", 100.0 * g."memoryUsedBytes" / nullif(g."memoryTotalBytes", 0), g."temperatureC", null::float8, null::float8
      from json_to_recordset(coalesce(${s}.gpus, '[]'::json))
        as g(index integer, "utilizationPct" float8, "memoryUsedBytes" float8, "memoryTotalBytes" float8, "temperatureC" float8)
    )`;
}

/**
 * A lateral subquery giving the device rows stored in the rollup row `x` (an SQL alias). The
 * tuples are arrays, which json_to_recordset cannot read: the cast to jsonb parses them once, and
 * jsonb's ->> then reads without parsing again.
 */
export function rollupDeviceRowsSql(x: string): string {
  return `(
      select t->>0 as kind, t->>1 as name, ${DEVICE_VALUE_COLUMNS.map((v, i) => `(t->>${i + 2})::float8 as ${v}`).join(', ')}
      from jsonb_array_elements(coalesce(${x}.devices, '[]'::json)::jsonb) t
    )`;
}

/**
 * Called with each device's figures at one point, as the lateral subqueries above give them: v1 …
 * v5 in `values`, an array the caller reuses for the next device (read it, do not keep it).
 */
export type DeviceVisitor = (kind: DeviceKind, name: string, values: readonly (number | null)[]) => void;

/** The samples columns forEachSampleDevice reads. */
export const SAMPLE_DEVICE_COLUMNS = ['filesystems', 'interfaces', 'disks', 'gpus'] as const;

/**
 * sampleDeviceRowsSql again, in JS, over a samples row whose json columns are parsed (the chart
 * reader's raw samples, which may come from a chunk rather than the table): the same rows, in the
 * same order, devices without a name left out. Keep the two in step.
 */
export function forEachSampleDevice(row: Readonly<Record<string, unknown>>, visit: DeviceVisitor): void {
  const values: (number | null)[] = DEVICE_VALUE_COLUMNS.map(() => null);
  const named = (kind: DeviceKind, name: unknown, v1: unknown, v2: unknown = null, v3: unknown = null, v4: unknown = null, v5: unknown = null): void => {
    if (name === null || name === undefined) return;
    values[0] = figure(v1);
    values[1] = figure(v2);
    values[2] = figure(v3);
    values[3] = figure(v4);
    values[4] = figure(v5);
    visit(kind, String(name), values);
  };
  for (const f of records(row['filesystems'])) named('fs', f['mount'], f['usedPct']);
  for (const i of records(row['interfaces'])) if (i['loopback'] !== true) named('net', i['name'], i['rxBytesPerSec'], i['txBytesPerSec']);
  for (const d of records(row['disks'])) named('disk', d['name'], d['readBytesPerSec'], d['writeBytesPerSec'], d['busyPct'], d['readLatencyMs'], d['writeLatencyMs']);
  for (const g of records(row['gpus'])) {
    named('gpu', figure(g['index']), g['utilizationPct'], percentOf(figure(g['memoryUsedBytes']), figure(g['memoryTotalBytes'])), g['temperatureC']);
  }
}

/**
 * rollupDeviceRowsSql again, in JS, over a rollup row's parsed devices ([kind, name, v1, …]
 * tuples), whose numbers go through `resolve` (a chunk's shape: lib/db/chunks/json-text-column.ts).
 */
export function forEachRollupDevice(devices: unknown, visit: DeviceVisitor, resolve: (value: number) => number = (value) => value): void {
  if (!Array.isArray(devices)) return;
  const value = (v: unknown): number | null => (typeof v === 'number' ? resolve(v) : null);
  const values: (number | null)[] = DEVICE_VALUE_COLUMNS.map(() => null);
  for (const tuple of devices as unknown[]) {
    if (!Array.isArray(tuple)) continue;
    const kind: unknown = tuple[0];
    const name: unknown = typeof tuple[1] === 'number' ? resolve(tuple[1]) : tuple[1];
    if (name === null || name === undefined || !KINDS.has(kind)) continue;
    for (let v = 0; v < values.length; v++) values[v] = value(tuple[v + 2]);
    visit(kind as DeviceKind, String(name), values);
  }
}

const KINDS: ReadonlySet<unknown> = new Set(DEVICE_KINDS);

/** The objects of a parsed json array (json_to_recordset's rows); nothing for NULL. */
function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? (value as unknown[]).filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null) : [];
}
