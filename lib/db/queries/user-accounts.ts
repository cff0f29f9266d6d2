// Users: name, role and password hash. The hash leaves this module only through
// selectPasswordHash, for the login check; everything else returns StoredUser without it.
import type { UserRole, VigilDb } from '../database.ts';

export interface StoredUser {
  name: string;
  role: UserRole;
  createdAt: number;
  updatedAt: number;
}

/** Thrown by insertUser when the name is taken. */
export class DuplicateUserError extends Error {
  constructor(name: string) {
    super(`a user named ${JSON.stringify(name)} already exists`);
    this.name = 'DuplicateUserError';
  }
}

const PUBLIC_COLUMNS = ['name', 'role', 'created_at', 'updated_at'] as const;

function toStoredUser(row: { name: string; role: UserRole; created_at: Date; updated_at: Date }): StoredUser {
  return { name: row.name, role: row.role, createdAt: row.created_at.getTime(), updatedAt: row.updated_at.getTime() };
}

export async function insertUser(db: VigilDb, user: { name: string; role: UserRole; passwordHash: string }): Promise<StoredUser> {
  const row = await db
    .insertInto('users')
    .values({ name: user.name, role: user.role, password_hash: user.passwordHash })
    .onConflict((oc) => oc.column('name').doNothing())
    .returning(PUBLIC_COLUMNS)
    .executeTakeFirst();
  if (!row) throw new DuplicateUserError(user.name);
  return toStoredUser(row);
}

export async function listUsers(db: VigilDb): Promise<StoredUser[]> {
  const rows = await db.selectFrom('users').select(PUBLIC_COLUMNS).orderBy('name').execute();
  return rows.map(toStoredUser);
}

export async function selectUser(db: VigilDb, name: string): Promise<StoredUser | null> {
  const row = await db.selectFrom('users').select(PUBLIC_COLUMNS).where('name', '=', name).executeTakeFirst();
  return row ? toStoredUser(row) : null;
}

export async function selectPasswordHash(db: VigilDb, name: string): Promise<{ name: string; role: UserRole; passwordHash: string } | null> {
  const row = await db.selectFrom('users').select(['name', 'role', 'password_hash']).where('name', '=', name).executeTakeFirst();
  return row ? { name: row.name, role: row.role, passwordHash: row.password_hash } : null;
}

export type UserChangeResult = { ok: true; user: StoredUser } | { ok: false; reason: 'not-found' | 'last-admin' };

/**
 * Changes a user's role and/or password hash. Refuses to turn the last admin into a viewer,
 * which would leave nobody able to manage users (the row lock makes two such changes queue).
 */
export async function updateUser(db: VigilDb, name: string, change: { role?: UserRole; passwordHash?: string; at: number }): Promise<UserChangeResult> {
  return db.transaction().execute(async (trx) => {
    const { current, otherAdmins } = await lockUserAndAdmins(trx, name);
    if (!current) return { ok: false, reason: 'not-found' } as const;
    if (current.role === 'admin' && change.role === 'viewer' && otherAdmins === 0) return { ok: false, reason: 'last-admin' } as const;
    const row = await trx
      .updateTable('users')
      .set({
        updated_at: new Date(change.at),
        ...(change.role !== undefined ? { role: change.role } : {}),
        ...(change.passwordHash !== undefined ? { password_hash: change.passwordHash } : {}),
      })
      .where('name', '=', name)
      .returning(PUBLIC_COLUMNS)
      .executeTakeFirstOrThrow();
    return { ok: true, user: toStoredUser(row) } as const;
  });
}

/** Deletes a user with their sessions and tokens; refuses to delete the last admin. */
export async function deleteUser(db: VigilDb, name: string): Promise<{ ok: true } | { ok: false; reason: 'not-found' | 'last-admin' }> {
  return db.transaction().execute(async (trx) => {
    const { current, otherAdmins } = await lockUserAndAdmins(trx, name);
    if (!current) return { ok: false, reason: 'not-found' } as const;
    if (current.role === 'admin' && otherAdmins === 0) return { ok: false, reason: 'last-admin' } as const;
    await trx.deleteFrom('users').where('name', '=', name).execute();
    return { ok: true } as const;
  });
}

export async function countUsers(db: VigilDb): Promise<{ total: number; admins: number }> {
  const rows = await db.selectFrom('users').select(['role', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('role').execute();
  let total = 0;
  let admins = 0;
  for (const row of rows) {
    total += Number(row.n);
    if (row.role === 'admin') admins += Number(row.n);
  }
  return { total, admins };
}

/**
 * Locks the user's row and every admin's, so that two concurrent demotions cannot both see one
 * admin left. One statement in name order: locking the user first and the other admins after
 * made two admins demoting each other deadlock.
 */
async function lockUserAndAdmins(db: VigilDb, name: string): Promise<{ current: { name: string; role: UserRole } | undefined; otherAdmins: number }> {
  const rows = await db
    .selectFrom('users')
    .select(['name', 'role'])
    .where((eb) => eb.or([eb('name', '=', name), eb('role', '=', 'admin')]))
    .orderBy('name')
    .forUpdate()
    .execute();
  return { current: rows.find((row) => row.name === name), otherAdmins: rows.filter((row) => row.name !== name).length };
}
