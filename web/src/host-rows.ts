// Which hosts the fleet table shows, and in what order: filters by group, status and free text,
// and sorting by any column. Pure functions, so that 5,000 hosts cost one pass each.
import type { HostOverview } from '../../lib/db/queries/list-hosts.ts';
import { sparklineMean } from './sparkline.ts';

export type SortKey = 'status' | 'name' | 'groups' | 'cpu' | 'mem' | 'disk' | 'net' | 'trend';
export type SortDirection = 'asc' | 'desc';

export interface HostSort {
  key: SortKey;
  direction: SortDirection;
}

export type StatusFilter = '' | 'up' | 'down' | 'unknown' | 'removed';

export interface HostFilter {
  /** '' for every group. */
  group: string;
  status: StatusFilter;
  /** Matched case-insensitively against name, address and groups. */
  text: string;
}

export const NO_FILTER: HostFilter = { group: '', status: '', text: '' };

/** What the table shows for a removed host, and what the status filter and sort see. */
export function displayStatus(host: HostOverview): StatusFilter {
  return host.removed ? 'removed' : host.status;
}

/** What a host's status means while no poll of it has come back (status unknown). */
export const NO_POLL_RESULT = 'no poll result yet';

/** The why of a host's status, for its tooltip and its page: the latest failure, or that no poll came back yet; null when up. */
export function statusNote(host: Pick<HostOverview, 'status' | 'statusReason' | 'statusMessage'>): string | null {
  if (host.statusMessage !== null) return host.statusReason === null ? host.statusMessage : `${host.statusReason}: ${host.statusMessage}`;
  return host.status === 'unknown' ? NO_POLL_RESULT : host.statusReason;
}

/**
 * A removed child entry (a VM deleted in vCenter, lib/db/queries/remove-missing-children.ts) shows
 * only when removed entries are asked for: VMs come and go far more often than inventory hosts,
 * and a list of every VM ever seen would bury the live ones.
 */
export function filterHosts(hosts: readonly HostOverview[], filter: HostFilter): HostOverview[] {
  const text = filter.text.trim().toLowerCase();
  return hosts.filter((host) => {
    if (host.removed && host.parent !== undefined && filter.status !== 'removed') return false;
    if (filter.group !== '' && !host.groups.includes(filter.group)) return false;
    if (filter.status !== '' && displayStatus(host) !== filter.status) return false;
    if (text === '') return true;
    return host.name.toLowerCase().includes(text) || host.address.toLowerCase().includes(text) || host.groups.some((g) => g.toLowerCase().includes(text));
  });
}

/** Every group any host is in, sorted, for the group filter's options. */
export function groupsOf(hosts: readonly HostOverview[]): string[] {
  const groups = new Set<string>();
  for (const host of hosts) for (const group of host.groups) groups.add(group);
  return [...groups].sort((a, b) => a.localeCompare(b));
}

/**
 * `hosts` with each of `changed` in place of the host of the same name (a name not there yet is
 * added). The hosts that did not change stay the same objects.
 */
export function mergeHosts(hosts: readonly HostOverview[], changed: readonly HostOverview[]): HostOverview[] {
  const byName = new Map(changed.map((host) => [host.name, host]));
  const merged = hosts.map((host) => {
    const update = byName.get(host.name);
    if (update === undefined) return host;
    byName.delete(host.name);
    return update;
  });
  merged.push(...byName.values());
  return merged;
}

// Down first: what needs attention leads an ascending sort by status.
const STATUS_RANK: Record<StatusFilter, number> = { down: 0, unknown: 1, up: 2, removed: 3, '': 4 };

type SortValue = number | string | null;

function sortValue(host: HostOverview, key: SortKey, sparklines: ReadonlyMap<string, (number | null)[]>): SortValue {
  const latest = host.latest;
  switch (key) {
    case 'status':
      return STATUS_RANK[displayStatus(host)];
    case 'name':
      return host.name;
    case 'groups':
      return host.groups.length === 0 ? null : host.groups.join(', ');
    case 'cpu':
      return latest?.cpuBusyPct ?? null;
    case 'mem':
      return latest?.memUsedPct ?? null;
    case 'disk':
      return latest?.diskUsedPctMax ?? null;
    case 'net':
      return latest && (latest.netRxBytesPerSec !== null || latest.netTxBytesPerSec !== null)
        ? (latest.netRxBytesPerSec ?? 0) + (latest.netTxBytesPerSec ?? 0)
        : null;
    case 'trend':
      return sparklineMean(sparklines.get(host.name));
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * A sorted copy. Hosts without a figure go last in either direction (a dash is not "lowest");
 * ties keep name order, so rows do not jump around between refreshes. A child entry (a vCenter's
 * hypervisor or VM, a KVM host's guest) follows its parent, its siblings ordered by the same key, so
 * that it reads as under it in every order; a VM follows the hypervisor it runs on, when that is
 * shown, else its parent; one whose parent the filters hide takes its own place.
 */
export function sortHosts(hosts: readonly HostOverview[], sort: HostSort, sparklines: ReadonlyMap<string, (number | null)[]> = new Map()): HostOverview[] {
  const sorted = sortFlat(hosts, sort, sparklines);
  const shown = new Set(sorted.map((host) => host.name));
  const childrenOf = new Map<string, HostOverview[]>();
  const top: HostOverview[] = [];
  for (const host of sorted) {
    const parent = host.runsOn !== undefined && host.runsOn !== host.name && shown.has(host.runsOn) ? host.runsOn : host.parent;
    if (parent === undefined || !shown.has(parent)) {
      top.push(host);
      continue;
    }
    const siblings = childrenOf.get(parent);
    if (siblings === undefined) childrenOf.set(parent, [host]);
    else siblings.push(host);
  }
  const out: HostOverview[] = [];
  const place = (host: HostOverview): void => {
    out.push(host);
    for (const child of childrenOf.get(host.name) ?? []) place(child);
  };
  for (const host of top) place(host);
  // Only a parent chain that loops back (no such entries exist) leaves hosts unplaced: show them anyway.
  if (out.length < sorted.length) {
    const placed = new Set(out);
    out.push(...sorted.filter((host) => !placed.has(host)));
  }
  return out;
}

function sortFlat(hosts: readonly HostOverview[], sort: HostSort, sparklines: ReadonlyMap<string, (number | null)[]>): HostOverview[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const keyed = hosts.map((host) => ({ host, value: sortValue(host, sort.key, sparklines) }));
  keyed.sort((a, b) => {
    if (a.value === null || b.value === null) {
      if (a.value !== b.value) return a.value === null ? 1 : -1;
    } else if (a.value !== b.value) {
      const order = typeof a.value === 'string' || typeof b.value === 'string' ? collator.compare(String(a.value), String(b.value)) : a.value - b.value;
      if (order !== 0) return sign * order;
    }
    return collator.compare(a.host.name, b.host.name);
  });
  return keyed.map((k) => k.host);
}
