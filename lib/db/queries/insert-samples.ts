// Stores samples; a sample already stored (same host and ts: a redelivered result) is skipped.
import { sql } from 'kysely';
import type { Insertable, Kysely, RawBuilder } from 'kysely';
import type { Sample } from '../../collect/sample.ts';
import type { Database, SamplesTable } from '../database.ts';

// Every column with the array type its values travel in. The batch goes as one array per column
// into a single INSERT … SELECT FROM unnest(…): 36 parameters whatever the batch size and one
// statement text, instead of a VALUES list of 36 × n parameters built and quoted one by one; with
// the parameters below, the writer's whole path stores 20-30% more rows/s (BENCHMARKS.md, Ingest).
const COLUMNS = [
  ['host', 'text'],
  ['ts', 'timestamptz'],
  ['cpu_busy_pct', 'float8'],
  ['cpu_count', 'int4'],
  ['mem_total_bytes', 'int8'],
  ['mem_available_bytes', 'int8'],
  ['mem_used_pct', 'float8'],
  ['swap_total_bytes', 'int8'],
  ['swap_used_bytes', 'int8'],
  ['load1', 'float8'],
  ['load5', 'float8'],
  ['load15', 'float8'],
  ['uptime_sec', 'float8'],
  ['net_rx_bps', 'float8'],
  ['net_tx_bps', 'float8'],
  ['disk_used_pct_max', 'float8'],
  ['filesystems', 'json'],
  ['interfaces', 'json'],
  ['mem_buffers_bytes', 'int8'],
  ['mem_cached_bytes', 'int8'],
  ['load_per_core', 'float8'],
  ['rebooted', 'bool'],
  ['disk_read_bps', 'float8'],
  ['disk_write_bps', 'float8'],
  ['processes_total', 'int4'],
  ['processes_running', 'int4'],
  ['cpu_modes', 'json'],
  ['per_core_busy_pct', 'json'],
  ['disks', 'json'],
  ['processes', 'json'],
  ['pressure', 'json'],
  ['failed_units', 'json'],
  ['gpus', 'json'],
  ['missing', 'json'],
  ['checks', 'json'],
  ['device', 'json'],
] as const satisfies ReadonlyArray<readonly [keyof SamplesTable, string]>;

type SampleRow = Required<Insertable<SamplesTable>>;

// No parameter limit applies any more, but a seeding script's million samples would make
// parameters of gigabytes: a writer's batch (500) is one statement, larger calls several.
const ROWS_PER_STATEMENT = 5_000;

// A column added to SamplesTable but not listed above fails to compile instead of storing NULL.
type Unlisted = Exclude<keyof SamplesTable, (typeof COLUMNS)[number][0]>;
const everyColumnListed: [Unlisted] extends [never] ? true : false = true;
void everyColumnListed;

// The json columns travel as text[] and are cast element by element in the select list: casting
// the whole array (text[] to json[]) built a second array of every JSON text first; the statement
// alone stored 22-24% more rows/s without it (BENCHMARKS.md, Ingest, 2026-11-24). Same json_in, same stored text.
const COLUMN_NAMES = COLUMNS.map(([name]) => name).join(', ');
const SELECTED = COLUMNS.map(([name, type]) => (type === 'json' ? `${name}::json` : name)).join(', ');
const INSERT_PREFIX = sql.raw(`INSERT INTO samples (${COLUMN_NAMES}) SELECT ${SELECTED} FROM unnest(`);
const UNNEST_ALIAS = sql.raw(`) AS u(${COLUMN_NAMES})`);

export interface SampleKey {
  host: string;
  ts: number;
}

/** Inserts the samples, skipping those already stored, and returns how many rows were new. */
export async function insertSamples(db: Kysely<Database>, samples: Sample[]): Promise<number> {
  return (await insertSamplesReturningKeys(db, samples)).length;
}

/** As insertSamples, but says which samples were new, so a caller can act on those alone. */
export async function insertSamplesReturningKeys(db: Kysely<Database>, samples: Sample[]): Promise<SampleKey[]> {
  const inserted: SampleKey[] = [];
  for (let start = 0; start < samples.length; start += ROWS_PER_STATEMENT) {
    const rows = samples.slice(start, start + ROWS_PER_STATEMENT).map(toRow);
    const columnArrays = COLUMNS.map(([name, type]) => columnArray(type, rows.map((row) => row[name])));
    const result = await sql<{ host: string; ts: Date }>`${INSERT_PREFIX}${sql.join(columnArrays)}${UNNEST_ALIAS}
      ON CONFLICT (host, ts) DO NOTHING
      RETURNING host, ts`.execute(db);
    for (const key of result.rows) inserted.push({ host: key.host, ts: key.ts.getTime() });
  }
  return inserted;
}

