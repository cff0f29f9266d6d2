// Who may use the dashboard and the API: users with scrypt password hashes, their browser
// sessions and their API tokens. Sessions and tokens are stored as sha256 hashes only, so a
// copy of the database (a backup, a replica) does not let anyone in.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE users (
      name text PRIMARY KEY,
      role text NOT NULL CHECK (role IN ('viewer', 'admin')),
      password_hash text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // created_at bounds a session's whole life, last_seen_at its idle time; both are checked
  // against the web server's clock when the cookie comes back.
  await sql`
    CREATE TABLE sessions (
      id_hash text PRIMARY KEY,
      user_name text NOT NULL REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX sessions_user ON sessions (user_name)`.execute(db);

  await sql`
    CREATE TABLE api_tokens (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      token_hash text NOT NULL UNIQUE,
      name text NOT NULL,
      user_name text NOT NULL REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz,
      last_used_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX api_tokens_user ON api_tokens (user_name)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP TABLE api_tokens`.execute(db);
  await sql`DROP TABLE sessions`.execute(db);
  await sql`DROP TABLE users`.execute(db);
}
