// The alerter's state: one row per alert (so a restart neither resends nor forgets), its
// history, silences, and the notification outbox that a sender loop delivers from. State
// changes and the notifications they cause are written in one transaction.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // 'pending' is the evaluator's (a condition held for less than its `for`); the alerter
  // records it when told, and only notifies from 'firing' on.
  await sql`
    CREATE TABLE alerts (
      key text PRIMARY KEY,
      rule text NOT NULL,
      host text NOT NULL,
      labels jsonb NOT NULL DEFAULT '{}',
      severity text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      state text NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
      summary text NOT NULL DEFAULT '',
      value double precision,
      threshold double precision,
      receivers jsonb NOT NULL DEFAULT '[]',
      starts_at timestamptz NOT NULL,
      ends_at timestamptz,
      last_event_at timestamptz NOT NULL,
      last_notified_at timestamptz,
      notified_firing boolean NOT NULL DEFAULT false,
      acked_by text,
      acked_at timestamptz,
      acked_comment text,
      flapping boolean NOT NULL DEFAULT false,
      state_changes jsonb NOT NULL DEFAULT '[]'
    )`.execute(db);
  await sql`CREATE INDEX alerts_state ON alerts (state, last_event_at)`.execute(db);

  await sql`
    CREATE TABLE alert_history (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      alert_key text NOT NULL,
      at timestamptz NOT NULL,
      event text NOT NULL,
      actor text,
      comment text,
      details jsonb NOT NULL DEFAULT '{}'
    )`.execute(db);
  await sql`CREATE INDEX alert_history_key ON alert_history (alert_key, id)`.execute(db);

  await sql`
    CREATE TABLE silences (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      matchers jsonb NOT NULL,
      starts_at timestamptz NOT NULL,
      ends_at timestamptz NOT NULL,
      comment text NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expired_at timestamptz,
      CHECK (ends_at > starts_at)
    )`.execute(db);

  // status: pending (waiting for its group window or its next attempt), sending (claimed by a
  // sender until next_attempt_at, so a crashed sender's row is retried), sent, failed (gave up).
  await sql`
    CREATE TABLE notifications (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      receiver text NOT NULL,
      channel text NOT NULL CHECK (channel IN ('email', 'webhook')),
      target jsonb NOT NULL,
      kind text NOT NULL,
      alert_keys jsonb NOT NULL DEFAULT '[]',
      alerts jsonb NOT NULL DEFAULT '[]',
      status text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL,
      next_attempt_at timestamptz NOT NULL,
      sent_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX notifications_due ON notifications (status, next_attempt_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE notifications`.execute(db);
  await sql`DROP TABLE silences`.execute(db);
  await sql`DROP TABLE alert_history`.execute(db);
  await sql`DROP TABLE alerts`.execute(db);
}
