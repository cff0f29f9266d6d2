// Users for tests: created straight in the database with a random password and an API token,
// so that route tests can send the token and browser tests can log in with name and password.
import { randomBytes } from 'node:crypto';
import { createApiToken, createUser } from '../../lib/auth/create-user.ts';
import type { UserRole, VigilDb } from '../../lib/db/database.ts';

export interface TestUser {
  name: string;
  password: string;
  role: UserRole;
  /** A bearer token of this user: `authorization: Bearer ${token}`. */
  token: string;
  /** { authorization: 'Bearer …' }, for server.inject() and fetch(). */
  headers: { authorization: string };
}

export async function createTestUser(db: VigilDb, options: { name?: string; role: UserRole }): Promise<TestUser> {
  const name = options.name ?? `${options.role}-${randomBytes(3).toString('hex')}`;
  const password = `pw-${randomBytes(12).toString('base64url')}`;
  await createUser(db, { name, role: options.role, password });
  const { token } = await createApiToken(db, { userName: name, name: 'test', now: Date.now() });
  return { name, password, role: options.role, token, headers: { authorization: `Bearer ${token}` } };
}
