// `vigil incident`: open, update, list and delete the incidents of the public status page from a
// terminal or a script (a deploy pipeline, a chat bot). Talks to PostgreSQL (VIGIL_DATABASE_URL);
// without it, to the embedded database of `vigil up`, through the running `vigil up`'s API when
// it answers, as `vigil silence` does.
import { loadConfig } from '../../lib/config.ts';
import type { StoredIncident } from '../../lib/db/queries/stored-incident.ts';
import {
  INCIDENT_IMPACTS, INCIDENT_MESSAGE_MAX, INCIDENT_STATUSES, INCIDENT_TITLE_MAX, toApiIncident, utcMinuteText,
  type ApiIncident, type IncidentImpact, type IncidentStatus,
} from '../../lib/web/status-incidents.ts';
import { openMigratedDatabase, runningVigilUp, withCommandStore } from '../command-database.ts';
import type { Command } from '../command.ts';
import { invokingUser } from '../invoking-user.ts';
import { callVigilUpApi, nullWhenNotFound, type VigilUpApi } from '../vigil-up-api.ts';

export interface IncidentCommandIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  now?: () => number;
}

interface Posting {
  status: IncidentStatus;
  message: string;
  by: string;
  at: number;
}

/** The database and the API alike give incidents as the API shapes them; null: no such incident. */
interface IncidentStore {
  open(incident: { title: string; impact: IncidentImpact; groups: string[] } & Posting): Promise<ApiIncident>;
  update(id: number, update: Posting & { impact?: IncidentImpact; groups?: string[] }): Promise<ApiIncident | null>;
  list(openOnly: boolean): Promise<ApiIncident[]>;
  remove(id: number): Promise<boolean>;
  close(): Promise<void>;
}

const USAGE = [
  'vigil incident open --title TEXT --message TEXT [--impact minor|major|critical|maintenance] [--status investigating|identified|monitoring|resolved] [--groups G1,G2]',
  'vigil incident update ID --status STATUS --message TEXT [--impact IMPACT] [--groups G1,G2]',
  'vigil incident list [--all] [--json]',
  'vigil incident delete ID',
].join(' | ');

