// One host's rows of samples or samples_1m over a time range, wherever they are stored: in the
// table, or compacted into sample_chunks. Every reader of those tables reads through here
// (samples_1h too, which has no chunks, so that the chart reader reads every tier alike).
// The table is read first and the chunks second, each in one statement: compaction writes a chunk
// and deletes its rows in one transaction, so a compaction that commits between the two statements
// leaves its rows in the first answer and its chunk in the second (a row read twice, kept once), and
// never neither. A row both in the table and in a chunk (a redelivered sample, stored again after
// its hour was compacted; a host's newest sample, which stays in the table) is the same row: the
// table's copy is kept, as compaction itself would keep it.
import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import type { Database } from '../database.ts';
import { openChunk } from './chunk-payload.ts';
import { IDENTITY_RESOLVE } from './json-text-column.ts';
import type { JsonShape } from './json-text-column.ts';
import { AT_US, STORED_TABLES, hasChunks } from './chunked-tables.ts';
import type { ChunkKind, StoredKind } from './chunked-tables.ts';

/**
 * A row as stored: at_us (microseconds since the epoch) and the columns asked for; json columns as
 * their text, or parsed (as JSON.parse gives them) when asked for with json: 'values'.
 */
export type StoredRow = Record<string, unknown> & { [AT_US]: number };

/** The longest span a chunk covers (compact-history.ts writes hours), which bounds the chunk lookup. */
export const MAX_CHUNK_SPAN_MS = 3_600_000;

export interface StoredRange {
  /** Epoch milliseconds, inclusive. */
  fromMs: number;
  /** Epoch milliseconds; inclusive unless toExclusive. */
  toMs: number;
  toExclusive?: boolean;
}

/** How json columns are read: their stored text (what compaction keeps), parsed, or as shapes (json-text-column.ts). */
export type JsonReading = 'text' | 'values' | 'shapes';

export interface StoredRowsOptions {
  /** The columns to read; every column when absent. */
  columns?: readonly string[];
  /** Default: text. */
  json?: JsonReading;
}

/** The host's rows in the range, oldest first. */
export async function selectStoredRows(db: Kysely<Database>, kind: StoredKind, host: string, range: StoredRange, options: StoredRowsOptions = {}): Promise<StoredRow[]> {
  return rowsOf(await selectStoredColumns(db, kind, host, range, options));
}

/** Rows column by column: times, and one array per column aligned with them. */
export interface StoredColumns {
  /** Microseconds since the epoch, ascending. */
  at: number[];
  columns: Map<string, unknown[]>;
}

/**
 * As selectStoredRows, column by column: a chart reads a week of minutes (10,080 rows) without an
 * object per row, and a chunk's columns are taken as decoded.
 */
export async function selectStoredColumns(db: Kysely<Database>, kind: StoredKind, host: string, range: StoredRange, options: StoredRowsOptions = {}): Promise<StoredColumns> {
  const names = options.columns ?? [...STORED_TABLES[kind].columns.keys()];
  const tableRows = await selectTableRows(db, kind, host, range, names);
  if (options.json === 'values' || options.json === 'shapes') for (const row of tableRows) parseJsonColumns(kind, row, names, options.json);
  const table = columnsOf(tableRows, names);
  const chunks = hasChunks(kind) ? await selectOverlappingChunks(db, kind, host, range) : [];
  if (chunks.length === 0) return table;
  const parts: StoredColumns[] = [];
  for (const chunk of chunks) parts.push(chunkColumns(kind, chunk.payload, names, { range, json: options.json ?? 'text' }));
  parts.push(table);
  return mergeColumns(parts, names);
}

/** The parts' rows in time order, a time read twice kept once: from the last part that has it (the table). */
function mergeColumns(parts: readonly StoredColumns[], names: readonly string[]): StoredColumns {
  // The usual case: compacted hours, then the rows of the hours since, each part after the one before.
  const filled = parts.filter((part) => part.at.length > 0);
  if (filled.length <= 1) return filled[0] ?? { at: [], columns: new Map(names.map((name) => [name, []])) };
  if (filled.every((part, i) => i === 0 || (part.at[0] as number) > ((filled[i - 1] as StoredColumns).at.at(-1) as number))) {
    return {
      at: ([] as number[]).concat(...filled.map((part) => part.at)),
      columns: new Map(names.map((name) => [name, ([] as unknown[]).concat(...filled.map((part) => part.columns.get(name) ?? []))])),
    };
  }
  const winner = new Map<number, [part: number, row: number]>();
  parts.forEach((part, p) => part.at.forEach((at, row) => winner.set(at, [p, row])));
  const at = [...winner.keys()].sort((a, b) => a - b);
  const columns = new Map<string, unknown[]>();
  for (const name of names) {
    const sources = parts.map((part) => part.columns.get(name) ?? []);
    columns.set(
      name,
      at.map((time) => {
        const [p, row] = winner.get(time) as [number, number];
        return sources[p]?.[row] ?? null;
      }),
    );
  }
  return { at, columns };
}

function columnsOf(rows: readonly StoredRow[], names: readonly string[]): StoredColumns {
  return { at: rows.map((row) => row[AT_US]), columns: new Map(names.map((name) => [name, rows.map((row) => row[name] ?? null)])) };
}

