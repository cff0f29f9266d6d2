// What the dashboard's inventory page shows, taken from an inventory the scheduler read: the
// group tree with each group's own variables, and every host's variables merged as Ansible
// merges them, all with secrets masked. The hash tells a reload that changed something from
// one that did not, so that only changes are stored.
import { createHash } from 'node:crypto';
import type { Inventory } from './inventory.ts';
import { maskVariables } from './mask-variables.ts';

export interface InventorySnapshotGroup {
  name: string;
  /** Child groups, in Ansible's order. */
  children: string[];
  /** The hosts listed in the group itself (none for `all`). */
  hosts: string[];
  /** The group's own variables and group_vars files, masked. */
  vars: Record<string, unknown>;
}

export interface InventorySnapshotHost {
  name: string;
  /** Every group the host is in, directly or through children, without `all`. */
  groups: string[];
  /** Merged variables, masked. */
  vars: Record<string, unknown>;
}

export interface InventorySnapshot {
  /** The inventory file or directory. */
  source: string;
  /** sha256 (hex) of source, groups and hosts. */
  hash: string;
  /** In Ansible's order, `all` first. */
  groups: InventorySnapshotGroup[];
  /** In the order Ansible first saw them. */
  hosts: InventorySnapshotHost[];
}

export function buildInventorySnapshot(inventory: Inventory): InventorySnapshot {
  const groups = inventory.groups.map((group) => ({
    name: group.name,
    children: [...group.children],
    hosts: [...group.hosts],
    vars: maskVariables(group.vars),
  }));
  const hosts = inventory.hosts.map((host) => ({ name: host.name, groups: [...host.groups], vars: maskVariables(host.vars) }));
  const hash = createHash('sha256').update(JSON.stringify([inventory.source, groups, hosts])).digest('hex');
  return { source: inventory.source, hash, groups, hosts };
}
