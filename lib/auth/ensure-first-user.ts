// A fresh `vigil up` must be usable at once yet never open: with no users at all it creates
// the admin `admin` with a generated password, which the caller shows once.
import type { VigilDb } from '../db/database.ts';
import { countUsers, DuplicateUserError } from '../db/queries/user-accounts.ts';
import { createUser } from './create-user.ts';
import { generatePassword } from './secrets.ts';

export const FIRST_USER_NAME = 'admin';

/** The created user and password, or null when users exist already. */
export async function ensureFirstUser(db: VigilDb): Promise<{ name: string; password: string } | null> {
  if ((await countUsers(db)).total > 0) return null;
  const password = generatePassword();
  try {
    await createUser(db, { name: FIRST_USER_NAME, role: 'admin', password });
  } catch (error) {
    // Someone else created it in between: then it is theirs to tell.
    if (error instanceof DuplicateUserError) return null;
    throw error;
  }
  return { name: FIRST_USER_NAME, password };
}

/** The block `vigil up` prints to stderr, once, when it created the first user. */
export function firstUserNotice(user: { name: string; password: string }, url: string): string {
  const rule = '='.repeat(72);
  return [
    '',
    rule,
    `Vigil created the first user: ${user.name} / ${user.password}`,
    `Log in at ${url} with it. This password is not shown again.`,
    'Change it from the dashboard\'s user menu (your name, top right), or (with vigil up stopped) with',
    `  vigil user passwd ${user.name} --password-stdin`,
    rule,
    '',
    '',
  ].join('\n');
}
