// `systemctl show -p Id,LoadState,ActiveState,SubState UNIT...`: per unit, a block of Key=Value
// lines, the blocks separated by one empty line (systemctl's show_one prints a newline before every
// block but the first). Lines that are not Key=Value (an error systemctl printed) are left out.

export interface UnitState {
  /** Id as systemd reports it: an alias asked for shows its target unit's name. */
  id: string | null;
  loadState: string | null;
  activeState: string | null;
  subState: string | null;
}

const PROPERTY = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/;

export function parseSystemctlShow(text: string): UnitState[] {
  const units: UnitState[] = [];
  let current: Record<string, string> | null = null;
  const flush = (): void => {
    if (current !== null) {
      units.push({
        id: current['Id'] ?? null,
        loadState: current['LoadState'] ?? null,
        activeState: current['ActiveState'] ?? null,
        subState: current['SubState'] ?? null,
      });
    }
    current = null;
  };
  for (const line of text.split('\n')) {
    const trimmed = line.replace(/\r$/, '');
    if (trimmed === '') {
      flush();
      continue;
    }
    const match = PROPERTY.exec(trimmed);
    if (!match) continue;
    current ??= {};
    current[match[1] as string] = match[2] as string;
  }
  flush();
  return units;
}