// Each column's array goes as one text parameter built here rather than as a JS array for the
// driver to quote element by element (pg escapes every element, JSON's many quotes included, and
// the server unescapes them): the insert alone went from ~3,200 to ~4,000 rows/s on the bench's rows.
function columnArray(type: string, values: unknown[]): RawBuilder<unknown> {
  if (type === 'json') {
    // JSON.stringify never emits a raw newline, so newline-separated JSON texts split exactly,
    // and NULL_JSON, which is not JSON text, can stand for SQL NULL.
    const joined = values.map((value) => (value === null || value === undefined ? NULL_JSON : (value as string))).join('\n');
    return sql`string_to_array(${joined}::text, E'\\n', ${NULL_JSON})`;
  }
  return sql`${`{${values.map(arrayElement).join(',')}}`}::text::${sql.raw(type)}[]`;
}

const NULL_JSON = 'N';

function arrayElement(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'boolean') return value ? 't' : 'f';
  // NaN and ±Infinity read back as float8's own NaN and ±Infinity.
  if (typeof value === 'number') return String(value);
  // Text is quoted, backslash and double quote escaped: a host name may hold anything.
  return `"${String(value).replace(/["\\]/g, '\\$&')}"`;
}

function toRow(sample: Sample): SampleRow {
  return {
    host: sample.host,
    ts: new Date(sample.ts),
    cpu_busy_pct: sample.cpuBusyPct,
    cpu_count: integerOrNull(sample.cpuCount),
    mem_total_bytes: integerOrNull(sample.memTotalBytes),
    mem_available_bytes: integerOrNull(sample.memAvailableBytes),
    mem_used_pct: sample.memUsedPct,
    swap_total_bytes: integerOrNull(sample.swapTotalBytes),
    swap_used_bytes: integerOrNull(sample.swapUsedBytes),
    load1: sample.load1,
    load5: sample.load5,
    load15: sample.load15,
    uptime_sec: sample.uptimeSec,
    net_rx_bps: sample.netRxBytesPerSec,
    net_tx_bps: sample.netTxBytesPerSec,
    disk_used_pct_max: sample.diskUsedPctMax,
    filesystems: compactJson(sample.filesystems),
    interfaces: compactJson(sample.interfaces),
    mem_buffers_bytes: integerOrNull(sample.memBuffersBytes ?? null),
    mem_cached_bytes: integerOrNull(sample.memCachedBytes ?? null),
    load_per_core: sample.loadPerCore ?? null,
    rebooted: sample.rebooted ?? false,
    disk_read_bps: sample.diskReadBytesPerSec ?? null,
    disk_write_bps: sample.diskWriteBytesPerSec ?? null,
    processes_total: integerOrNull(sample.processes?.total ?? null),
    processes_running: integerOrNull(sample.processes?.running ?? null),
    cpu_modes: jsonOrNull(sample.cpuModes),
    per_core_busy_pct: jsonOrNull(sample.perCoreBusyPct),
    disks: jsonOrNull(sample.disks),
    processes: jsonOrNull(sample.processes),
    pressure: jsonOrNull(sample.pressure),
    failed_units: jsonOrNull(sample.failedUnits),
    gpus: jsonOrNull(sample.gpus),
    missing: sample.missing.length > 0 ? compactJson(sample.missing) : null,
    checks: jsonOrNull(sample.checks),
    device: jsonOrNull(sample.device),
  };
}

// The json columns are most of a row's bytes, and a double's 17 digits are most of those: two
// decimals are finer than any chart or alert threshold reads, and halve the stored size.
// Rounding a copy and stringifying it natively measured ~20% less CPU than a replacer function.
function compactJson(value: unknown): string {
  return JSON.stringify(roundedCopy(value));
}

function roundedCopy(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Math.round(value * 100) / 100;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(roundedCopy);
  // An object with its own toJSON (a Date) serialises as it always would.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) copy[key] = roundedCopy((value as Record<string, unknown>)[key]);
  return copy;
}

/** Absent (an older worker's sample) or null (the host did not say) is SQL NULL: no bytes in the row. */
function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : compactJson(value);
}

// Integer columns reject "1.5"; a fractional byte count is a rounding artefact upstream.
function integerOrNull(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.round(value);
}
