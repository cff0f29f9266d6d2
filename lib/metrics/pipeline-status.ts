// The health of the whole pipeline as `vigil status` reports it: which services were seen and
// when, how far behind the stored results are, how many hosts are up or down, and (from
// RabbitMQ) the queue backlogs. Reading is one function, judging another, pure, so the
// thresholds are testable without a fleet.
import { sql } from 'kysely';
import type { VigilDb } from '../db/database.ts';
import type { QueueStat } from './amqp-queue-stats.ts';

export interface ServiceSeen {
  service: string;
  instance: string;
  host: string;
  pid: number;
  startedAt: string;
  /** Seconds since its last heartbeat, by the database's clock. */
  lastSeenSeconds: number;
  info: Record<string, unknown>;
}

export interface DownHost {
  name: string;
  reason: string | null;
  message: string | null;
  lastSampleAt: string | null;
}

export interface PipelineStatus {
  /** The database's clock when read. */
  checkedAt: string;
  services: ServiceSeen[];
  hosts: { up: number; down: number; unknown: number };
  downHosts: DownHost[];
  /** Seconds since the newest poll result stored (by the worker's clock); null before the first. */
  writeLagSeconds: number | null;
  /** The shortest poll interval among the hosts, which bounds how stale the newest result may be. */
  shortestIntervalSec: number | null;
  /** null: RabbitMQ not asked (no VIGIL_AMQP_URL). */
  queues: QueueStat[] | null;
  /** Why the queues could not be read, when they could not. */
  queueError?: string;
}

export interface HealthThresholds {
  /** A service whose newest heartbeat is older than this is missing. */
  staleAfterSec: number;
  /** More ready messages than this in a queue is a backlog. */
  maxBacklog: number;
  /** Services without which no poll result is stored. */
  requiredServices: readonly string[];
  /**
   * More of the scheduler's jobs since its last heartbeat than this share expiring never answered
   * (and at least MIN_UNANSWERED_JOBS) means the workers are asked for more polls than they do.
   */
  maxUnansweredJobShare: number;
}

export const DEFAULT_THRESHOLDS: HealthThresholds = { staleAfterSec: 30, maxBacklog: 1000, requiredServices: ['scheduler', 'writer'], maxUnansweredJobShare: 0.01 };

/** Fewer than this between two heartbeats is a moment's stall, not an overload. */
const MIN_UNANSWERED_JOBS = 10;

/** Results may trail by up to an interval (polls are spread over it); three intervals, and at least a minute, is trouble. */
export function maxWriteLagSeconds(shortestIntervalSec: number | null): number {
  return Math.max(60, 3 * (shortestIntervalSec ?? 0));
}

export async function readPipelineStatus(db: VigilDb): Promise<Omit<PipelineStatus, 'queues'>> {
  const clock = await sql<{ now: Date }>`SELECT now() AS now`.execute(db);
  const services = await db
    .selectFrom('service_heartbeats')
    .select(['service', 'instance', 'host', 'pid', 'started_at', 'info', sql<number>`extract(epoch FROM now() - seen_at)`.as('age')])
    .orderBy('service')
    .orderBy('started_at')
    .execute();
  const counts = await db
    .selectFrom('hosts')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('removed_at', 'is', null)
    .groupBy('status')
    .execute();
  const down = await db
    .selectFrom('hosts')
    .select(['name', 'status_reason', 'status_message', 'last_sample_at'])
    .where('removed_at', 'is', null)
    .where('status', '=', 'down')
    .orderBy('name')
    .execute();
  const lag = await db
    .selectFrom('hosts')
    .select([sql<number | null>`extract(epoch FROM now() - max(last_poll_at))`.as('lag'), (eb) => eb.fn.min<number | null>('interval_sec').as('shortest')])
    .where('removed_at', 'is', null)
    .executeTakeFirst();

  const hosts = { up: 0, down: 0, unknown: 0 };
  for (const row of counts) hosts[row.status] += Number(row.count);
  return {
    checkedAt: toDate(clock.rows[0]?.now ?? new Date()).toISOString(),
    services: services.map((row) => ({
      service: row.service,
      instance: row.instance,
      host: row.host,
      pid: row.pid,
      startedAt: toDate(row.started_at).toISOString(),
      lastSeenSeconds: Math.max(0, Number(row.age)),
      info: row.info,
    })),
    hosts,
    downHosts: down.map((row) => ({
      name: row.name,
      reason: row.status_reason,
      message: row.status_message,
      lastSampleAt: row.last_sample_at ? toDate(row.last_sample_at).toISOString() : null,
    })),
    // A worker clock ahead of the database's would make it negative.
    writeLagSeconds: lag?.lag == null ? null : Math.max(0, Number(lag.lag)),
    shortestIntervalSec: lag?.shortest == null ? null : Number(lag.shortest),
  };
}

