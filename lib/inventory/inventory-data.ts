// Ansible's InventoryData, Group and Host, as the inventory plugins build them: the same
// operations with the same side effects and quirks (a variable for a name that is both a
// group and a host goes to the group; a host's port is set only when it is first seen;
// ansible_group_priority is no variable but the group's priority; reconcile() puts groupless
// groups under `all` and groupless hosts in `ungrouped`), so that what the readers build is
// what Ansible builds.
import { comparePythonStrings, IntegralFloat, setVariable, UnsafeText } from './python-values.ts';

/** Something Ansible's inventory itself refuses (the plugins add the file and line). */
export class InventoryDataError extends Error {}

export class GroupData {
  readonly name: string;
  depth = 0;
  readonly hosts: HostData[] = [];
  readonly hostNames = new Set<string>();
  readonly childGroups: GroupData[] = [];
  readonly parentGroups: GroupData[] = [];
  vars: Record<string, unknown> = {};
  priority = 1;

  constructor(name: string) {
    this.name = name;
  }

  ancestors(): Set<GroupData> {
    const seen = new Set<GroupData>();
    const pending = [...this.parentGroups];
    for (let group = pending.pop(); group !== undefined; group = pending.pop()) {
      if (seen.has(group)) continue;
      seen.add(group);
      pending.push(...group.parentGroups);
    }
    return seen;
  }

  /** Every group below this one, nearest first. */
  descendants(): GroupData[] {
    const seen = new Set<GroupData>();
    const ordered: GroupData[] = [];
    let level = [...this.childGroups];
    while (level.length > 0) {
      const next: GroupData[] = [];
      for (const group of level) {
        if (seen.has(group)) continue;
        seen.add(group);
        ordered.push(group);
        next.push(...group.childGroups);
      }
      level = next;
    }
    return ordered;
  }

  addChildGroup(child: GroupData): void {
    if (child === this) throw new InventoryDataError(`can't add group '${this.name}' to itself`);
    if (this.childGroups.includes(child)) return;
    if (this.ancestors().has(child) ) {
      throw new InventoryDataError(`Adding group '${child.name}' as child to '${this.name}' creates a recursive dependency loop.`);
    }
    this.childGroups.push(child);
    child.depth = Math.max(this.depth + 1, child.depth);
    child.checkChildrenDepth();
    if (!child.parentGroups.some((parent) => parent.name === this.name)) child.parentGroups.push(this);
  }

  private checkChildrenDepth(): void {
    let depth = this.depth;
    let level = new Set(this.childGroups);
    while (level.size > 0) {
      depth++;
      const next = new Set<GroupData>();
      for (const group of level) {
        if (group.depth < depth) {
          group.depth = depth;
          for (const child of group.childGroups) next.add(child);
        }
      }
      level = next;
    }
  }

  addHost(host: HostData): void {
    if (this.hostNames.has(host.name)) return;
    this.hosts.push(host);
    this.hostNames.add(host.name);
    host.directGroups.add(this);
  }

  removeHost(host: HostData): void {
    if (!this.hostNames.has(host.name)) return;
    this.hosts.splice(this.hosts.indexOf(host), 1);
    this.hostNames.delete(host.name);
    host.directGroups.delete(this);
  }

  setVariable(key: string, value: unknown): void {
    if (key === 'ansible_group_priority') this.priority = pythonIntOf(value);
    else setVariable(this.vars, key, value);
  }
}

export class HostData {
  readonly name: string;
  vars: Record<string, unknown> = {};
  /** The groups that list this host themselves; its groups are these and their ancestors. */
  readonly directGroups = new Set<GroupData>();

  constructor(name: string, port: number | bigint | null) {
    this.name = name;
    // Ansible's `if port:` — port 0 sets nothing.
    if (port !== null && port !== 0 && port !== 0n) this.vars['ansible_port'] = port;
  }

  /** Every group of the host, through :children, `all` included. */
  groups(): Set<GroupData> {
    const groups = new Set<GroupData>();
    for (const group of this.directGroups) {
      groups.add(group);
      for (const ancestor of group.ancestors()) groups.add(ancestor);
    }
    return groups;
  }

  setVariable(key: string, value: unknown): void {
    setVariable(this.vars, key, value);
  }
}

