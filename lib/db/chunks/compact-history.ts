// Compaction: a host's closed hours of raw samples and of 1-minute rollups leave their tables for
// one sample_chunks row each, columnar and compressed (chunk-payload.ts): about a tenth of the
// bytes, and a host's hour in one place instead of one heap page per row. (A day of minutes in one
// chunk measured ~10% fewer bytes, but a 24-hour chart then decoded up to two days of them.) The caller says up to when: the maintenance job passes the point before
// which its rollups will never read raw samples or minutes again (services/writer/maintenance.ts).
//
// Exactly once, whatever reruns or runs alongside:
// - A span is compacted in one transaction, under an advisory lock on its host: the chunk is
//   written, and exactly the rows it was built from are deleted.
// - A row stored after its hour was compacted (a late or redelivered sample) stays in the table,
//   where readers see it (select-stored-rows.ts keeps one copy of a row in both), and the next pass
//   merges it into the hour's chunk: a row already in the chunk is the same row and changes nothing.
//   Late samples are accepted, never rejected: the writer keeps no horizon, and nothing is lost.
//   (The rollups, as before compaction, do not go back for a sample later than their re-roll window.)
// - Each host's newest sample and newest full poll (the one with processes) are copied into the chunk
//   but also stay in the table: the host list and the host page read them there.
// - A day partition of samples (a month of samples_1m) is dropped once compaction has emptied it.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Database } from '../database.ts';
import { dropPartitionIfEmpty } from '../drop-empty-partition.ts';
import { listSamplePartitions, samplePartitionStart } from '../ensure-sample-partitions.ts';
import { listRollupPartitions } from '../rollups/rollup-partitions.ts';
import { encodeChunk } from './chunk-payload.ts';
import type { ChunkColumns, ChunkValue } from './chunk-payload.ts';
import { AT_US, CHUNK_COMPRESSION, CHUNK_KINDS, STORED_TABLES, chunkColumnTypes } from './chunked-tables.ts';
import type { ChunkKind } from './chunked-tables.ts';
import { chunkRows, selectOverlappingChunks, selectTableRows } from './select-stored-rows.ts';
import type { StoredRow } from './select-stored-rows.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
/** pg_advisory_xact_lock(class, key): this class, and the hash of kind and host as the key. */
const COMPACTION_LOCK_CLASS = 0x76696743;
const EPOCH = sql`timestamptz '1970-01-01 00:00:00+00'`;

export interface CompactHistoryOptions {
  /** Rows older than this, rounded down to the hour, move into chunks. */
  beforeMs: number;
  kinds?: readonly ChunkKind[];
  /** Asked between spans: true ends the pass there (what is done stays done). */
  shouldStop?: () => boolean;
}

export interface CompactHistoryResult {
  /** Chunks written: new, or rewritten with rows merged in. */
  chunks: number;
  /** Rows moved out of samples and samples_1m. */
  rows: number;
  /** Partitions dropped once compaction had emptied them. */
  partitions: string[];
  /** False when shouldStop ended the pass early: what is left waits for the next one. */
  complete: boolean;
}

export async function compactHistory(db: Kysely<Database>, options: CompactHistoryOptions): Promise<CompactHistoryResult> {
  const beforeMs = Math.floor(options.beforeMs / HOUR_MS) * HOUR_MS;
  const result: CompactHistoryResult = { chunks: 0, rows: 0, partitions: [], complete: false };
  const run = async (kind: ChunkKind, spans: HostSpan[]): Promise<boolean> => {
    for (const span of spans) {
      if (options.shouldStop?.() === true) return false;
      const done = await compactSpan(db, kind, span.host, span.fromMs, span.toMs);
      result.chunks += done.chunks;
      result.rows += done.rows;
    }
    return true;
  };
  for (const kind of options.kinds ?? CHUNK_KINDS) {
    if (!(await run(kind, await hoursToCompact(db, kind, beforeMs)))) return result;
    result.partitions.push(...(await dropEmptiedPartitions(db, kind, beforeMs)));
  }
  result.complete = true;
  return result;
}

