// Rollups: per host, per minute and per hour, the min, max and average of the metrics a chart
// shows, and how many samples went in. A 90-day chart reads 2,160 hourly rows instead of
// 777,600 raw samples, and rollups outlive raw samples (retention drops raw partitions first).
// Partitioned by month on the bucket so that retention drops whole partitions here too.
// The column list is spelled out rather than imported: a migration must not change afterwards.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

const METRICS = [
  'cpu_busy_pct',
  'mem_used_pct',
  'load1',
  'net_rx_bps',
  'net_tx_bps',
  'disk_used_pct_max',
  'disk_read_bps',
  'disk_write_bps',
];

export async function up(db: Kysely<any>): Promise<void> {
  const metricColumns = METRICS.flatMap((metric) => ['min', 'max', 'avg'].map((stat) => `${metric}_${stat} double precision`)).join(',\n      ');
  for (const table of ['samples_1m', 'samples_1h']) {
    await sql`
      CREATE TABLE ${sql.id(table)} (
        host text NOT NULL,
        bucket timestamptz NOT NULL,
        sample_count integer NOT NULL,
        ${sql.raw(metricColumns)},
        PRIMARY KEY (host, bucket)
      ) PARTITION BY RANGE (bucket)`.execute(db);
    // Catches buckets of months without a partition yet; ensureRollupPartitions moves them out.
    await sql`CREATE TABLE ${sql.id(`${table}_default`)} PARTITION OF ${sql.id(table)} DEFAULT`.execute(db);
  }
  // How far each rollup has been computed: every bucket that starts before rolled_until was built
  // from the raw samples at least once. Readers take what comes later from the raw samples.
  await sql`
    CREATE TABLE rollup_progress (
      resolution text PRIMARY KEY CHECK (resolution IN ('1m', '1h')),
      rolled_until timestamptz NOT NULL
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE rollup_progress`.execute(db);
  await sql`DROP TABLE samples_1h`.execute(db);
  await sql`DROP TABLE samples_1m`.execute(db);
}
