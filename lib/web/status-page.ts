// The public status page's content, as Uptime Kuma's status pages give it: per configured
// inventory group, each host and each of its service checks with its state now and a bar per day
// of the last 90 days. Built from what the availability report reads; pure, so that the JSON
// answer and the HTML page (render-status-page.ts) are one model.
import { computeAvailability } from '../availability/compute-availability.ts';
import { dailyAvailability } from '../availability/daily-availability.ts';
import { unmonitoredSpans } from '../availability/unmonitored-spans.ts';
import type { AvailabilityEpisode, AvailabilityHost } from '../db/queries/select-availability-inputs.ts';
import type { MaintenanceFacts } from '../availability/maintenance-spans.ts';
import type { LatestCheck } from '../db/queries/select-latest-checks.ts';
import { toPercent } from './api-availability.ts';
import type { PublicIncident } from './status-incidents.ts';

export const STATUS_DAYS = 90;

/** unknown: the host's SSH bastion is down, so it cannot be polled (nor its checks that run over SSH, which keep their last state). */
export type SubjectState = 'up' | 'down' | 'maintenance' | 'unknown';

export interface ApiStatusSubject {
  /** The host's vigil_status_name or inventory name; a check's name (vigil_checks) or id. */
  name: string;
  kind: 'host' | 'check';
  /** For a check, its host, named as the host is. */
  host: string;
  state: SubjectState;
  /**
   * Over the whole period, percent with three decimals; null when nothing was counted. A host's
   * time behind a down bastion is not counted, as time in maintenance is not.
   */
  availabilityPct: number | null;
  /** Per day, oldest first, aligned with ApiStatusPage.days; null for a day not counted. */
  daily: Array<number | null>;
}

export interface ApiStatusPage {
  title: string;
  /** When it was built, ISO 8601. */
  at: string;
  /** operational: nothing down; degraded: something down; outage: everything down; of the subjects whose state is known. */
  overall: 'operational' | 'degraded' | 'outage';
  /** YYYY-MM-DD (UTC), oldest first; the last is today so far. */
  days: string[];
  sections: Array<{ group: string; subjects: ApiStatusSubject[] }>;
  /** Posted by operators: the open ones and those resolved in the last 14 days, newest first. */
  incidents: PublicIncident[];
  /** The shown hosts' next maintenance window (vigil_maintenance) within 7 days, or the one under way; hosts sharing one listed together; soonest first. */
  maintenance: ApiStatusMaintenance[];
}

export interface ApiStatusMaintenance {
  /** ISO 8601; before the page's `at` for a window under way. */
  startsAt: string;
  endsAt: string;
  /** The hosts, as the page names them. */
  hosts: string[];
}

export interface StatusGroupInputs {
  group: string;
  hosts: AvailabilityHost[];
  episodes: AvailabilityEpisode[];
}

export interface StatusContext {
  title: string;
  now: number;
  /** The checks each host ran lately. */
  checks: ReadonlyMap<string, readonly LatestCheck[]>;
  /** The host's maintenance spans of the period, whether it is in a window now, and its next window (maintenanceFactsOf). */
  maintenance: (host: AvailabilityHost) => MaintenanceFacts;
  incidents: PublicIncident[];
}

/** How far ahead the page announces maintenance windows. */
export const MAINTENANCE_AHEAD_DAYS = 7;

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name);
}

/** Hosts built between two turns of the event loop: a page of thousands must not hold the web service. */
const HOSTS_PER_TURN = 250;

export async function buildStatusPage(groups: readonly StatusGroupInputs[], ctx: StatusContext): Promise<ApiStatusPage> {
  const from = ctx.now - STATUS_DAYS * 86_400_000;
  let days: string[] = [];
  let total = 0;
  let down = 0;
  const subjectOf = (
    name: string, kind: ApiStatusSubject['kind'], host: AvailabilityHost, outages: AvailabilityEpisode[], facts: MaintenanceFacts,
    unmonitored: readonly AvailabilityEpisode[] = [],
  ): ApiStatusSubject => {
    const spans = facts.spans;
    const life = { since: host.createdAt, until: host.removedAt, now: ctx.now };
    const whole = computeAvailability(outages, spans, { from, to: ctx.now, ...life }, unmonitored);
    const daily = dailyAvailability(outages, spans, life, STATUS_DAYS, unmonitored);
    if (days.length === 0) days = daily.map((d) => d.day);
    const unknownNow = unmonitored.some((e) => e.endedAt === null);
    const state: SubjectState = whole.down ? 'down' : facts.now ? 'maintenance' : unknownNow ? 'unknown' : 'up';
    // The overall state is of what can be seen: a host behind a down bastion is left out of it.
    if (state !== 'unknown') total++;
    if (state === 'down') down++;
    return { name, kind, host: host.statusName ?? host.name, state, availabilityPct: toPercent(whole.ratio, 3), daily: daily.map((d) => toPercent(d.ratio, 2)) };
  };
  let built = 0;
  const sections: ApiStatusPage['sections'] = [];
  // By span: most hosts share their group's windows.
  const maintenance = new Map<string, { span: readonly [number, number]; hosts: Set<string> }>();
  for (const { group, hosts, episodes } of groups) {
    const byHost = new Map<string, AvailabilityEpisode[]>();
    for (const episode of episodes) {
      const list = byHost.get(episode.host);
      if (list) list.push(episode);
      else byHost.set(episode.host, [episode]);
    }
    const subjects: ApiStatusSubject[] = [];
    // Visitors read the names shown, so those give the order; the internal ones stay unseen.
    const shown = hosts.filter((h) => h.removedAt === null).map((h) => ({ host: h, name: h.statusName ?? h.name })).sort(byName);
    for (const { host, name } of shown) {
      if (++built % HOSTS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
      const facts = ctx.maintenance(host);
      const next = facts.next;
      if (next) {
        const key = `${next[0]}-${next[1]}`;
        const listed = maintenance.get(key);
        if (listed) listed.hosts.add(name);
        else maintenance.set(key, { span: next, hosts: new Set([name]) });
      }
      const own = byHost.get(host.name) ?? [];
      subjects.push(subjectOf(name, 'host', host, own.filter((e) => e.kind === 'host-down'), facts, unmonitoredSpans(host.via, byHost)));
      const checks = new Map<string, string>();
      for (const check of ctx.checks.get(host.name) ?? []) checks.set(check.id, check.name ?? check.id);
      for (const e of own) if (e.kind === 'check-failing' && e.check !== null && e.endedAt === null && !checks.has(e.check)) checks.set(e.check, e.check);
      for (const check of [...checks].map(([id, checkName]) => ({ id, name: checkName })).sort(byName)) {
        subjects.push(subjectOf(check.name, 'check', host, own.filter((e) => e.kind === 'check-failing' && e.check === check.id), facts));
      }
    }
    sections.push({ group, subjects });
  }
  if (days.length === 0) days = dailyAvailability([], [], { since: ctx.now, until: null, now: ctx.now }, STATUS_DAYS).map((d) => d.day);
  return {
    title: ctx.title,
    at: new Date(ctx.now).toISOString(),
    overall: down === 0 ? 'operational' : down === total ? 'outage' : 'degraded',
    days,
    sections,
    incidents: ctx.incidents,
    maintenance: [...maintenance.values()]
      .sort((a, b) => a.span[0] - b.span[0] || a.span[1] - b.span[1])
      .map(({ span, hosts }) => ({ startsAt: new Date(span[0]).toISOString(), endsAt: new Date(span[1]).toISOString(), hosts: [...hosts].sort((a, b) => a.localeCompare(b)) })),
  };
}
