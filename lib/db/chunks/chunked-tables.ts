// The tables whose closed hours move into sample_chunks, and every column a chunk keeps of them,
// with the encoding each takes (lib/db/chunks/chunk-payload.ts). A chunk holds every column: a
// reader of the table must not be able to tell a compacted row from a stored one. The row's time
// travels as microseconds since the epoch (column `at_us`), which is what timestamptz holds.
import type { SampleRollupsTable, SamplesTable } from '../database.ts';
import type { ChunkColumnType, ChunkCompression } from './chunk-payload.ts';

/** The tables of history: raw samples, 1-minute and 1-hour rollups. */
export type StoredKind = 'raw' | '1m' | '1h';

/** Those whose closed hours move into chunks; hourly rollups are few enough to stay rows. */
export type ChunkKind = Exclude<StoredKind, '1h'>;

export const CHUNK_KINDS: readonly ChunkKind[] = ['raw', '1m'];

/** The name of the time column in chunk rows and in the rows the readers return. */
export const AT_US = 'at_us';

export interface StoredTable {
  table: 'samples' | 'samples_1m' | 'samples_1h';
  /** Its time column. */
  time: 'ts' | 'bucket';
  /** Every other column but host, with its chunk encoding. */
  columns: ReadonlyMap<string, ChunkColumnType>;
}

const SAMPLE_COLUMNS = {
  cpu_busy_pct: 'number',
  cpu_count: 'number',
  mem_total_bytes: 'number',
  mem_available_bytes: 'number',
  mem_used_pct: 'number',
  swap_total_bytes: 'number',
  swap_used_bytes: 'number',
  load1: 'number',
  load5: 'number',
  load15: 'number',
  uptime_sec: 'number',
  net_rx_bps: 'number',
  net_tx_bps: 'number',
  disk_used_pct_max: 'number',
  filesystems: 'json',
  interfaces: 'json',
  mem_buffers_bytes: 'number',
  mem_cached_bytes: 'number',
  load_per_core: 'number',
  rebooted: 'bool',
  disk_read_bps: 'number',
  disk_write_bps: 'number',
  processes_total: 'number',
  processes_running: 'number',
  cpu_modes: 'json',
  per_core_busy_pct: 'json',
  disks: 'json',
  processes: 'json',
  pressure: 'json',
  failed_units: 'json',
  gpus: 'json',
  missing: 'json',
  // Chunks written before migration 0015 lack these two: a chunk reads a column it does not hold as null.
  checks: 'json',
  device: 'json',
  // Chunks written before migration 0018 lack these four, read as null likewise.
  context_switches_per_sec: 'number',
  interrupts_per_sec: 'number',
  forks_per_sec: 'number',
  processes_blocked: 'number',
  // Chunks written before migration 0025 lack it, read as null likewise.
  clock_offset_sec: 'number',
} as const satisfies Record<Exclude<keyof SamplesTable, 'host' | 'ts'>, ChunkColumnType>;

const ROLLUP_COLUMNS = {
  sample_count: 'number',
  cpu_busy_pct_min: 'number',
  cpu_busy_pct_max: 'number',
  cpu_busy_pct_avg: 'number',
  mem_used_pct_min: 'number',
  mem_used_pct_max: 'number',
  mem_used_pct_avg: 'number',
  load1_min: 'number',
  load1_max: 'number',
  load1_avg: 'number',
  net_rx_bps_min: 'number',
  net_rx_bps_max: 'number',
  net_rx_bps_avg: 'number',
  net_tx_bps_min: 'number',
  net_tx_bps_max: 'number',
  net_tx_bps_avg: 'number',
  disk_used_pct_max_min: 'number',
  disk_used_pct_max_max: 'number',
  disk_used_pct_max_avg: 'number',
  disk_read_bps_min: 'number',
  disk_read_bps_max: 'number',
  disk_read_bps_avg: 'number',
  disk_write_bps_min: 'number',
  disk_write_bps_max: 'number',
  disk_write_bps_avg: 'number',
  cpu_user_pct_avg: 'number',
  cpu_nice_pct_avg: 'number',
  cpu_system_pct_avg: 'number',
  cpu_iowait_pct_avg: 'number',
  cpu_irq_pct_avg: 'number',
  cpu_softirq_pct_avg: 'number',
  cpu_steal_pct_avg: 'number',
  swap_used_pct_avg: 'number',
  load5_avg: 'number',
  load15_avg: 'number',
  load_per_core_avg: 'number',
  devices: 'json',
  // Chunks written before migration 0019 lack these four, read as null.
  context_switches_per_sec_avg: 'number',
  interrupts_per_sec_avg: 'number',
  forks_per_sec_avg: 'number',
  processes_blocked_avg: 'number',
} as const satisfies Record<Exclude<keyof SampleRollupsTable, 'host' | 'bucket'>, ChunkColumnType>;

// A column added to a table but not listed above fails to compile here instead of being left out of chunks.
type Missing<Table, Listed> = Exclude<keyof Table, 'host' | 'ts' | 'bucket' | keyof Listed>;
const everySampleColumn: [Missing<SamplesTable, typeof SAMPLE_COLUMNS>] extends [never] ? true : false = true;
const everyRollupColumn: [Missing<SampleRollupsTable, typeof ROLLUP_COLUMNS>] extends [never] ? true : false = true;
void everySampleColumn;
void everyRollupColumn;

export const STORED_TABLES: Record<StoredKind, StoredTable> = {
  raw: { table: 'samples', time: 'ts', columns: new Map(Object.entries(SAMPLE_COLUMNS)) },
  '1m': { table: 'samples_1m', time: 'bucket', columns: new Map(Object.entries(ROLLUP_COLUMNS)) },
  '1h': { table: 'samples_1h', time: 'bucket', columns: new Map(Object.entries(ROLLUP_COLUMNS)) },
};

export function hasChunks(kind: StoredKind): kind is ChunkKind {
  return (CHUNK_KINDS as readonly StoredKind[]).includes(kind);
}

/** How each kind's payloads are compressed (chunk-payload.ts says why). */
export const CHUNK_COMPRESSION: Record<ChunkKind, ChunkCompression> = { raw: 'brotli', '1m': 'deflate' };

/** The payload's columns: the time first, then the table's. */
export function chunkColumnTypes(kind: ChunkKind): Map<string, ChunkColumnType> {
  return new Map([[AT_US, 'number'], ...STORED_TABLES[kind].columns]);
}
