// Browser sessions, keyed by the sha256 of the cookie's value. Expiry is checked in the query
// (idle and absolute limits), so an expired row is never used even before it is purged.
import type { UserRole, VigilDb } from '../database.ts';

export interface LiveSession {
  idHash: string;
  user: { name: string; role: UserRole };
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  now: number;
  idleMs: number;
  absoluteMs: number;
}

export async function insertSession(db: VigilDb, session: { idHash: string; userName: string; csrfToken: string; at: number }): Promise<void> {
  const at = new Date(session.at);
  await db.insertInto('sessions').values({ id_hash: session.idHash, user_name: session.userName, csrf_token: session.csrfToken, created_at: at, last_seen_at: at }).execute();
}

/** Sessions still in force: their user exists, and neither the idle nor the absolute limit has passed. */
function liveSessions(db: VigilDb, limits: SessionLimits) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.name', 'sessions.user_name')
    .where('sessions.last_seen_at', '>', new Date(limits.now - limits.idleMs))
    .where('sessions.created_at', '>', new Date(limits.now - limits.absoluteMs));
}

/** The session with its user's current role, or null when unknown or expired. */
export async function selectLiveSession(db: VigilDb, idHash: string, limits: SessionLimits): Promise<LiveSession | null> {
  const row = await liveSessions(db, limits)
    .select(['sessions.id_hash', 'sessions.csrf_token', 'sessions.created_at', 'sessions.last_seen_at', 'users.name', 'users.role'])
    .where('sessions.id_hash', '=', idHash)
    .executeTakeFirst();
  if (!row) return null;
  return {
    idHash: row.id_hash,
    user: { name: row.name, role: row.role },
    csrfToken: row.csrf_token,
    createdAt: row.created_at.getTime(),
    lastSeenAt: row.last_seen_at.getTime(),
  };
}

/** Which of `idHashes` are live sessions still: one query for any number of them. */
export async function selectLiveSessionHashes(db: VigilDb, idHashes: readonly string[], limits: SessionLimits): Promise<Set<string>> {
  if (idHashes.length === 0) return new Set();
  const rows = await liveSessions(db, limits).select('sessions.id_hash').where('sessions.id_hash', 'in', [...idHashes]).execute();
  return new Set(rows.map((row) => row.id_hash));
}

export async function touchSession(db: VigilDb, idHash: string, at: number): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: new Date(at) }).where('id_hash', '=', idHash).where('last_seen_at', '<', new Date(at)).execute();
}

export async function deleteSession(db: VigilDb, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Logs a user out everywhere (a changed password), except the session that made the change. */
export async function deleteUserSessions(db: VigilDb, userName: string, keepIdHash?: string): Promise<number> {
  let query = db.deleteFrom('sessions').where('user_name', '=', userName);
  if (keepIdHash !== undefined) query = query.where('id_hash', '<>', keepIdHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function deleteExpiredSessions(db: VigilDb, limits: SessionLimits): Promise<number> {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('last_seen_at', '<=', new Date(limits.now - limits.idleMs)), eb('created_at', '<=', new Date(limits.now - limits.absoluteMs))]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
