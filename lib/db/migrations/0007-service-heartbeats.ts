// Which Vigil processes run, for `vigil status`: each service with a database upserts its row
// every few seconds and deletes it on a clean stop, so a row that stops moving is a process
// that died. seen_at is the database's clock, so that hosts with skewed clocks agree.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE service_heartbeats (
      service text NOT NULL,
      instance text NOT NULL,
      host text NOT NULL,
      pid integer NOT NULL,
      started_at timestamptz NOT NULL,
      seen_at timestamptz NOT NULL DEFAULT now(),
      info json NOT NULL DEFAULT '{}',
      PRIMARY KEY (service, instance)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE service_heartbeats`.execute(db);
}
