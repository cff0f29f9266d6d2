// `vigil silence`: mute notifications by host, group or rule for a while, list and expire
// silences. Talks to PostgreSQL (VIGIL_DATABASE_URL); without it, to the embedded database of
// `vigil up` — through the running `vigil up`'s API when it answers, since an embedded
// database must not be opened by two processes at once.
import { parseDuration } from '../../lib/alerting/alerts-file.ts';
import { loadConfig } from '../../lib/config.ts';
import type { SilenceMatchers } from '../../lib/db/database.ts';
import { openMigratedDatabase, runningVigilUp, withCommandStore } from '../command-database.ts';
import type { Command } from '../command.ts';
import { invokingUser } from '../invoking-user.ts';
import type { ApiSilence } from '../../lib/web/api-silence.ts';
import { callVigilUpApi, nullWhenNotFound, type VigilUpApi } from '../vigil-up-api.ts';

export interface SilenceCommandIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  now?: () => number;
}

/** A silence as both the API and the database path give it to the printer. */
interface SilenceView {
  id: number;
  matchers: SilenceMatchers;
  startsAt: number;
  endsAt: number;
  comment: string;
  createdBy: string;
  expiredAt: number | null;
}

interface SilenceStore {
  add(silence: { matchers: SilenceMatchers; startsAt: number; endsAt: number; comment: string; createdBy: string }): Promise<SilenceView>;
  list(activeOnly: boolean, at: number): Promise<SilenceView[]>;
  expire(id: number, at: number): Promise<SilenceView | null>;
  close(): Promise<void>;
}

const USAGE = 'vigil silence add (--host H | --group G | --rule R)... --for 2h --comment TEXT [--by NAME] | vigil silence list [--all] | vigil silence expire ID';

export const silenceCommand: Command = {
  summary: 'Mute alert notifications by host, group or rule; list and expire silences',
  usage: USAGE,
  details: [
    'add: host, group and rule may be combined (all must match); --for takes 30m, 2h, 1d; --by defaults to your user name.',
    'list: the silences in force (--all: every one kept). expire ID: ends a silence now.',
    'Alerts stay evaluated and recorded while silenced; a recovery of an alert that was told before the silence is still told.',
    'Uses VIGIL_DATABASE_URL, or the embedded database in VIGIL_DATA_DIR (through the API of a running `vigil up`).',
    'Through the API, the command sends VIGIL_API_TOKEN (an admin\'s token: create one on the dashboard\'s admin page), and the silence is recorded as that token\'s user, not --by.',
  ].join('\n'),
  options: {
    host: { type: 'string' },
    group: { type: 'string' },
    rule: { type: 'string' },
    for: { type: 'string' },
    comment: { type: 'string' },
    by: { type: 'string' },
    all: { type: 'boolean' },
  },
  async run(values, positionals) {
    const code = await runSilenceCommand(values, positionals, {
      env: process.env,
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    });
    if (code !== 0) process.exitCode = code;
  },
};

/** The command with its environment and output passed in; returns the exit status. */
export async function runSilenceCommand(values: Record<string, unknown>, positionals: string[], io: SilenceCommandIo): Promise<number> {
  const now = io.now ?? Date.now;
  const fail = (message: string, code = 2): number => {
    io.err(`vigil silence: ${message}\n`);
    return code;
  };
  const [action, ...rest] = positionals;
  const text = (name: string): string | undefined => (typeof values[name] === 'string' && (values[name] as string).trim() !== '' ? (values[name] as string).trim() : undefined);

  if (action === 'add') {
    if (rest.length > 0) return fail(`unexpected ${JSON.stringify(rest[0])}; usage: ${USAGE}`);
    const matchers: SilenceMatchers = {};
    for (const name of ['host', 'group', 'rule'] as const) {
      const value = text(name);
      if (value !== undefined) matchers[name] = value;
    }
    if (Object.keys(matchers).length === 0) return fail('give --host, --group or --rule (or several: all must match)');
    const forText = text('for');
    if (forText === undefined) return fail('give --for, e.g. --for 2h');
    const duration = parseDuration(forText);
    if (duration === null || duration <= 0) return fail(`--for must be a duration such as 30m, 2h or 1d, not ${JSON.stringify(forText)}`);
    if (duration > 366 * 86_400_000) return fail('a silence may last at most 366 days');
    const comment = text('comment');
    if (comment === undefined) return fail('give --comment saying why');
    const createdBy = invokingUser(text('by'), io.env);
    const at = now();
    return withCommandStore(() => openStore(io.env), fail, async (store) => {
      const silence = await store.add({ matchers, startsAt: at, endsAt: at + duration, comment, createdBy });
      io.out(`silence ${silence.id} added: ${describeMatchers(silence.matchers)} until ${new Date(silence.endsAt).toISOString()}\n`);
    });
  }
  if (action === 'list') {
    if (rest.length > 0) return fail(`unexpected ${JSON.stringify(rest[0])}; usage: ${USAGE}`);
    const at = now();
    return withCommandStore(() => openStore(io.env), fail, async (store) => {
      const silences = await store.list(values['all'] !== true, at);
      if (silences.length === 0) {
        io.out(values['all'] === true ? 'no silences\n' : 'no silences in force\n');
        return;
      }
      for (const silence of silences) io.out(formatSilence(silence, at) + '\n');
    });
  }
  if (action === 'expire') {
    if (rest.length !== 1 || !/^\d+$/.test(rest[0] ?? '')) return fail('give the id of the silence to expire: vigil silence expire ID');
    const id = Number(rest[0]);
    const at = now();
    return withCommandStore(() => openStore(io.env), fail, async (store) => {
      const silence = await store.expire(id, at);
      if (!silence) throw new Error(`no silence with id ${id}`);
      io.out(`silence ${id} expired\n`);
    });
  }
  return fail(action === undefined ? `give add, list or expire; usage: ${USAGE}` : `unknown action ${JSON.stringify(action)}; usage: ${USAGE}`);
}

