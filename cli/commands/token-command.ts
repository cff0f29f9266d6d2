// `vigil token`: API tokens for scripts and Prometheus. create prints the token once, alone on
// standard output (TOKEN=$(vigil token create …) captures it); only its sha256 is stored.
import { createApiToken } from '../../lib/auth/create-user.ts';
import { deleteApiToken, listApiTokens } from '../../lib/db/queries/api-tokens.ts';
import { selectUser } from '../../lib/db/queries/user-accounts.ts';
import { withCommandDatabase } from '../command-database.ts';
import type { Command } from '../command.ts';

export interface TokenCommandIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  now?: () => number;
}

const USAGE = 'vigil token create --user NAME --name LABEL [--expires-days N] | vigil token list | vigil token revoke ID';

export const tokenCommand: Command = {
  summary: 'API tokens for scripts and Prometheus: create (shown once), list, revoke',
  usage: USAGE,
  details: [
    'A token acts as its user, with that user\'s role; send it as "Authorization: Bearer vigil_…".',
    'create prints the token alone on standard output, once; what it is for goes to standard error.',
    'Uses VIGIL_DATABASE_URL, or the embedded database in VIGIL_DATA_DIR while `vigil up` is stopped.',
  ].join('\n'),
  options: {
    user: { type: 'string' },
    name: { type: 'string' },
    'expires-days': { type: 'string' },
  },
  async run(values, positionals) {
    const code = await runTokenCommand(values, positionals, {
      env: process.env,
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    });
    if (code !== 0) process.exitCode = code;
  },
};

export async function runTokenCommand(values: Record<string, unknown>, positionals: string[], io: TokenCommandIo): Promise<number> {
  const now = io.now ?? Date.now;
  const fail = (message: string, code = 2): number => {
    io.err(`vigil token: ${message}\n`);
    return code;
  };
  const text = (name: string): string | undefined => (typeof values[name] === 'string' && (values[name] as string).trim() !== '' ? (values[name] as string).trim() : undefined);
  const [action, ...rest] = positionals;

  if (action === 'create') {
    if (rest.length > 0) return fail(`unexpected ${JSON.stringify(rest[0])}; usage: ${USAGE}`);
    const user = text('user');
    if (user === undefined) return fail('give --user NAME: the token acts as that user');
    const label = text('name');
    if (label === undefined) return fail('give --name LABEL saying what the token is for, e.g. --name prometheus');
    if (label.length > 100) return fail('--name may have at most 100 characters');
    const daysText = text('expires-days');
    const days = daysText === undefined ? undefined : Number(daysText);
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) return fail(`--expires-days must be a whole number from 1 to 3650, not ${JSON.stringify(daysText)}`);
    return withCommandDatabase(io.env, fail, async (db) => {
      if (!(await selectUser(db, user))) throw new Error(`no user named ${JSON.stringify(user)}`);
      const created = await createApiToken(db, { userName: user, name: label, now: now(), ...(days !== undefined ? { expiresInDays: days } : {}) });
      io.err(`token ${created.id} "${label}" for ${user}${created.expiresAt === null ? '' : `, expires ${new Date(created.expiresAt).toISOString()}`}; it is shown once:\n`);
      io.out(`${created.token}\n`);
    });
  }
  if (action === 'list') {
    if (rest.length > 0) return fail(`unexpected ${JSON.stringify(rest[0])}; usage: ${USAGE}`);
    return withCommandDatabase(io.env, fail, async (db) => {
      const tokens = await listApiTokens(db);
      if (tokens.length === 0) {
        io.out('no API tokens\n');
        return;
      }
      const iso = (ms: number | null, none: string): string => (ms === null ? none : new Date(ms).toISOString());
      const at = now();
      for (const token of tokens) {
        const expired = token.expiresAt !== null && token.expiresAt <= at ? ' (expired)' : '';
        io.out(`${String(token.id).padStart(5)}  ${token.user}  "${token.name}"  created ${iso(token.createdAt, '')}  expires ${iso(token.expiresAt, 'never')}${expired}  last used ${iso(token.lastUsedAt, 'never')}\n`);
      }
    });
  }
  if (action === 'revoke') {
    if (rest.length !== 1 || !/^\d+$/.test(rest[0] ?? '')) return fail('give the id of the token to revoke (see `vigil token list`): vigil token revoke ID');
    const id = Number(rest[0]);
    return withCommandDatabase(io.env, fail, async (db) => {
      if (!(await deleteApiToken(db, id))) throw new Error(`no API token with id ${id}`);
      io.out(`token ${id} revoked\n`);
    });
  }
  return fail(action === undefined ? `give create, list or revoke; usage: ${USAGE}` : `unknown action ${JSON.stringify(action)}; usage: ${USAGE}`);
}