export const incidentCommand: Command = {
  summary: 'Open, update, list and delete incidents on the public status page',
  usage: USAGE,
  details: [
    'open: a new incident with its first message (impact minor and status investigating unless given); --groups names the inventory groups it affects.',
    'update ID: a new message; --status resolved closes the incident, any other status reopens it.',
    'list: the open incidents (--all: every one kept), newest first, each with its latest message. delete ID: one posted by mistake.',
    'Messages are plain text; the status page shows them to anyone, without who posted them.',
    '--by names the poster when the command writes the database itself (default: your user name); through the API the poster is the token\'s user.',
    'Uses VIGIL_DATABASE_URL, or the embedded database in VIGIL_DATA_DIR (through the API of a running `vigil up`, with an admin\'s VIGIL_API_TOKEN).',
    'A separate web service shows a change written to the database within 30 s (its status page cache); through the API, at once.',
  ].join('\n'),
  options: {
    title: { type: 'string' },
    message: { type: 'string' },
    impact: { type: 'string' },
    status: { type: 'string' },
    groups: { type: 'string' },
    by: { type: 'string' },
    all: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(values, positionals) {
    const code = await runIncidentCommand(values, positionals, {
      env: process.env,
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    });
    if (code !== 0) process.exitCode = code;
  },
};

/** The command with its environment and output passed in; returns the exit status. */
export async function runIncidentCommand(values: Record<string, unknown>, positionals: string[], io: IncidentCommandIo): Promise<number> {
  const now = io.now ?? Date.now;
  const fail = (message: string, code = 2): number => {
    io.err(`vigil incident: ${message}\n`);
    return code;
  };
  const [action, ...rest] = positionals;
  const text = (name: string): string | undefined => (typeof values[name] === 'string' && (values[name] as string).trim() !== '' ? (values[name] as string).trim() : undefined);
  const oneOf = <T extends string>(name: string, allowed: readonly T[]): T | undefined | Error => {
    const value = text(name);
    if (value === undefined) return undefined;
    return (allowed as readonly string[]).includes(value) ? (value as T) : new Error(`--${name} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
  };
  const idOf = (): number | null => (rest.length === 1 && /^[1-9]\d{0,14}$/.test(rest[0] ?? '') ? Number(rest[0]) : null);
  const message = text('message');
  const messageProblem = message === undefined ? 'give --message: what visitors should read' : message.length > INCIDENT_MESSAGE_MAX ? `--message is longer than ${INCIDENT_MESSAGE_MAX} characters` : null;
  const impact = oneOf('impact', INCIDENT_IMPACTS);
  const status = oneOf('status', INCIDENT_STATUSES);
  if (impact instanceof Error) return fail(impact.message);
  if (status instanceof Error) return fail(status.message);
  const by = invokingUser(text('by'), io.env);
  const groupsText = text('groups');
  const groups = groupsText === undefined ? undefined : [...new Set(groupsText.split(',').map((g) => g.trim()).filter((g) => g !== ''))];

  if (action === 'open') {
    if (rest.length > 0) return fail(`unexpected ${JSON.stringify(rest[0])}; usage: ${USAGE}`);
    const title = text('title');
    if (title === undefined) return fail('give --title');
    if (title.length > INCIDENT_TITLE_MAX) return fail(`--title is longer than ${INCIDENT_TITLE_MAX} characters`);
    if (messageProblem !== null || message === undefined) return fail(messageProblem ?? '');
    return withCommandStore(() => openStore(io.env), fail, async (store) => {
      const incident = await store.open({ title, impact: impact ?? 'minor', status: status ?? 'investigating', message, by, at: now(), groups: groups ?? [] });
      io.out(`incident ${incident.id} opened: ${incident.title} (${incident.impact}, ${incident.status})\n`);
    });
  }
  if (action === 'update') {
    const id = idOf();
    if (id === null) return fail('give the id of the incident to update: vigil incident update ID --status STATUS --message TEXT');
    if (status === undefined) return fail(`give --status: one of ${INCIDENT_STATUSES.join(', ')}`);
    if (messageProblem !== null || message === undefined) return fail(messageProblem ?? '');
    return withCommandStore(() => openStore(io.env), fail, async (store) => {
      const incident = await store.update(id, { status, message, by, at: now(), ...(impact ? { impact } : {}), ...(groups ? { groups } : {}) });
      if (!incident) throw new Error(`no incident with id ${id}`);
      io.out(`incident ${id} ${incident.resolvedAt === null ? 'updated' : 'resolved'}: ${incident.title} (${incident.impact}, ${incident.status})\n`);
    });
  }
  if (action === 'list') {
    if (rest.length > 0) return fail(`unexpected ${JSON.stringify(rest[0])}; usage: ${USAGE}`);
    return withCommandStore(() => openStore(io.env), fail, async (store) => {
      const incidents = await store.list(values['all'] !== true);
      if (values['json'] === true) io.out(JSON.stringify({ incidents }, null, 2) + '\n');
      else if (incidents.length === 0) io.out(values['all'] === true ? 'no incidents\n' : 'no open incidents\n');
      else for (const incident of incidents) io.out(formatIncident(incident));
    });
  }
  if (action === 'delete') {
    const id = idOf();
    if (id === null) return fail('give the id of the incident to delete: vigil incident delete ID');
    return withCommandStore(() => openStore(io.env), fail, async (store) => {
      if (!(await store.remove(id))) throw new Error(`no incident with id ${id}`);
      io.out(`incident ${id} deleted\n`);
    });
  }
  return fail(action === undefined ? `give open, update, list or delete; usage: ${USAGE}` : `unknown action ${JSON.stringify(action)}; usage: ${USAGE}`);
}

async function openStore(env: NodeJS.ProcessEnv): Promise<IncidentStore> {
  const config = loadConfig('up', env);
  if (config.databaseUrl === null) {
    const api = await runningVigilUp(config);
    if (api !== null) return apiStore({ api, token: config.apiToken, role: 'admin', what: 'incidents' });
  }
  const { listIncidents } = await import('../../lib/db/queries/list-incidents.ts');
  const { addIncidentUpdate, deleteIncident, openIncident } = await import('../../lib/db/queries/post-incident.ts');
  const database = await openMigratedDatabase(config);
  const api = (incident: StoredIncident | null): ApiIncident | null => (incident === null ? null : toApiIncident(incident));
  return {
    open: async (incident) => toApiIncident(await openIncident(database.db, incident)),
    update: async (id, update) => api(await addIncidentUpdate(database.db, id, update)),
    list: async (openOnly) => (await listIncidents(database.db, openOnly ? { openOrResolvedSince: 'open-only' } : {})).map(toApiIncident),
    remove: (id) => deleteIncident(database.db, id),
    close: () => database.close(),
  };
}

function apiStore(target: VigilUpApi): IncidentStore {
  // Through the API the poster is the token's user; --by is not sent.
  const incidentOf = (payload: unknown): ApiIncident => (payload as { incident: ApiIncident }).incident;
  return {
    open: async ({ title, impact, status, message, groups }) => incidentOf(await callVigilUpApi(target, 'POST', '/api/v1/incidents', { title, impact, status, message, groups })),
    update: async (id, { status, message, impact, groups }) =>
      nullWhenNotFound(callVigilUpApi(target, 'POST', `/api/v1/incidents/${id}/updates`, { status, message, ...(impact ? { impact } : {}), ...(groups ? { groups } : {}) }).then(incidentOf)),
    list: async (openOnly) => ((await callVigilUpApi(target, 'GET', `/api/v1/incidents?state=${openOnly ? 'open' : 'all'}`)) as { incidents: ApiIncident[] }).incidents,
    remove: async (id) => (await nullWhenNotFound(callVigilUpApi(target, 'DELETE', `/api/v1/incidents/${id}`))) !== null,
    close: async () => {},
  };
}

function formatIncident(incident: ApiIncident): string {
  const state = incident.resolvedAt === null ? 'open' : 'resolved';
  const latest = incident.updates[0];
  const affects = incident.groups.length === 0 ? '' : `  [${incident.groups.join(', ')}]`;
  const head = `${String(incident.id).padStart(5)}  ${state.padEnd(8)}  ${incident.impact.padEnd(11)}  ${incident.status.padEnd(13)}  ${utcMinuteText(incident.updatedAt)}  ${incident.title}${affects}`;
  return latest ? `${head}\n       ${utcMinuteText(latest.at)} ${latest.by}: ${latest.message.replace(/\s*[\r\n]+\s*/g, ' / ')}\n` : `${head}\n`;
}