export class InventoryData {
  readonly groups = new Map<string, GroupData>();
  readonly hosts = new Map<string, HostData>();

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  group(name: string): GroupData {
    const group = this.groups.get(name);
    if (!group) throw new InventoryDataError(`Could not find group ${name} in inventory`);
    return group;
  }

  addGroup(name: unknown): string {
    if (typeof name === 'string' && name !== '') {
      if (!this.groups.has(name)) this.groups.set(name, new GroupData(name));
      return name;
    }
    if (name === '' || name === null || name === undefined || name === false || name === 0) {
      throw new InventoryDataError(`Invalid empty/false group name provided: ${String(name)}`);
    }
    throw new InventoryDataError(`Invalid group name supplied, expected a string but got ${describeType(name)} for ${String(name)}`);
  }

  addHost(name: unknown, group: string | null, port: number | bigint | null): string {
    if (typeof name !== 'string') throw new InventoryDataError(`Invalid host name supplied, expected a string but got ${describeType(name)} for ${String(name)}`);
    if (name === '') throw new InventoryDataError('Invalid empty host name provided: ');
    const target = group === null ? null : this.group(group);
    let host = this.hosts.get(name);
    if (!host) {
      host = new HostData(name, port);
      this.hosts.set(name, host);
    }
    target?.addHost(host);
    return name;
  }

  /** Sets a variable on the group of that name, else on the host of that name, as Ansible does. */
  setVariable(entity: string, key: string, value: unknown): void {
    const group = this.groups.get(entity);
    if (group) return group.setVariable(key, value);
    const host = this.hosts.get(entity);
    if (host) return host.setVariable(key, value);
    throw new InventoryDataError(`Could not identify group or host named ${entity}`);
  }

  /** Adds the group, or else the host, of that name to the group. */
  addChild(group: string, child: string): void {
    const parent = this.groups.get(group);
    if (!parent) throw new InventoryDataError(`${group} is not a known group`);
    const childGroup = this.groups.get(child);
    if (childGroup) return parent.addChildGroup(childGroup);
    const host = this.hosts.get(child);
    if (host) return parent.addHost(host);
    throw new InventoryDataError(`${child} is not a known host nor group`);
  }

  /** Ansible's reconcile_inventory(), run once after every source is read. */
  reconcile(): void {
    const all = this.group('all');
    const ungrouped = this.group('ungrouped');
    for (const group of this.groups.values()) {
      if (group !== all && group.parentGroups.length === 0) this.addChild('all', group.name);
    }
    for (const host of this.hosts.values()) {
      const groups = host.groups();
      if (groups.has(ungrouped)) {
        if ([...groups].some((group) => group !== all && group !== ungrouped)) ungrouped.removeHost(host);
      } else if (groups.size === 0 || (groups.size === 1 && groups.has(all))) {
        this.addChild('ungrouped', host.name);
      }
    }
  }
}

/** Ansible's sort_groups: by depth, then priority, then name. */
export function sortGroups(groups: Iterable<GroupData>): GroupData[] {
  return [...groups].sort((a, b) => a.depth - b.depth || a.priority - b.priority || comparePythonStrings(a.name, b.name));
}

/** Python's int() of a priority value; what int() refuses is an error, as in Ansible. */
function pythonIntOf(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InventoryDataError(`cannot convert float ${value} to integer for ansible_group_priority`);
    return Math.trunc(value);
  }
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof IntegralFloat) return value.value;
  const text = typeof value === 'string' ? value : value instanceof UnsafeText ? value.text : null;
  if (text !== null) {
    const match = /^[\s]*([+-]?[0-9](?:_?[0-9])*)[\s]*$/.exec(text);
    if (match) return Number((match[1] as string).replace(/_/g, ''));
    throw new InventoryDataError(`invalid literal for int() with base 10: '${text}' (ansible_group_priority)`);
  }
  throw new InventoryDataError(`int() argument must be a string or a number, not '${describeType(value)}' (ansible_group_priority)`);
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number' || typeof value === 'bigint') return Number.isInteger(Number(value)) ? 'int' : 'float';
  if (value instanceof IntegralFloat) return 'float';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'string' ? 'str' : 'dict';
}
