// `vigil availability`: the availability report in a terminal or a cron job, as the dashboard's
// Availability page gives it. Reads PostgreSQL (VIGIL_DATABASE_URL); without it, the embedded
// database of `vigil up`, through the running `vigil up`'s API when it answers.
import { buildAvailabilityReport } from '../../lib/availability/availability-report.ts';
import { loadConfig } from '../../lib/config.ts';
import { formatDuration } from '../../lib/format-duration.ts';
import { describeBudget, type ApiAvailabilityReport, type ApiHostAvailability } from '../../lib/web/api-availability.ts';
import { openMigratedDatabase, runningVigilUp } from '../command-database.ts';
import type { Command } from '../command.ts';
import { callVigilUpApi, type VigilUpApi } from '../vigil-up-api.ts';

export interface AvailabilityCommandIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  now?: () => number;
}

const DAY_MS = 86_400_000;
const USAGE = 'vigil availability [--days 30] [--group G] [--host H] [--json]';

export const availabilityCommand: Command = {
  summary: 'Print how much of the last days each host and each failed check was up',
  usage: USAGE,
  details: [
    'The report of the dashboard\'s Availability page (see the README\'s Availability section): lowest first, with down time,',
    'outages, the longest, and the host\'s vigil_availability_target met or missed. --days from 1 to 400 (default 30).',
    'Exits 1 when a host missed its target in the period, so a cron job can tell.',
    'Uses VIGIL_DATABASE_URL, or the embedded database in VIGIL_DATA_DIR (through the API of a running `vigil up`, with VIGIL_API_TOKEN).',
  ].join('\n'),
  options: { days: { type: 'string' }, group: { type: 'string' }, host: { type: 'string' }, json: { type: 'boolean' } },
  async run(values) {
    const code = await runAvailabilityCommand(values, { env: process.env, out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) });
    if (code !== 0) process.exitCode = code;
  },
};

/** The command with its environment and output passed in; returns the exit status. */
export async function runAvailabilityCommand(values: Record<string, unknown>, io: AvailabilityCommandIo): Promise<number> {
  const now = (io.now ?? Date.now)();
  const text = (name: string): string | undefined => (typeof values[name] === 'string' && (values[name] as string).trim() !== '' ? (values[name] as string).trim() : undefined);
  const daysText = text('days') ?? '30';
  const days = Number(daysText);
  if (!/^\d+$/.test(daysText) || days < 1 || days > 400) {
    io.err(`vigil availability: --days ${JSON.stringify(daysText)} must be a whole number of days from 1 to 400; usage: ${USAGE}\n`);
    return 2;
  }
  const group = text('group');
  const host = text('host');
  const query = { from: now - days * DAY_MS, to: now, ...(group ? { group } : {}), ...(host ? { host } : {}) };
  const config = loadConfig('up', io.env);
  let report: ApiAvailabilityReport;
  const api = config.databaseUrl === null ? await runningVigilUp(config) : null;
  if (api !== null) {
    report = await fetchReport(api, config.apiToken, query);
  } else {
    const database = await openMigratedDatabase(config);
    try {
      report = await buildAvailabilityReport(database.db, { ...query, now });
    } finally {
      await database.close();
    }
  }
  io.out(values['json'] === true ? JSON.stringify(report, null, 2) + '\n' : formatAvailabilityReport(report));
  return report.hosts.some((h) => h.targetMet === false) ? 1 : 0;
}

async function fetchReport(api: string, token: string | null, query: { from: number; to: number; group?: string; host?: string }): Promise<ApiAvailabilityReport> {
  const params = new URLSearchParams({ from: String(query.from), to: String(query.to), ...(query.group ? { group: query.group } : {}), ...(query.host ? { host: query.host } : {}) });
  const target: VigilUpApi = { api, token, role: 'viewer', what: 'availability reports' };
  return (await callVigilUpApi(target, 'GET', `/api/v1/availability?${params.toString()}`, undefined, 30_000)) as ApiAvailabilityReport;
}

/** Down time as the dashboard says it; none is a dash, as on the page. */
function downtime(seconds: number): string {
  return seconds > 0 ? formatDuration(seconds) : '—';
}

function pct(value: number | null): string {
  return value === null ? '—' : `${value} %`;
}

function targetText(h: ApiHostAvailability): string {
  if (h.targetPct === null || h.budgetLeftSeconds === null) return '—';
  return `${h.targetPct} % ${h.targetMet === false ? 'MISSED' : 'met'}, ${describeBudget(h.budgetLeftSeconds)}`;
}

/** A table an operator reads: hosts lowest first, each failed check under its host. */
export function formatAvailabilityReport(report: ApiAvailabilityReport): string {
  const rows: string[][] = [['HOST', 'AVAILABILITY', 'DOWN', 'OUTAGES', 'LONGEST', 'TARGET']];
  for (const h of report.hosts) {
    const marks = [h.down ? 'down now' : '', h.removed ? 'removed' : ''].filter((m) => m !== '');
    rows.push([`${h.host}${marks.length > 0 ? ` (${marks.join(', ')})` : ''}`, pct(h.availabilityPct), downtime(h.downSeconds), String(h.outages), downtime(h.longestOutageSeconds), targetText(h)]);
    for (const c of h.checks) {
      rows.push([`  check ${c.id}${c.down ? ' (failing now)' : ''}`, pct(c.availabilityPct), downtime(c.downSeconds), String(c.outages), downtime(c.longestOutageSeconds), '']);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const lines = rows.map((row) => row.map((cell, i) => (i === 0 || i === row.length - 1 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ').trimEnd());
  const missed = report.hosts.filter((h) => h.targetMet === false).length;
  const head = `Availability ${report.from.slice(0, 16).replace('T', ' ')} – ${report.to.slice(0, 16).replace('T', ' ')} UTC: ${report.hosts.length} host${report.hosts.length === 1 ? '' : 's'}` +
    `, ${report.hosts.filter((h) => h.outages > 0).length} with outages${missed > 0 ? `, ${missed} below target` : ''}`;
  return [head, '', ...(report.hosts.length === 0 ? ['No hosts in this period.'] : lines), ''].join('\n');
}
