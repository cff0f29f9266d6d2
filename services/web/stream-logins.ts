// Which login each open live stream was opened with, and which of those have ended since: logged
// out, expired, password changed elsewhere, user deleted, token revoked or expired. hapi checks a
// login once, when the request arrives, and a live stream stays open for hours.
import type { Request } from '@hapi/hapi';
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from '../../lib/auth/session-policy.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { selectLiveApiTokenIds } from '../../lib/db/queries/api-tokens.ts';
import { selectLiveSessionHashes } from '../../lib/db/queries/sessions.ts';
import { sessionOf, tokenIdOf } from './auth/auth-plugin.ts';

export type StreamLogin = { kind: 'session'; idHash: string } | { kind: 'token'; id: number };

/** The login of an authenticated request; null when the route needed none. */
export function streamLoginOf(request: Request): StreamLogin | null {
  const session = sessionOf(request);
  if (session !== undefined) return { kind: 'session', idHash: session.sessionIdHash };
  const id = tokenIdOf(request);
  return id === undefined ? null : { kind: 'token', id };
}

/** The logins among `logins` that no longer let anyone in: two queries, however many streams. */
export async function selectEndedLogins(db: VigilDb, logins: readonly StreamLogin[], now: number): Promise<Set<StreamLogin>> {
  const sessionHashes = new Set<string>();
  const tokenIds = new Set<number>();
  for (const login of logins) {
    if (login.kind === 'session') sessionHashes.add(login.idHash);
    else tokenIds.add(login.id);
  }
  const liveSessions = await selectLiveSessionHashes(db, [...sessionHashes], { now, idleMs: SESSION_IDLE_MS, absoluteMs: SESSION_ABSOLUTE_MS });
  const liveTokens = await selectLiveApiTokenIds(db, [...tokenIds], now);
  return new Set(logins.filter((login) => (login.kind === 'session' ? !liveSessions.has(login.idHash) : !liveTokens.has(login.id))));
}
