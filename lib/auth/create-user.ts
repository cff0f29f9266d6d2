// Creating users and their API tokens, shared by the CLI, the admin API and `vigil up`'s first run.
import type { UserRole, VigilDb } from '../db/database.ts';
import { insertApiToken, type StoredApiToken } from '../db/queries/api-tokens.ts';
import { insertUser, type StoredUser } from '../db/queries/user-accounts.ts';
import { hashPassword } from './password-hash.ts';
import { newApiToken, sha256Hex } from './secrets.ts';

/** Letters, digits and . _ @ - : safe in a shell, a URL path and a log line. */
export const USER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
/** USER_NAME_PATTERN in words, for the messages of the CLI and the API. */
export const USER_NAME_RULE = '1 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit';
export const PASSWORD_MIN_LENGTH = 8;
/** scrypt would take any length; a cap keeps a megabyte "password" from being a cheap attack. */
export const PASSWORD_MAX_LENGTH = 1024;

/** What is wrong with a password, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `a password needs at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `a password may have at most ${PASSWORD_MAX_LENGTH} characters`;
  return null;
}

export function userNameProblem(name: string): string | null {
  return USER_NAME_PATTERN.test(name) ? null : `a user name has ${USER_NAME_RULE}`;
}

/** Throws DuplicateUserError when the name is taken, and Error for a bad name or password. */
export async function createUser(db: VigilDb, user: { name: string; role: UserRole; password: string }): Promise<StoredUser> {
  const problem = userNameProblem(user.name) ?? passwordProblem(user.password);
  if (problem) throw new Error(problem);
  return insertUser(db, { name: user.name, role: user.role, passwordHash: await hashPassword(user.password) });
}

export interface CreatedApiToken extends StoredApiToken {
  /** The token itself: shown to its owner now and never again (only its sha256 is kept). */
  token: string;
}

export async function createApiToken(db: VigilDb, token: { userName: string; name: string; expiresInDays?: number; now: number }): Promise<CreatedApiToken> {
  const secret = newApiToken();
  const expiresAt = token.expiresInDays === undefined ? null : token.now + token.expiresInDays * 86_400_000;
  const stored = await insertApiToken(db, { tokenHash: sha256Hex(secret), name: token.name, userName: token.userName, at: token.now, expiresAt });
  return { ...stored, token: secret };
}
