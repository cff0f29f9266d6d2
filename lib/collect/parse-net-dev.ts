import type { InterfaceCounters } from './sample.ts';
import { countFields, isSpace } from './split-fields.ts';

/**
 * /proc/net/dev: two header lines, then "  name: 8 receive fields 8 transmit fields".
 * The name ends at the first colon (Linux forbids ':' in interface names), and old kernels print
 * no space after it ("eth0:123"). Malformed lines are skipped; no interface at all is null.
 */
export function parseNetDev(text: string): InterfaceCounters[] | null {
  return parseNetDevIn(text, 0, text.length);
}

/** parseNetDev of text.slice(start, end), without the copy. */
export function parseNetDevIn(text: string, start: number, end: number): InterfaceCounters[] | null {
  const interfaces: InterfaceCounters[] = [];
  for (let lineStart = start; lineStart <= end;) {
    const newline = text.indexOf('\n', lineStart);
    const lineEnd = newline < 0 || newline > end ? end : newline;
    const iface = readLine(text, lineStart, lineEnd);
    if (iface !== null) interfaces.push(iface);
    lineStart = lineEnd + 1;
  }
  return interfaces.length > 0 ? interfaces : null;
}

/** 8 receive and 8 transmit counters. */
const FIELDS = 16;
/** The counts and field bounds of the line being read (countFields); only read before the next line's. */
const counters: number[] = [];
const bounds: number[] = [];

/** One interface, or null for a header or malformed line; numbers are read in place. */
function readLine(text: string, start: number, end: number): InterfaceCounters | null {
  const colon = text.indexOf(':', start);
  if (colon < 0 || colon >= end) return null;
  // The name is text[start, colon) trimmed, and holds no whitespace or "|" (the header lines do).
  let nameStart = start;
  while (nameStart < colon && isSpace(text.charCodeAt(nameStart))) nameStart++;
  let nameEnd = colon;
  while (nameEnd > nameStart && isSpace(text.charCodeAt(nameEnd - 1))) nameEnd--;
  if (nameEnd === nameStart) return null;
  for (let i = nameStart; i < nameEnd; i++) {
    const code = text.charCodeAt(i);
    if (code === 124 /* | */ || isSpace(code)) return null;
  }
  if (countFields(text, colon + 1, end, counters, bounds, FIELDS) < FIELDS) return null;
  for (let field = 0; field < FIELDS; field++) if ((counters[field] ?? -1) < 0) return null;
  return {
    name: text.slice(nameStart, nameEnd),
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
