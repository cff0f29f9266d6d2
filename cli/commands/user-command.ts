// `vigil user`: add, list, remove users and set their passwords, straight in the database
// (the way to create the first admin of a fleet, and to get back in after losing a password).
import { USER_ROLES } from '../../lib/auth/credentials.ts';
import { createUser, passwordProblem, userNameProblem } from '../../lib/auth/create-user.ts';
import { hashPassword } from '../../lib/auth/password-hash.ts';
import { generatePassword } from '../../lib/auth/secrets.ts';
import type { UserRole } from '../../lib/db/database.ts';
import { deleteUserSessions } from '../../lib/db/queries/sessions.ts';
import { deleteUser, DuplicateUserError, listUsers, updateUser } from '../../lib/db/queries/user-accounts.ts';
import { withCommandDatabase } from '../command-database.ts';
import type { Command } from '../command.ts';

export interface UserCommandIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  /** Everything on standard input, for --password-stdin. */
  readStdin: () => Promise<string>;
}

const USAGE = 'vigil user add NAME [--admin | --role viewer|admin] [--password-stdin] | vigil user list | vigil user remove NAME | vigil user passwd NAME [--password-stdin]';

export const userCommand: Command = {
  summary: 'Manage who may log in: add, list and remove users, set passwords',
  usage: USAGE,
  details: [
    'add: a viewer unless --admin (or --role admin). passwd: a new password; the user\'s sessions end.',
    'With --password-stdin the password is read from standard input (one line), e.g.',
    '  printf \'%s\\n\' "$PASSWORD" | vigil user add alice --admin --password-stdin',
    'Without it, a password is generated and printed once.',
    'Uses VIGIL_DATABASE_URL, or the embedded database in VIGIL_DATA_DIR while `vigil up` is stopped.',
  ].join('\n'),
  options: {
    admin: { type: 'boolean' },
    role: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  },
  async run(values, positionals) {
    const code = await runUserCommand(values, positionals, {
      env: process.env,
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      readStdin,
    });
    if (code !== 0) process.exitCode = code;
  },
};

export async function runUserCommand(values: Record<string, unknown>, positionals: string[], io: UserCommandIo): Promise<number> {
  const fail = (message: string, code = 2): number => {
    io.err(`vigil user: ${message}\n`);
    return code;
  };
  const [action, name, ...rest] = positionals;
  if (rest.length > 0) return fail(`unexpected ${JSON.stringify(rest[0])}; usage: ${USAGE}`);
  const needName = (): string | null => (name === undefined ? `give the user's name; usage: ${USAGE}` : userNameProblem(name));

  if (action === 'add') {
    const problem = needName();
    if (problem) return fail(problem);
    const roleText = typeof values['role'] === 'string' ? values['role'] : undefined;
    if (roleText !== undefined && !USER_ROLES.includes(roleText as UserRole)) return fail(`--role must be viewer or admin, not ${JSON.stringify(roleText)}`);
    if (values['admin'] === true && roleText === 'viewer') return fail('--admin and --role viewer contradict each other');
    const role: UserRole = values['admin'] === true ? 'admin' : ((roleText as UserRole | undefined) ?? 'viewer');
    const password = await choosePassword(values, io);
    if (typeof password !== 'string') return fail(password.problem);
    return withCommandDatabase(io.env, fail, async (db) => {
      try {
        await createUser(db, { name: name!, role, password: password });
      } catch (error) {
        if (error instanceof DuplicateUserError) throw new Error(`${error.message}; change its password with \`vigil user passwd ${name}\``);
        throw error;
      }
      io.out(`user ${name} added (${role})\n`);
      if (values['password-stdin'] !== true) io.out(`password: ${password}\n(shown once; change it with \`vigil user passwd ${name}\`)\n`);
    });
  }
  if (action === 'list') {
    if (name !== undefined) return fail(`unexpected ${JSON.stringify(name)}; usage: ${USAGE}`);
    return withCommandDatabase(io.env, fail, async (db) => {
      const users = await listUsers(db);
      if (users.length === 0) {
        io.out('no users; add the first admin with `vigil user add NAME --admin --password-stdin`\n');
        return;
      }
      const width = Math.max(4, ...users.map((u) => u.name.length));
      io.out(`${'name'.padEnd(width)}  role    created\n`);
      for (const user of users) io.out(`${user.name.padEnd(width)}  ${user.role.padEnd(6)}  ${new Date(user.createdAt).toISOString()}\n`);
    });
  }
  if (action === 'remove') {
    const problem = needName();
    if (problem) return fail(problem);
    return withCommandDatabase(io.env, fail, async (db) => {
      const result = await deleteUser(db, name!);
      if (!result.ok) throw new Error(result.reason === 'not-found' ? `no user named ${JSON.stringify(name)}` : `${name} is the last admin; make another user admin first`);
      io.out(`user ${name} removed, with their sessions and API tokens\n`);
    });
  }
  if (action === 'passwd') {
    const problem = needName();
    if (problem) return fail(problem);
    const password = await choosePassword(values, io);
    if (typeof password !== 'string') return fail(password.problem);
    return withCommandDatabase(io.env, fail, async (db) => {
      const result = await updateUser(db, name!, { passwordHash: await hashPassword(password), at: Date.now() });
      if (!result.ok) throw new Error(`no user named ${JSON.stringify(name)}`);
      const ended = await deleteUserSessions(db, name!);
      io.out(`password of ${name} changed${ended > 0 ? `; ${ended} session(s) ended` : ''}\n`);
      if (values['password-stdin'] !== true) io.out(`password: ${password}\n(shown once)\n`);
    });
  }
  return fail(action === undefined ? `give add, list, remove or passwd; usage: ${USAGE}` : `unknown action ${JSON.stringify(action)}; usage: ${USAGE}`);
}

async function choosePassword(values: Record<string, unknown>, io: UserCommandIo): Promise<string | { problem: string }> {
  if (values['password-stdin'] !== true) return generatePassword();
  // One line: the trailing newline of `echo` or a here-string is not part of the password.
  const password = (await io.readStdin()).replace(/\r?\n$/, '');
  if (password === '') return { problem: '--password-stdin read nothing from standard input' };
  if (password.includes('\n')) return { problem: '--password-stdin takes one line; standard input had several' };
  const problem = passwordProblem(password);
  return problem ? { problem } : password;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('password (one line, then Enter; it is shown as you type): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    // A terminal sends no end of input: one line is enough.
    if (process.stdin.isTTY && Buffer.concat(chunks).includes(10)) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}
