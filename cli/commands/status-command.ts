// `vigil status`: the health of the whole pipeline in one look, for an operator or a cron job
// (the exit code says healthy or not). Reads only: heartbeats and hosts from PostgreSQL, queue
// depths from RabbitMQ when VIGIL_AMQP_URL is set.
import { ConfigError, loadConfig } from '../../lib/config.ts';
import { openDatabase } from '../../lib/db/open-database.ts';
import { createLogger } from '../../lib/log.ts';
import { createQueueInspector, knownQueueNames } from '../../lib/metrics/amqp-queue-stats.ts';
import { DEFAULT_THRESHOLDS, assessPipeline, maxWriteLagSeconds, readPipelineStatus } from '../../lib/metrics/pipeline-status.ts';
import type { PipelineStatus } from '../../lib/metrics/pipeline-status.ts';
import type { Command } from '../command.ts';

export const statusCommand: Command = {
  summary: 'Print the health of the pipeline: services seen, queues, lag, hosts up/down',
  usage: 'vigil status [--json] [--max-backlog N]',
  details: [
    'Reads VIGIL_DATABASE_URL (service heartbeats, hosts) and, when set, VIGIL_AMQP_URL (queue depths).',
    `Exits 1 when something is unhealthy: a scheduler or writer never seen, a service not seen for over ${DEFAULT_THRESHOLDS.staleAfterSec} s,`,
    'hosts down, stored results falling behind, or a queue holding more than --max-backlog messages',
    `(default ${DEFAULT_THRESHOLDS.maxBacklog}); 0 when all is well.`,
    'Workers have no database: their heartbeats go over RabbitMQ and the writer records them, so they show here',
    'while a writer runs; each also answers on its own /metrics and /healthz (VIGIL_METRICS_PORT).',
  ].join('\n'),
  options: { json: { type: 'boolean' }, 'max-backlog': { type: 'string' } },
  async run(values) {
    const maxBacklog = parseMaxBacklog(values['max-backlog']);
    const config = loadConfig('up');
    if (config.databaseUrl === null) {
      throw new ConfigError([
        'VIGIL_DATABASE_URL is required by `vigil status`: it reads the services\' heartbeats and the hosts from PostgreSQL' +
          ' (the embedded database of `vigil up` cannot be read while it runs; see its /metrics instead)',
      ]);
    }
    const log = createLogger({ command: 'status' }, { level: 'error' });
    const database = await openDatabase({ url: config.databaseUrl, log });
    let read: Omit<PipelineStatus, 'queues'>;
    try {
      read = await readPipelineStatus(database.db);
    } catch (error) {
      if ((error as { code?: unknown }).code === '42P01') {
        throw new Error('this database has no service_heartbeats table yet: start a Vigil service on it first (services migrate the schema at start)', { cause: error });
      }
      throw error;
    } finally {
      await database.close();
    }
    const status: PipelineStatus = { ...read, queues: null };
    if (config.amqpUrl !== null) {
      const inspector = createQueueInspector({ url: config.amqpUrl, log });
      try {
        status.queues = await inspector.read(knownQueueNames(config.amqpPrefix));
      } catch (error) {
        status.queueError = error instanceof Error ? error.message : String(error);
      } finally {
        await inspector.close();
      }
    }
    const problems = assessPipeline(status, { ...DEFAULT_THRESHOLDS, maxBacklog });
    const healthy = problems.length === 0;
    if (values['json'] === true) {
      process.stdout.write(JSON.stringify({ healthy, problems, ...status }, null, 2) + '\n');
    } else {
      process.stdout.write(formatStatus(status, problems));
    }
    if (!healthy) process.exitCode = 1;
  },
};

function parseMaxBacklog(value: unknown): number {
  if (value === undefined) return DEFAULT_THRESHOLDS.maxBacklog;
  const parsed = Number(value);
  if (typeof value !== 'string' || !Number.isInteger(parsed) || parsed < 0) {
    throw new ConfigError([`--max-backlog ${JSON.stringify(value)} must be a whole number of messages`]);
  }
  return parsed;
}

/** The text an operator reads: the verdict and its reasons first, then the details. */
export function formatStatus(status: PipelineStatus, problems: string[]): string {
  const lines: string[] = [];
  lines.push(problems.length === 0 ? 'Vigil: healthy' : `Vigil: UNHEALTHY (${problems.length} problem${problems.length === 1 ? '' : 's'})`);
  for (const problem of problems) lines.push(`  - ${problem}`);

  lines.push('', 'Services');
  if (status.services.length === 0) {
    lines.push('  none seen');
  } else {
    lines.push(...table(
      ['service', 'instance', 'host', 'pid', 'last seen', 'info'],
      status.services.map((s) => [
        s.service,
        s.instance,
        s.host,
        String(s.pid),
        `${formatSeconds(s.lastSeenSeconds)} ago${s.lastSeenSeconds > DEFAULT_THRESHOLDS.staleAfterSec ? ' (stale)' : ''}`,
        Object.entries(s.info).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(' '),
      ]),
      [false, false, false, true, false, false],
    ));
  }
  lines.push('  workers report on their own /metrics and /healthz, not here');

  lines.push('', 'Queues');
  if (status.queueError !== undefined) {
    lines.push(`  cannot read them: ${status.queueError}`);
  } else if (status.queues === null) {
    lines.push('  not checked (VIGIL_AMQP_URL is not set)');
  } else {
    lines.push(...table(
      ['queue', 'messages', 'consumers'],
      status.queues.map((q) => (q.exists ? [q.queue, String(q.messages), String(q.consumers)] : [q.queue, 'absent', '-'])),
      [false, true, true],
    ));
  }

  lines.push('', 'Poll results');
  lines.push(status.writeLagSeconds === null
    ? '  none stored yet'
    : `  newest stored ${formatSeconds(status.writeLagSeconds)} ago (trouble above ${formatSeconds(maxWriteLagSeconds(status.shortestIntervalSec))})`);

  lines.push('', 'Hosts');
  lines.push(`  ${status.hosts.up} up, ${status.hosts.down} down, ${status.hosts.unknown} unknown`);
  for (const host of status.downHosts.slice(0, 20)) {
    lines.push(`  down: ${host.name}${host.reason ? ` (${host.reason})` : ''}${host.message ? `: ${host.message.slice(0, 120)}` : ''}`);
  }
  if (status.downHosts.length > 20) lines.push(`  … and ${status.downHosts.length - 20} more (--json lists them all)`);
  return lines.join('\n') + '\n';
}

function table(header: string[], rows: string[][], alignRight: boolean[]): string[] {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]?.length ?? 0)));
  const format = (cells: string[]): string =>
    '  ' + cells.map((cell, i) => (alignRight[i] ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [format(header), ...rows.map(format)];
}

function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}
