// The availability report of a period, as GET /api/v1/availability and `vigil availability` give
// it: each host's figures and its target's verdict, each check that failed under its host, the
// hosts lowest first. Built 1,000 hosts to a turn of the event loop, so that a web service
// reporting on 10,000 hosts still answers other requests meanwhile.
import type { VigilDb } from '../db/database.ts';
import { selectAvailabilityInputs, type AvailabilityEpisode } from '../db/queries/select-availability-inputs.ts';
import { toApiFigures, toApiTarget, type ApiAvailabilityReport, type ApiHostAvailability } from '../web/api-availability.ts';
import { computeAvailability } from './compute-availability.ts';
import { maintenanceSpansOf } from './maintenance-spans.ts';
import { unmonitoredSpans } from './unmonitored-spans.ts';

const HOSTS_PER_TURN = 1000;

export interface AvailabilityReportQuery {
  from: number;
  to: number;
  /** Open outages end here. */
  now: number;
  host?: string;
  group?: string;
}

export async function buildAvailabilityReport(db: VigilDb, query: AvailabilityReportQuery): Promise<ApiAvailabilityReport> {
  const { from, to, now } = query;
  const { hosts, episodes } = await selectAvailabilityInputs(db, {
    from, to, ...(query.host !== undefined ? { host: query.host } : {}), ...(query.group !== undefined ? { group: query.group } : {}), bastions: true,
  });
  const byHost = new Map<string, AvailabilityEpisode[]>();
  for (const episode of episodes) {
    let list = byHost.get(episode.host);
    if (!list) byHost.set(episode.host, (list = []));
    list.push(episode);
  }
  const maintenance = maintenanceSpansOf(from, to);
  const rows: Array<{ ratio: number | null; row: ApiHostAvailability }> = [];
  for (const [index, entry] of hosts.entries()) {
    // 10,000 hosts in one go held the event loop for 134 ms (BENCHMARKS.md, bench:availability).
    if (index > 0 && index % HOSTS_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
    const own = byHost.get(entry.name) ?? [];
    const spans = maintenance(entry.maintenance);
    const lifetime = { from, to, now, since: entry.createdAt, until: entry.removedAt };
    const checks = new Map<string, AvailabilityEpisode[]>();
    for (const episode of own) {
      if (episode.kind !== 'check-failing' || episode.check === null) continue;
      const list = checks.get(episode.check) ?? [];
      list.push(episode);
      checks.set(episode.check, list);
    }
    const figures = computeAvailability(own.filter((e) => e.kind === 'host-down'), spans, lifetime, unmonitoredSpans(entry.via, byHost));
    rows.push({
      ratio: figures.ratio,
      row: {
        host: entry.name,
        groups: entry.groups,
        ...toApiFigures(figures),
        removed: entry.removedAt !== null,
        ...toApiTarget(figures, entry.targetPct),
        checks: [...checks].sort(([a], [b]) => a.localeCompare(b)).map(([id, list]) => ({ id, ...toApiFigures(computeAvailability(list, spans, lifetime)) })),
      },
    });
  }
  rows.sort((a, b) => (a.ratio ?? 2) - (b.ratio ?? 2) || (a.row.host < b.row.host ? -1 : 1));
  return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), hosts: rows.map((r) => r.row) };
}
