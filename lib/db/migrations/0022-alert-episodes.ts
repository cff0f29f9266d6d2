// One row per time an alert fired, from its start (a `for` rule's pending start) to its end: the
// alerts table keeps only an alert's latest occurrence, and availability reports (lib/availability)
// need every outage of a host or a check over months. Written by the alerter as alerts fire and
// resolve; expired with the rollups (lib/db/queries/delete-expired-records.ts).
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE alert_episodes (
      id bigserial PRIMARY KEY,
      alert_key text NOT NULL,
      rule text NOT NULL,
      kind text,
      host text NOT NULL,
      labels json NOT NULL DEFAULT '{}',
      severity text NOT NULL,
      started_at timestamptz NOT NULL,
      ended_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX alert_episodes_host_started ON alert_episodes (host, started_at)`.execute(db);
  await sql`CREATE INDEX alert_episodes_started ON alert_episodes (started_at)`.execute(db);
  await sql`CREATE UNIQUE INDEX alert_episodes_open ON alert_episodes (alert_key) WHERE ended_at IS NULL`.execute(db);
  await sql`CREATE INDEX alert_episodes_ended ON alert_episodes (ended_at)`.execute(db);
  // Outages under way at the upgrade count from their start; earlier ones were not recorded. The
  // rule kind is known here only for the shipped rules' names.
  await sql`
    INSERT INTO alert_episodes (alert_key, rule, kind, host, labels, severity, started_at)
    SELECT key, rule,
           CASE rule WHEN 'host_down' THEN 'host-down' WHEN 'check_failing' THEN 'check-failing' END,
           host, labels, severity, starts_at
      FROM alerts WHERE state = 'firing'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE alert_episodes`.execute(db);
}