export interface SpanCompaction {
  chunks: number;
  rows: number;
}

/**
 * Moves the host's rows of [fromMs, toMs) into one chunk, merged with the chunks already there (the
 * span grows to cover any chunk it meets). Safe to run again or alongside another: it does nothing
 * when there is nothing new.
 */
export async function compactSpan(db: Kysely<Database>, kind: ChunkKind, host: string, fromMs: number, toMs: number): Promise<SpanCompaction> {
  const columns = [...STORED_TABLES[kind].columns.keys()];
  return db.transaction().execute(async (trx) => {
    await sql`SELECT pg_advisory_xact_lock(${COMPACTION_LOCK_CLASS}, hashtext(${`${kind}:${host}`}))`.execute(trx);
    const chunks = await selectOverlappingChunks(trx, kind, host, { fromMs, toMs, toExclusive: true });
    const spanFrom = Math.min(fromMs, ...chunks.map((chunk) => chunk.startMs));
    const spanTo = Math.max(toMs, ...chunks.map((chunk) => chunk.endMs));
    const rows = await selectTableRows(trx, kind, host, { fromMs: spanFrom, toMs: spanTo, toExclusive: true }, columns);
    const wholeChunk = chunks.length === 1 && chunks[0]?.startMs === spanFrom && chunks[0]?.endMs === spanTo;
    if (rows.length === 0 && (chunks.length === 0 || wholeChunk)) return { chunks: 0, rows: 0 };

    const merged = new Map<number, StoredRow>();
    for (const chunk of chunks) for (const row of chunkRows(kind, chunk.payload, columns, { json: 'text' })) merged.set(row[AT_US], row);
    let changed = !wholeChunk;
    for (const row of rows) {
      const stored = merged.get(row[AT_US]);
      if (stored === undefined || !sameRow(stored, row, columns)) changed = true;
      merged.set(row[AT_US], row);
    }
    if (changed) {
      const ordered = [...merged.values()].sort((a, b) => a[AT_US] - b[AT_US]);
      const payload = await encodeChunk(chunkColumnTypes(kind), asColumns(ordered, [AT_US, ...columns]), CHUNK_COMPRESSION[kind]);
      if (chunks.length > 0) {
        await trx
          .deleteFrom('sample_chunks')
          .where('kind', '=', kind)
          .where('host', '=', host)
          .where('start_ts', 'in', chunks.map((chunk) => new Date(chunk.startMs)))
          .execute();
      }
      await trx
        .insertInto('sample_chunks')
        .values({ kind, host, start_ts: new Date(spanFrom), end_ts: new Date(spanTo), row_count: ordered.length, payload })
        .execute();
    }
    const pinned = kind === 'raw' ? await pinnedSampleTimes(trx, host) : new Set<number>();
    const moved = rows.map((row) => row[AT_US]).filter((at) => !pinned.has(at));
    if (moved.length > 0) await deleteTableRows(trx, kind, host, spanFrom, spanTo, moved);
    return { chunks: changed ? 1 : 0, rows: moved.length };
  });
}

interface HostSpan {
  host: string;
  fromMs: number;
  toMs: number;
}