/** Every reason the pipeline is unhealthy, worst first; empty when it is healthy. */
export function assessPipeline(status: PipelineStatus, thresholds: HealthThresholds = DEFAULT_THRESHOLDS): string[] {
  const problems: string[] = [];
  const newestBeat = new Map<string, number>();
  for (const seen of status.services) {
    const previous = newestBeat.get(seen.service);
    if (previous === undefined || seen.lastSeenSeconds < previous) newestBeat.set(seen.service, seen.lastSeenSeconds);
  }
  for (const service of thresholds.requiredServices) {
    if (!newestBeat.has(service)) problems.push(`no ${service} has ever reported (is one running, on this database?)`);
  }
  for (const [service, age] of newestBeat) {
    if (age > thresholds.staleAfterSec) problems.push(`${service} not seen for ${Math.round(age)} s`);
  }
  if (status.hosts.down > 0) {
    const names = status.downHosts.slice(0, 5).map((host) => host.name);
    const more = status.hosts.down - names.length;
    problems.push(`${status.hosts.down} host${status.hosts.down === 1 ? '' : 's'} down: ${names.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  const total = status.hosts.up + status.hosts.down + status.hosts.unknown;
  if (total > 0 && status.writeLagSeconds === null) {
    problems.push('no poll result stored yet (are workers running?)');
  } else if (status.writeLagSeconds !== null && status.writeLagSeconds > maxWriteLagSeconds(status.shortestIntervalSec)) {
    problems.push(`newest poll result stored is ${Math.round(status.writeLagSeconds)} s old (workers or writer behind?)`);
  }
  // Jobs that expired never answered were left in a queue (RabbitMQ drops them unread at their
  // expiry, a worker drops those it reaches late): Zabbix's "poller processes busy". A host slower
  // than its interval answers its lost jobs late, and is not counted.
  const jobs = recentSchedulerJobs(status.services);
  const unanswered = jobs === null ? 0 : Math.max(0, jobs.lost - jobs.answeredLate);
  if (jobs !== null && unanswered >= MIN_UNANSWERED_JOBS && unanswered > thresholds.maxUnansweredJobShare * jobs.published) {
    problems.push(
      `${unanswered} of the ${jobs.published} poll jobs of the last ${Math.round(jobs.seconds)} s expired unanswered: `
        + 'the workers are asked for more polls than they can do (add workers, or lengthen vigil_interval)',
    );
  }
  if (status.queueError !== undefined) problems.push(`cannot read the queues: ${status.queueError}`);
  for (const queue of status.queues ?? []) {
    if (queue.exists && queue.messages > thresholds.maxBacklog) {
      problems.push(`queue ${queue.queue} holds ${queue.messages} messages (over ${thresholds.maxBacklog})`);
    }
  }
  return problems;
}

/** The jobs since its previous beat of the freshest active scheduler (services/scheduler/main.ts), or null. */
function recentSchedulerJobs(services: readonly ServiceSeen[]): { seconds: number; published: number; lost: number; answeredLate: number } | null {
  let freshest: ServiceSeen | null = null;
  for (const seen of services) {
    if (seen.service !== 'scheduler' || seen.info['active'] !== true) continue;
    if (freshest === null || seen.lastSeenSeconds < freshest.lastSeenSeconds) freshest = seen;
  }
  const jobs = freshest?.info['recentJobs'];
  if (typeof jobs !== 'object' || jobs === null) return null;
  const { seconds, published, lost, answeredLate } = jobs as Record<string, unknown>;
  return typeof seconds === 'number' && typeof published === 'number' && typeof lost === 'number' && typeof answeredLate === 'number'
    ? { seconds, published, lost, answeredLate }
    : null;
}

function toDate(value: Date | string): Date {
  return value instanceof Date ? value : new Date(value);
}
