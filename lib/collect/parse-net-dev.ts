import type { InterfaceCounters } from './sample.ts';
import { countsInFields, fieldBounds, forEachLine } from './split-fields.ts';

/**
 * /proc/net/dev: two header lines, then "  name: 8 receive fields 8 transmit fields".
 * The name ends at the first colon (Linux forbids ':' in interface names), and old kernels print
 * no space after it ("eth0:123"). Malformed lines are skipped; no interface at all is null.
 */
export function parseNetDev(text: string): InterfaceCounters[] | null {
  const interfaces: InterfaceCounters[] = [];
  forEachLine(text, (start, end) => {
    const iface = readLine(text, start, end);
    if (iface !== null) interfaces.push(iface);
  });
  return interfaces.length > 0 ? interfaces : null;
}

/** 8 receive and 8 transmit counters. */
const FIELDS = 16;
/** The field bounds and counters of the line being read; only read before the next line's. */
const bounds: number[] = [];
const counters: number[] = [];

/** One interface, or null for a header or malformed line; numbers are read in place. */
function readLine(text: string, start: number, end: number): InterfaceCounters | null {
  const colon = text.indexOf(':', start);
  if (colon < 0 || colon >= end) return null;
  const name = text.slice(start, colon).trim();
  if (name === '' || /[\s|]/.test(name)) return null;
  if (fieldBounds(text, colon + 1, end, bounds, FIELDS) < FIELDS || !countsInFields(text, bounds, 0, FIELDS, counters)) return null;
  return {
    name,
    rxBytes: counters[0] ?? 0,
    rxPackets: counters[1] ?? 0,
    rxErrors: counters[2] ?? 0,
    rxDrops: counters[3] ?? 0,
    txBytes: counters[8] ?? 0,
    txPackets: counters[9] ?? 0,
    txErrors: counters[10] ?? 0,
    txDrops: counters[11] ?? 0,
  };
}
