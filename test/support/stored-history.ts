// A small stored history for the compaction tests: two hosts' three hours of 2026-11-20 and the
// first minutes of the next day, rolled up, read back whole through selectStoredRows.
import { sql } from 'kysely';
import type { VigilDb } from '../../lib/db/database.ts';
import { selectStoredRows } from '../../lib/db/chunks/select-stored-rows.ts';
import { ensureSamplePartitions } from '../../lib/db/ensure-sample-partitions.ts';
import { insertSamples } from '../../lib/db/queries/insert-samples.ts';
import { rollUpSamples } from '../../lib/db/rollups/roll-up-samples.ts';
import { ensureRollupPartitions } from '../../lib/db/rollups/rollup-partitions.ts';
import { simulatedSamples } from '../../lib/simulator/simulated-samples.ts';
import { testSample } from './test-samples.ts';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
// Three hours of 2026-11-20 and the first minutes of the next day, so that the day closes.
export const T0 = Date.parse('2026-11-20T21:00:00.000Z');
export const NEXT_DAY = Date.parse('2026-11-21T00:00:00.000Z');
export const HOSTS = ['a', 'b'];
export const EVERYTHING = { fromMs: T0 - DAY_MS, toMs: NEXT_DAY + DAY_MS };

export async function storeHistory(db: VigilDb): Promise<void> {
  await ensureSamplePartitions(db, T0, 1);
  for (const resolution of ['1m', '1h'] as const) await ensureRollupPartitions(db, resolution, T0, NEXT_DAY + HOUR_MS);
  for (const host of HOSTS) {
    await insertSamples(db, simulatedSamples(host, T0, 3 * 360));
    // A sample with every optional section absent or null, one with NaN and infinite figures.
    await insertSamples(db, [
      testSample(host, T0 + 5_000, { cpuCount: null, memTotalBytes: null, load5: null, missing: ['disks', 'pressure'], filesystems: [], interfaces: [] }),
      testSample(host, T0 + 6_000, { cpuBusyPct: Number.NaN, netRxBytesPerSec: Number.POSITIVE_INFINITY, netTxBytesPerSec: Number.NEGATIVE_INFINITY }),
    ]);
    // The newest samples, after midnight: the closed day holds none of a host's newest.
    await insertSamples(db, simulatedSamples(host, NEXT_DAY + 10_000, 30));
  }
  for (const resolution of ['1m', '1h'] as const) await rollUpSamples(db, { resolution, fromMs: T0, toMs: NEXT_DAY + HOUR_MS });
}

export async function allRows(db: VigilDb): Promise<Record<string, unknown>> {
  const rows: Record<string, unknown> = {};
  for (const host of HOSTS) {
    for (const kind of ['raw', '1m'] as const) {
      rows[`${kind}:${host}`] = await selectStoredRows(db, kind, host, EVERYTHING);
      rows[`${kind}:${host}:parsed`] = await selectStoredRows(db, kind, host, EVERYTHING, { json: 'values' });
    }
  }
  return rows;
}

export async function tableCount(db: VigilDb, table: string): Promise<number> {
  const result = await sql<{ n: number }>`SELECT count(*)::int8 AS n FROM ${sql.id(table)}`.execute(db);
  return Number(result.rows[0]?.n);
}