/** The (host, hour) pairs with rows in the table before `beforeMs`, oldest first; raw samples that stay pinned do not count. */
async function hoursToCompact(db: Kysely<Database>, kind: ChunkKind, beforeMs: number): Promise<HostSpan[]> {
  const before = new Date(beforeMs).toISOString();
  const result =
    kind === 'raw'
      ? await sql<{ host: string; start_ms: number }>`
    WITH old AS MATERIALIZED (
      SELECT DISTINCT host FROM samples WHERE ts < cast(${before} as timestamptz)
    ), newest AS MATERIALIZED (
      -- Materialized: once per host, not once per row of the join below.
      SELECT o.host,
        (SELECT s.ts FROM samples s WHERE s.host = o.host ORDER BY s.ts DESC LIMIT 1) AS last_ts,
        (SELECT s.ts FROM samples s WHERE s.host = o.host AND s.processes IS NOT NULL ORDER BY s.ts DESC LIMIT 1) AS full_ts
      FROM old o
    )
    SELECT s.host, (extract(epoch from date_bin('1 hour', s.ts, ${EPOCH})) * 1000)::int8 AS start_ms
    FROM samples s JOIN newest n ON n.host = s.host
    WHERE s.ts < cast(${before} as timestamptz) AND s.ts IS DISTINCT FROM n.last_ts AND s.ts IS DISTINCT FROM n.full_ts
    GROUP BY 1, 2
    ORDER BY 2, 1`.execute(db)
      : await sql<{ host: string; start_ms: number }>`
    SELECT host, (extract(epoch from date_bin('1 hour', bucket, ${EPOCH})) * 1000)::int8 AS start_ms
    FROM samples_1m
    WHERE bucket < cast(${before} as timestamptz)
    GROUP BY 1, 2
    ORDER BY 2, 1`.execute(db);
  return result.rows.map((row) => ({ host: row.host, fromMs: Number(row.start_ms), toMs: Number(row.start_ms) + HOUR_MS }));
}

/** The times (microseconds) of the host's newest sample and newest full poll, which stay in the table. */
async function pinnedSampleTimes(db: Kysely<Database>, host: string): Promise<Set<number>> {
  const result = await sql<{ last_us: number | null; full_us: number | null }>`
    SELECT
      (SELECT (extract(epoch from s.ts) * 1000000)::int8 FROM samples s WHERE s.host = ${host} ORDER BY s.ts DESC LIMIT 1) AS last_us,
      (SELECT (extract(epoch from s.ts) * 1000000)::int8 FROM samples s WHERE s.host = ${host} AND s.processes IS NOT NULL ORDER BY s.ts DESC LIMIT 1) AS full_us`.execute(db);
  const row = result.rows[0];
  return new Set([row?.last_us, row?.full_us].filter((us) => us != null).map(Number));
}

/** Deletes exactly the rows a chunk was built from, by their times: a row stored since stays. */
async function deleteTableRows(db: Kysely<Database>, kind: ChunkKind, host: string, fromMs: number, toMs: number, times: number[]): Promise<void> {
  const { table, time } = STORED_TABLES[kind];
  const column = sql.id(time);
  // One text literal rather than a JS array for the driver to quote element by element.
  await sql`
    DELETE FROM ${sql.id(table)}
    WHERE host = ${host}
      AND ${column} >= cast(${new Date(fromMs).toISOString()} as timestamptz)
      AND ${column} < cast(${new Date(toMs).toISOString()} as timestamptz)
      AND (extract(epoch from ${column}) * 1000000)::int8 = ANY(cast(${`{${times.join(',')}}`} as int8[]))`.execute(db);
}

async function dropEmptiedPartitions(db: Kysely<Database>, kind: ChunkKind, beforeMs: number): Promise<string[]> {
  const closed =
    kind === 'raw'
      ? (await listSamplePartitions(db)).filter((name) => (samplePartitionStart(name) ?? Infinity) + DAY_MS <= beforeMs)
      : (await listRollupPartitions(db, '1m')).filter((partition) => partition.toMs <= beforeMs).map((partition) => partition.name);
  const dropped: string[] = [];
  for (const name of closed) if (await dropPartitionIfEmpty(db, STORED_TABLES[kind].table, name)) dropped.push(name);
  return dropped;
}

function sameRow(a: StoredRow, b: StoredRow, columns: readonly string[]): boolean {
  return columns.every((name) => Object.is(a[name] ?? null, b[name] ?? null));
}

function asColumns(rows: readonly StoredRow[], names: readonly string[]): ChunkColumns {
  const columns = new Map<string, ChunkValue[]>();
  // Values as read with json: 'text'; encodeChunk checks each against its column's type.
  for (const name of names) columns.set(name, rows.map((row) => (row[name] ?? null) as ChunkValue));
  return { rowCount: rows.length, columns };
}
