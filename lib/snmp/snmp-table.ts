// Walked varbinds of one conceptual table, regrouped into rows: a walk returns them column by
// column, the profiles read them row by row.
import type { SnmpVarbind } from './snmp-varbind.ts';

/** One row: column number → varbind. */
export type SnmpRow = Map<number, SnmpVarbind>;

/**
 * Rows of the table whose entry OID is `entry`, keyed by their index (the OID part after the
 * column, e.g. "1.2"), in OID order. Varbinds outside the entry are ignored.
 */
export function tableRows(entry: string, varbinds: Iterable<SnmpVarbind>): Map<string, SnmpRow> {
  const prefix = entry + '.';
  const rows = new Map<string, SnmpRow>();
  for (const varbind of varbinds) {
    const oid = varbind.oid.startsWith('.') ? varbind.oid.slice(1) : varbind.oid;
    if (!oid.startsWith(prefix)) continue;
    const rest = oid.slice(prefix.length);
    const dot = rest.indexOf('.');
    if (dot <= 0 || dot === rest.length - 1) continue;
    const column = Number(rest.slice(0, dot));
    if (!Number.isSafeInteger(column)) continue;
    const index = rest.slice(dot + 1);
    let row = rows.get(index);
    if (row === undefined) {
      row = new Map();
      rows.set(index, row);
    }
    row.set(column, varbind);
  }
  return new Map([...rows].sort(([a], [b]) => compareOids(a, b)));
}

/** Orders dotted OIDs (or OID parts) arc by arc, as agents order them. */
export function compareOids(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = Number(left[i]) - Number(right[i]);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

