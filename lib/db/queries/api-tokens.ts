// API tokens for scripts and Prometheus, keyed by the sha256 of the token (shown once, at
// creation). An expired token is never returned by selectLiveApiToken.
import type { UserRole, VigilDb } from '../database.ts';

export interface StoredApiToken {
  id: number;
  name: string;
  user: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

export interface LiveApiToken {
  id: number;
  user: { name: string; role: UserRole };
  lastUsedAt: number | null;
}

const time = (value: Date | null): number | null => (value === null ? null : value.getTime());

const STORED_COLUMNS = ['id', 'name', 'user_name', 'created_at', 'expires_at', 'last_used_at'] as const;

function toStoredApiToken(row: { id: number; name: string; user_name: string; created_at: Date; expires_at: Date | null; last_used_at: Date | null }): StoredApiToken {
  return { id: row.id, name: row.name, user: row.user_name, createdAt: row.created_at.getTime(), expiresAt: time(row.expires_at), lastUsedAt: time(row.last_used_at) };
}

export async function insertApiToken(db: VigilDb, token: { tokenHash: string; name: string; userName: string; at: number; expiresAt: number | null }): Promise<StoredApiToken> {
  const row = await db
    .insertInto('api_tokens')
    .values({ token_hash: token.tokenHash, name: token.name, user_name: token.userName, created_at: new Date(token.at), expires_at: token.expiresAt === null ? null : new Date(token.expiresAt) })
    .returning(STORED_COLUMNS)
    .executeTakeFirstOrThrow();
  return toStoredApiToken(row);
}

export async function listApiTokens(db: VigilDb, filter: { user?: string } = {}): Promise<StoredApiToken[]> {
  let query = db.selectFrom('api_tokens').select(STORED_COLUMNS).orderBy('id');
  if (filter.user !== undefined) query = query.where('user_name', '=', filter.user);
  const rows = await query.execute();
  return rows.map(toStoredApiToken);
}

/** Tokens still in force: not expired, and their user exists. */
function liveApiTokens(db: VigilDb, now: number) {
  return db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.name', 'api_tokens.user_name')
    .where((eb) => eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', new Date(now))]));
}

export async function selectLiveApiToken(db: VigilDb, tokenHash: string, now: number): Promise<LiveApiToken | null> {
  const row = await liveApiTokens(db, now)
    .select(['api_tokens.id', 'api_tokens.last_used_at', 'api_tokens.expires_at', 'users.name', 'users.role'])
    .where('api_tokens.token_hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row) return null;
  return { id: row.id, user: { name: row.name, role: row.role }, lastUsedAt: time(row.last_used_at) };
}

/** Which of `ids` are live tokens still: one query for any number of them. */
export async function selectLiveApiTokenIds(db: VigilDb, ids: readonly number[], now: number): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await liveApiTokens(db, now).select('api_tokens.id').where('api_tokens.id', 'in', [...ids]).execute();
  return new Set(rows.map((row) => row.id));
}

export async function touchApiToken(db: VigilDb, id: number, at: number): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: new Date(at) }).where('id', '=', id).execute();
}

/** True when a token was deleted. */
export async function deleteApiToken(db: VigilDb, id: number): Promise<boolean> {
  const result = await db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
