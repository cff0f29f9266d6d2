// The inventory as Vigil sees it: Ansible's groups and hosts, every host with its variables
// merged as Ansible merges them. readInventory() (read-inventory.ts) builds it.

export interface InventoryHost {
  name: string;
  /** Every group the host belongs to, directly or through children, without `all`, sorted. */
  groups: string[];
  /**
   * Variables merged as Ansible merges them, with Ansible's types. A few Python values are kept
   * in classes (python-values.ts: vault, unsafe, whole floats, timestamps) so they print as
   * Ansible prints them; plainVariables() gives plain JavaScript values.
   */
  vars: Record<string, unknown>;
}

export interface InventoryGroup {
  name: string;
  /** The hosts listed in the group itself, in Ansible's order (none for `all`). */
  hosts: string[];
  /** The child groups, in Ansible's order. */
  children: string[];
  /** The group's own variables and its group_vars files, as `ansible-inventory --graph --vars` shows them. */
  vars: Record<string, unknown>;
  /** The longest chain of children from `all` (all: 0). */
  depth: number;
  /** ansible_group_priority (default 1): among groups of one depth, the higher wins. */
  priority: number;
}

export interface Inventory {
  /** The file or directory this was read from (the first, if several). */
  source: string;
  /** Every source, made absolute. */
  sources: string[];
  /** Every group in Ansible's order, `all` and `ungrouped` first. */
  groups: InventoryGroup[];
  /** Every host in the order Ansible first saw it. */
  hosts: InventoryHost[];
  /** The sources read by running something (inventory scripts, plugin configurations through ansible-inventory): their hosts change without an edit. */
  dynamicSources: string[];
}

export class InventoryError extends Error {
  readonly file: string;
  readonly line: number | null;
  /** The message without the file and line. */
  readonly reason: string;
  constructor(file: string, line: number | null, message: string) {
    super(`${file}${line === null ? '' : `:${line}`}: ${message}`);
    this.name = 'InventoryError';
    this.file = file;
    this.line = line;
    this.reason = message;
  }
}