async function openStore(env: NodeJS.ProcessEnv): Promise<SilenceStore> {
  const config = loadConfig('up', env);
  if (config.databaseUrl === null) {
    const api = await runningVigilUp(config);
    if (api !== null) return apiStore(api, config.apiToken);
  }
  const { insertSilence } = await import('../../lib/db/queries/insert-silence.ts');
  const { listSilences } = await import('../../lib/db/queries/list-silences.ts');
  const { expireSilence } = await import('../../lib/db/queries/expire-silence.ts');
  const database = await openMigratedDatabase(config);
  return {
    add: (silence) => insertSilence(database.db, silence),
    list: (activeOnly, at) => listSilences(database.db, activeOnly ? { activeAt: at } : {}),
    expire: (id, at) => expireSilence(database.db, id, at),
    close: () => database.close(),
  };
}

function apiStore(api: string, token: string | null): SilenceStore {
  const target: VigilUpApi = { api, token, role: 'admin', what: 'silences' };
  const call = (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> => callVigilUpApi(target, method, path, body);
  const fromApi = (s: ApiSilence): SilenceView => ({
    id: s.id,
    matchers: { ...(s.host ? { host: s.host } : {}), ...(s.group ? { group: s.group } : {}), ...(s.rule ? { rule: s.rule } : {}) },
    startsAt: Date.parse(s.startsAt),
    endsAt: Date.parse(s.endsAt),
    comment: s.comment,
    createdBy: s.createdBy,
    expiredAt: s.expiredAt === null ? null : Date.parse(s.expiredAt),
  });
  return {
    add: async (silence) => {
      const body = { ...silence.matchers, startsAt: silence.startsAt, endsAt: silence.endsAt, comment: silence.comment, createdBy: silence.createdBy };
      return fromApi(((await call('POST', '/api/v1/silences', body)) as { silence: ApiSilence }).silence);
    },
    list: async (activeOnly) => ((await call('GET', `/api/v1/silences?state=${activeOnly ? 'active' : 'all'}`)) as { silences: ApiSilence[] }).silences.map(fromApi),
    expire: async (id) => {
      const answer = await nullWhenNotFound(call('POST', `/api/v1/silences/${id}/expire`));
      return answer === null ? null : fromApi((answer as { silence: ApiSilence }).silence);
    },
    close: async () => {},
  };
}

function describeMatchers(matchers: SilenceMatchers): string {
  return (['host', 'group', 'rule'] as const)
    .filter((name) => matchers[name] !== undefined)
    .map((name) => `${name}=${matchers[name]}`)
    .join(' ');
}

function formatSilence(silence: SilenceView, at: number): string {
  const state = silence.expiredAt !== null ? 'expired' : silence.endsAt <= at ? 'ended' : silence.startsAt > at ? 'pending' : 'active';
  return `${String(silence.id).padStart(5)}  ${state.padEnd(7)}  until ${new Date(silence.endsAt).toISOString()}  ${describeMatchers(silence.matchers)}  by ${silence.createdBy}: ${silence.comment.replace(/[\r\n]+/g, ' ')}`;
}
