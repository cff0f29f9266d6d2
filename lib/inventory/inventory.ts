// The inventory as Vigil sees it: hosts with their groups and merged variables.
// The reader behind this interface will grow into full Ansible semantics (issue 3).

export interface InventoryHost {
  name: string;
  /** Every group the host belongs to, directly or through :children, without `all`. */
  groups: string[];
  /** Variables merged as Ansible merges them (all < parent group < child group < host). */
  vars: Record<string, unknown>;
}

export interface Inventory {
  /** The file or directory this was read from. */
  source: string;
  hosts: InventoryHost[];
}

export interface InventoryReader {
  /** Reads and merges the inventory; throws InventoryError naming file and line on bad input. */
  read(path: string): Promise<Inventory>;
}

export class InventoryError extends Error {
  readonly file: string;
  readonly line: number | null;
  constructor(file: string, line: number | null, message: string) {
    super(`${file}${line === null ? '' : `:${line}`}: ${message}`);
    this.name = 'InventoryError';
    this.file = file;
    this.line = line;
  }
}
