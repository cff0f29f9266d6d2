// "What ate the CPU at 03:12": the top processes from the newest full poll at or before a moment.
// Light polls do not collect processes, so the answer is the full poll that precedes the moment.
import { sql } from 'kysely';
import type { ProcessSummary } from '../../collect/sample.ts';
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
  const at = new Date(query.atMs).toISOString();
  const since = new Date(query.atMs - (query.lookbackMs ?? PROCESSES_LOOKBACK_MS)).toISOString();
  const result = await sql<{ ts: Date | string | null; processes: ProcessSummary | string | null }>`
    select p.ts, p.processes
    from hosts h
    left join lateral (
      select s.ts, s.processes
      from samples s
      where s.host = h.name and s.processes is not null
        and s.ts <= cast(${at} as timestamptz) and s.ts >= cast(${since} as timestamptz)
      order by s.ts desc
      limit 1
    ) p on true
    where h.name = ${query.host}`.execute(db);
  const row = result.rows[0];
  if (row === undefined) return undefined;
  if (row.ts === null || row.processes === null) return null;
  const processes = typeof row.processes === 'string' ? (JSON.parse(row.processes) as ProcessSummary) : row.processes;
  return { ts: new Date(row.ts).getTime(), processes };
}
