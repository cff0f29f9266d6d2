// "What ate the CPU at 03:12": the top processes from the newest full poll at or before a moment.
// Light polls do not collect processes, so the answer is the full poll that precedes the moment.
import type { ProcessSummary } from '../../collect/sample.ts';
import { AT_US } from '../chunks/chunked-tables.ts';
import { selectStoredRows } from '../chunks/select-stored-rows.ts';
import type { VigilDb } from '../database.ts';

/** Full polls come about once a minute; an older one says little about the moment asked for. */
export const PROCESSES_LOOKBACK_MS = 15 * 60_000;

export interface ProcessesAt {
  /** The full poll's time, milliseconds since the epoch. */
  ts: number;
  processes: ProcessSummary;
}

export interface ProcessesAtQuery {
  host: string;
  atMs: number;
  lookbackMs?: number;
}

/** Undefined when the host is unknown; null when it had no full poll in the lookback before atMs. */
export async function selectProcessesAt(db: VigilDb, query: ProcessesAtQuery): Promise<ProcessesAt | null | undefined> {
  const known = await db.selectFrom('hosts').select('name').where('name', '=', query.host).executeTakeFirst();
  if (known === undefined) return undefined;
  // The lookback's samples, from the table or from the chunk of an hour compacted since.
  const range = { fromMs: query.atMs - (query.lookbackMs ?? PROCESSES_LOOKBACK_MS), toMs: query.atMs };
  const rows = await selectStoredRows(db, 'raw', query.host, range, { columns: ['processes'], json: 'values' });
  const newest = rows.findLast((row) => row['processes'] !== null);
  if (newest === undefined) return null;
  return { ts: Math.floor(newest[AT_US] / 1000), processes: newest['processes'] as ProcessSummary };
}
