// Stores samples; a sample already stored (same host and ts: a redelivered result) is skipped.
// The writer's transactions on PostgreSQL store theirs with COPY instead (copy-samples.ts) and
// come here only on PGlite or when part of a batch is stored already.
import { sql } from 'kysely';
import type { Kysely, RawBuilder } from 'kysely';
import type { Sample } from '../../collect/sample.ts';
import type { Database } from '../database.ts';
import { SAMPLE_COLUMNS, sampleRow } from './sample-row.ts';

// The batch goes as one array per column into a single INSERT … SELECT FROM unnest(…): 36
// parameters whatever the batch size and one statement text, instead of a VALUES list of 36 × n
// parameters built and quoted one by one; with the parameters below, the writer's whole path
// stores 20-30% more rows/s (BENCHMARKS.md, Ingest).

// No parameter limit applies any more, but a seeding script's million samples would make
// parameters of gigabytes: a writer's batch (500) is one statement, larger calls several.
const ROWS_PER_STATEMENT = 5_000;

// The json columns travel as text[] and are cast element by element in the select list: casting
// the whole array (text[] to json[]) built a second array of every JSON text first; the statement
// alone stored 22-24% more rows/s without it (BENCHMARKS.md, Ingest, 2026-11-24). Same json_in, same stored text.
const COLUMN_NAMES = SAMPLE_COLUMNS.map(([name]) => name).join(', ');
const SELECTED = SAMPLE_COLUMNS.map(([name, type]) => (type === 'json' ? `${name}::json` : name)).join(', ');
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
    const rows = samples.slice(start, start + ROWS_PER_STATEMENT).map(sampleRow);
    const columnArrays = SAMPLE_COLUMNS.map(([name, type]) => columnArray(type, rows.map((row) => row[name])));
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
