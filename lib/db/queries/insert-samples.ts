// Stores samples; a sample already stored (same host and ts: a redelivered result) is skipped.
import type { Insertable, Kysely } from 'kysely';
import type { Sample } from '../../collect/sample.ts';
import type { Database, SamplesTable } from '../database.ts';

const COLUMNS_PER_ROW = 34;
// PostgreSQL takes at most 65535 bind parameters per statement.
const ROWS_PER_STATEMENT = Math.floor(65_535 / COLUMNS_PER_ROW);

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
    const keys = await db
      .insertInto('samples')
      .values(rows)
      .onConflict((oc) => oc.columns(['host', 'ts']).doNothing())
      .returning(['host', 'ts'])
      .execute();
    for (const key of keys) inserted.push({ host: key.host, ts: key.ts.getTime() });
  }
  return inserted;
}

function toRow(sample: Sample): Insertable<SamplesTable> {
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
  };
}

// The json columns are most of a row's bytes, and a double's 17 digits are most of those: two
// decimals are finer than any chart or alert threshold reads, and halve the stored size.
function compactJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 100) / 100 : v));
}

/** Absent (an older worker's sample) or null (the host did not say) is SQL NULL: no bytes in the row. */
function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : compactJson(value);
}

// Integer columns reject "1.5"; a fractional byte count is a rounding artefact upstream.
function integerOrNull(value: number | null): number | null {
  return value === null || !Number.isFinite(value) ? null : Math.round(value);
}