function rowsOf(stored: StoredColumns): StoredRow[] {
  const columns = [...stored.columns];
  return stored.at.map((at, i) => {
    const row: StoredRow = { [AT_US]: at };
    for (const [name, values] of columns) row[name] = values[i] ?? null;
    return row;
  });
}

/** The host's rows still in the table, oldest first. */
export async function selectTableRows(db: Kysely<Database>, kind: StoredKind, host: string, range: StoredRange, columns: readonly string[]): Promise<StoredRow[]> {
  const { table, time } = STORED_TABLES[kind];
  const result = await sql<StoredRow>`
    select ${storedColumnsSql(kind, columns)}
    from ${sql.id(table)} t
    where t.host = ${host}
      and ${sql.id('t', time)} >= cast(${new Date(range.fromMs).toISOString()} as timestamptz)
      and ${sql.id('t', time)} ${sql.raw(range.toExclusive === true ? '<' : '<=')} cast(${new Date(range.toMs).toISOString()} as timestamptz)
    order by ${sql.id('t', time)}`.execute(db);
  return result.rows.map((row) => ({ ...row, [AT_US]: Number(row[AT_US]) }));
}

export interface StoredChunk {
  startMs: number;
  endMs: number;
  payload: Uint8Array;
}

/** The host's chunks whose span [start, end) meets the range. */
export async function selectOverlappingChunks(db: Kysely<Database>, kind: ChunkKind, host: string, range: StoredRange): Promise<StoredChunk[]> {
  const to = new Date(range.toMs).toISOString();
  const rows = await db
    .selectFrom('sample_chunks')
    .select(['start_ts', 'end_ts', 'payload'])
    .where('kind', '=', kind)
    .where('host', '=', host)
    // Bounded on both sides, so that the primary key's range is a few rows, however long the history.
    .where('start_ts', '>', new Date(range.fromMs - MAX_CHUNK_SPAN_MS))
    .where('start_ts', range.toExclusive === true ? '<' : '<=', new Date(to))
    .where('end_ts', '>', new Date(range.fromMs))
    .orderBy('start_ts')
    .execute();
  return rows.map((row) => ({ startMs: row.start_ts.getTime(), endMs: row.end_ts.getTime(), payload: row.payload }));
}

export interface ChunkRowsOptions {
  /** Only the rows in this range (all of them when absent). */
  range?: StoredRange;
  json: JsonReading;
}

/** A chunk's rows, with the named columns and at_us. */
export function chunkRows(kind: StoredKind, payload: Uint8Array, columns: readonly string[], options: ChunkRowsOptions): StoredRow[] {
  return rowsOf(chunkColumns(kind, payload, columns, options));
}

/** A chunk's columns, the rows in the range only: json values of the others are not even built. */
export function chunkColumns(kind: StoredKind, payload: Uint8Array, columns: readonly string[], options: ChunkRowsOptions): StoredColumns {
  const chunk = openChunk(payload);
  const times = chunk.values(AT_US) as number[];
  const { range } = options;
  // A chunk's rows are in time order: the range is one run of them.
  let first = 0;
  let end = times.length;
  if (range !== undefined) {
    const fromUs = range.fromMs * 1000;
    const toUs = range.toMs * 1000;
    while (first < end && (times[first] as number) < fromUs) first++;
    while (end > first && (range.toExclusive === true ? (times[end - 1] as number) >= toUs : (times[end - 1] as number) > toUs)) end--;
  }
  const keep = (row: number): boolean => row >= first && row < end;
  const types = STORED_TABLES[kind].columns;
  // A column the chunk does not hold (added to the table after the chunk was written) reads as NULL, as in the table.
  const read = (name: string): unknown[] => {
    if (types.get(name) !== 'json' || options.json === 'text') return chunk.values(name);
    return options.json === 'values' ? chunk.jsonValues(name, keep) : chunk.jsonShapes(name, keep);
  };
  const decoded = new Map(columns.map((name) => [name, read(name).slice(first, end)]));
  return { at: times.slice(first, end), columns: decoded };
}

/** The select list: time as microseconds (exact, unlike a Date), json columns as their stored text. */
export function storedColumnsSql(kind: StoredKind, columns: readonly string[]): RawBuilder<unknown> {
  const { time, columns: types } = STORED_TABLES[kind];
  const list = columns.map((name) => {
    const type = types.get(name);
    if (type === undefined) throw new Error(`${STORED_TABLES[kind].table} has no column ${name} kept in chunks`);
    return type === 'json' ? sql`${sql.id('t', name)}::text as ${sql.id(name)}` : sql`${sql.id('t', name)}`;
  });
  return sql.join([sql`(extract(epoch from ${sql.id('t', time)}) * 1000000)::int8 as ${sql.id(AT_US)}`, ...list]);
}

function parseJsonColumns(kind: StoredKind, row: StoredRow, columns: readonly string[], reading: 'values' | 'shapes'): void {
  const types = STORED_TABLES[kind].columns;
  for (const name of columns) {
    const text = row[name];
    if (types.get(name) !== 'json' || typeof text !== 'string') continue;
    const value = JSON.parse(text) as unknown;
    row[name] = reading === 'values' ? value : ({ value, resolve: IDENTITY_RESOLVE } satisfies JsonShape);
  }
}
