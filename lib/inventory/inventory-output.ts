// What `ansible-inventory --list`, `--host NAME` and `--graph [GROUP] [--vars]` print, from an
// Inventory: the same structure, the same JSON text (4-space indent, sorted keys) and the
// same graph lines.
import type { Inventory, InventoryGroup } from './inventory.ts';
import { toPythonJson } from './python-json.ts';
import { pythonStr } from './python-repr.ts';
import { comparePythonStrings } from './python-values.ts';

/** The `--list` document: every group with its hosts and children, and `_meta.hostvars`. */
export function inventoryListDocument(inventory: Inventory): Record<string, unknown> {
  const groups = new Map(inventory.groups.map((group) => [group.name, group]));
  const result: Record<string, unknown> = {};
  const seen = new Set<string>();
  const formatGroup = (group: InventoryGroup): void => {
    const entry: Record<string, unknown> = {};
    if (group.name !== 'all' && group.hosts.length > 0) entry['hosts'] = [...group.hosts];
    if (group.children.length > 0) entry['children'] = [...group.children];
    if (Object.keys(entry).length > 0) result[group.name] = entry;
    for (const child of group.children) {
      if (seen.has(child)) continue;
      const childGroup = groups.get(child);
      if (childGroup) formatGroup(childGroup);
      seen.add(child);
    }
  };
  const all = groups.get('all');
  if (all) formatGroup(all);
  const hostvars: Record<string, unknown> = {};
  for (const host of inventory.hosts) if (Object.keys(host.vars).length > 0) hostvars[host.name] = host.vars;
  result['_meta'] = { hostvars };
  return result;
}

export function formatInventoryList(inventory: Inventory): string {
  return toPythonJson(inventoryListDocument(inventory));
}

export class InventoryQueryError extends Error {}

/** `--host NAME`: the host's merged variables. NAME may also be a group with a single host, as in Ansible. */
export function formatHostVars(inventory: Inventory, name: string): string {
  const host = inventory.hosts.find((candidate) => candidate.name === name) ?? singleHostOfGroup(inventory, name);
  if (!host) throw new InventoryQueryError('You must pass a single valid host to --host parameter');
  return toPythonJson(host.vars);
}

function singleHostOfGroup(inventory: Inventory, name: string): Inventory['hosts'][number] | undefined {
  if (!inventory.groups.some((group) => group.name === name)) return undefined;
  const members = inventory.hosts.filter((host) => name === 'all' || host.groups.includes(name));
  return members.length === 1 ? members[0] : undefined;
}

/** `--graph [GROUP] [--vars]`: the group tree from GROUP (default all), as Ansible draws it. */
export function formatInventoryGraph(inventory: Inventory, groupName = 'all', withVars = false): string {
  const groups = new Map(inventory.groups.map((group) => [group.name, group]));
  const hosts = new Map(inventory.hosts.map((host) => [host.name, host]));
  const start = groups.get(groupName);
  if (!start) throw new InventoryQueryError('Pattern must be valid group name when using --graph');
  const lines: string[] = [];
  const line = (text: string, depth: number): void => {
    lines.push(depth > 0 ? `${'  |'.repeat(depth)}--${text}` : text);
  };
  const showVars = (vars: Record<string, unknown>, depth: number): void => {
    for (const key of Object.keys(vars).sort(comparePythonStrings)) line(`{${key} = ${pythonStr(vars[key])}}`, depth);
  };
  const graphGroup = (group: InventoryGroup, depth: number): void => {
    line(`@${group.name}:`, depth);
    for (const child of group.children) {
      const childGroup = groups.get(child);
      if (childGroup) graphGroup(childGroup, depth + 1);
    }
    if (group.name !== 'all') {
      for (const hostName of group.hosts) {
        line(hostName, depth + 1);
        if (withVars) showVars(hosts.get(hostName)?.vars ?? {}, depth + 2);
      }
    }
    if (withVars) showVars(group.vars, depth + 1);
  };
  graphGroup(start, 0);
  return lines.join('\n');
}
