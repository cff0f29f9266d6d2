// The writer's samples, stored in its transaction with COPY where the database takes it, with
// INSERT … ON CONFLICT DO NOTHING otherwise. COPY stores rows in bulk (several to a heap write
// and a WAL record) where an INSERT … SELECT stores and checks them one by one, but COPY has no
// ON CONFLICT: a batch holding a sample stored before (a redelivered result) fails with a unique
// violation. So the COPY runs under a savepoint, and such a batch is rolled back to it and stored
// by the INSERT, which skips what is there. Redeliveries are rare (a writer or broker restart),
// and the hosts of the batch are locked, so a concurrent writer cannot slip a sample in between.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Sample } from '../../collect/sample.ts';
import type { CopyIn } from '../copy-transaction.ts';
import type { Database } from '../database.ts';
import { insertSamplesReturningKeys } from './insert-samples.ts';
import type { SampleKey } from './insert-samples.ts';
import { SAMPLE_COPY_COLUMNS, sampleCopyLines } from './sample-copy-text.ts';
import { sampleKeyOf, sampleRow } from './sample-row.ts';

const COPY_SAMPLES = `COPY samples (${SAMPLE_COPY_COLUMNS}) FROM STDIN`;

// Rows per chunk of COPY data: small enough that the server can start storing while the rest is
// still being built, large enough that a chunk is one socket write of some 60 kB (simulator rows).
const ROWS_PER_CHUNK = 25;

const UNIQUE_VIOLATION = '23505';

/** Stores the samples not stored yet (the first of two with one host and ts) and returns their keys. */
export async function storeSamplesReturningKeys(trx: Kysely<Database>, samples: Sample[], copyIn: CopyIn | null): Promise<SampleKey[]> {
  if (copyIn === null || samples.length === 0) return insertSamplesReturningKeys(trx, samples);
  // Two copies of one result in a batch: the first is stored, as the INSERT does, without a failed COPY.
  const seen = new Set<string>();
  const unique: Sample[] = [];
  const keys: SampleKey[] = [];
  for (const sample of samples) {
    const key = sampleKeyOf(sample);
    const id = `${key.host}\0${key.ts}`;
    if (seen.has(id)) continue;
    seen.add(id);
    unique.push(sample);
    keys.push(key);
  }
  await sql`SAVEPOINT store_samples`.execute(trx);
  let copied: number;
  try {
    copied = await copyIn(COPY_SAMPLES, copyChunks(unique));
  } catch (error) {
    if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    await sql`ROLLBACK TO SAVEPOINT store_samples`.execute(trx);
    // The rest of the transaction runs at its top level again, whichever way the samples went in.
    await sql`RELEASE SAVEPOINT store_samples`.execute(trx);
    return insertSamplesReturningKeys(trx, unique);
  }
  if (copied !== unique.length) throw new Error(`COPY stored ${copied} samples of ${unique.length}`);
  await sql`RELEASE SAVEPOINT store_samples`.execute(trx);
  return keys;
}

// The rows' JSON is built chunk by chunk as COPY asks for more, not all before it starts.
function* copyChunks(samples: Sample[]): Generator<string> {
  for (let start = 0; start < samples.length; start += ROWS_PER_CHUNK) {
    yield sampleCopyLines(samples.slice(start, start + ROWS_PER_CHUNK).map(sampleRow));
  }
}
