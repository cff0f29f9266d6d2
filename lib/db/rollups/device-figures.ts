// Per-device figures (filesystems, interfaces, disks, GPUs) in one long form shared by the raw
// samples, the rollups and the chart query: rows of (kind, name, v1, v2, v3). Rollups store each
// bucket's averages as a json array of [kind, name, v1, v2, v3] tuples, so a chart of a week
// reads one small row per minute instead of expanding 60,480 samples' json columns.

export const DEVICE_KINDS = ['fs', 'net', 'disk', 'gpu'] as const;

export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** What v1, v2 and v3 hold for each kind, as the API names them. */
export const DEVICE_FIELDS = {
  fs: ['usedPct'],
  net: ['rxBytesPerSec', 'txBytesPerSec'],
  disk: ['readBytesPerSec', 'writeBytesPerSec', 'busyPct'],
  gpu: ['utilizationPct', 'memoryUsedPct', 'temperatureC'],
} as const satisfies Record<DeviceKind, readonly string[]>;

const num = (element: string, key: string): string => `(${element}->>'${key}')::float8`;

/**
 * A lateral subquery giving the device rows of the samples row `s` (an SQL alias). Loopback is
 * left out: its traffic is the host talking to itself. GPUs are named by index, which nvidia-smi
 * keeps stable across polls; their model name is in the host's detail.
 */
export function sampleDeviceRowsSql(s: string): string {
  return `(
      select 'fs'::text as kind, f->>'mount' as name, ${num('f', 'usedPct')} as v1, null::float8 as v2, null::float8 as v3
      from json_array_elements(${s}.filesystems) f
      union all
      select 'net', i->>'name', ${num('i', 'rxBytesPerSec')}, ${num('i', 'txBytesPerSec')}, null::float8
      from json_array_elements(${s}.interfaces) i
      where coalesce((i->>'loopback')::boolean, false) = false
      union all
      select 'disk', d->>'name', ${num('d', 'readBytesPerSec')}, ${num('d', 'writeBytesPerSec')}, ${num('d', 'busyPct')}
      from json_array_elements(coalesce(${s}.disks, '[]'::json)) d
      union all
      select 'gpu', g->>'index', ${num('g', 'utilizationPct')},
        100.0 * ${num('g', 'memoryUsedBytes')} / nullif(${num('g', 'memoryTotalBytes')}, 0), ${num('g', 'temperatureC')}
      from json_array_elements(coalesce(${s}.gpus, '[]'::json)) g
    )`;
}

/** A lateral subquery giving the device rows stored in the rollup row `x` (an SQL alias). */
export function rollupDeviceRowsSql(x: string): string {
  return `(
      select t->>0 as kind, t->>1 as name, (t->>2)::float8 as v1, (t->>3)::float8 as v2, (t->>4)::float8 as v3
      from json_array_elements(coalesce(${x}.devices, '[]'::json)) t
    )`;
}
