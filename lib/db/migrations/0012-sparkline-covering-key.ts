// The fleet sparklines read every host's CPU average of the last hour from samples_1m: 5,000 hosts
// are 300,000 rows, each about 900 bytes wide and in a page of its own minute, so following the
// primary key to the rows meant 300,000 heap page visits. The key now carries the two columns the
// sparklines read (sample_count, cpu_busy_pct_avg), so the query is answered from the index alone
// (an index-only scan) wherever the visibility map says the pages are all-visible. The primary key
// itself carries them, not a second index on (host, bucket): that would repeat the whole key in a
// table that keeps a row per host and minute for 400 days (measured: the key grows by 45%, about
// 2% of the table; see BENCHMARKS.md, fleet sparklines).
// Rebuilding the key locks samples_1m (reads too) while it is built.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE samples_1m
      DROP CONSTRAINT samples_1m_pkey,
      ADD CONSTRAINT samples_1m_pkey PRIMARY KEY (host, bucket) INCLUDE (sample_count, cpu_busy_pct_avg)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE samples_1m
      DROP CONSTRAINT samples_1m_pkey,
      ADD CONSTRAINT samples_1m_pkey PRIMARY KEY (host, bucket)`.execute(db);
}
