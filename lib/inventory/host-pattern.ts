// Ansible's host patterns in inventories: `name[:port]`, `[ipv6]:port`, and ranges such as
// web[01:20], db-[a:f] and node[1:10:2], expanded as parse_address() and
// expand_hostname_range() do, quirks included (a name that is no valid address keeps its
// ":port" as part of the name; a numeric range that runs backwards gives no hosts at all).
import { pythonInt } from './python-values.ts';

export class HostPatternError extends Error {}

const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALPHANUMERIC_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const IPV6_PART = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const IPV4_PART = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
// Python's \w is Unicode-aware: letters and digits of every script, and _.
const WORD = String.raw`[\p{L}\p{N}_]`;
const LABEL = `(?:${WORD}|${ALPHANUMERIC_RANGE})(?:${WORD}|-|${ALPHANUMERIC_RANGE})*(?<![_-])`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/u;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/u;
const IPV4 = new RegExp(`^(?:${IPV4_PART}\\.){3}${IPV4_PART}$`, 'iu');
// As in Ansible, ^ binds only the first alternative and $ only the last (re.match anchors the
// start): most forms accept anything after a valid IPv6 prefix, such as fe80::1%eth0.
const IPV6 = new RegExp(
  [
    `^(?:${IPV6_PART}:){7}${IPV6_PART}`,
    `^(?:${IPV6_PART}:){1,6}:`,
    `^(?:${IPV6_PART}:)(?::${IPV6_PART}){1,6}`,
    `^(?:${IPV6_PART}:){2}(?::${IPV6_PART}){1,5}`,
    `^(?:${IPV6_PART}:){3}(?::${IPV6_PART}){1,4}`,
    `^(?:${IPV6_PART}:){4}(?::${IPV6_PART}){1,3}`,
    `^(?:${IPV6_PART}:){5}(?::${IPV6_PART}){1,2}`,
    `^(?:${IPV6_PART}:){6}(?::${IPV6_PART})`,
    `^:(?::${IPV6_PART}){1,6}`,
    `^${IPV6_PART}?::`,
    `^(?:0:){6}(?:${IPV6_PART}\\.){3}${IPV6_PART}`,
    `^::(?:ffff:)?(?:${IPV6_PART}\\.){3}${IPV6_PART}`,
    `^(?:0:){5}ffff:(?:${IPV6_PART}\\.){3}${IPV6_PART}$`,
  ].join('|'),
  'iu',
);
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'iu');

/** Ansible's parse_address(address, allow_ranges=True): the host and port, or null if no valid address. */
export function parseAddress(address: string): { host: string; port: number | bigint | null } | null {
  let rest = address;
  let port: number | bigint | null = null;
  // Both forms are tried in turn, as in Ansible: [a:1]:2 ends as host a, port 1.
  for (const pattern of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const match = pattern.exec(rest);
    if (match) {
      rest = match[1] as string;
      port = pythonInt(BigInt(match[2] as string));
    }
  }
  if (IPV4.test(rest) || IPV6.test(rest) || HOSTNAME.test(rest)) return { host: rest, port };
  return null;
}

/** The host names and port of one inventory host pattern, as the inventory plugins read it. */
export function expandHostPattern(pattern: string): { names: string[]; port: number | bigint | null } {
  const address = parseAddress(pattern);
  const host = address ? address.host : pattern;
  const port = address ? address.port : null;
  return { names: host.includes('[') ? expandHostnameRange(host) : [host], port };
}

const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Ansible's expand_hostname_range(): the first [begin:end(:step)] expanded, then the rest in turn. */
export function expandHostnameRange(line: string): string[] {
  const parts = line.replace('[', '|').replace(']', '|').split('|');
  if (parts.length !== 3) throw new HostPatternError(`cannot expand host range in '${line}': expected one [begin:end] before any further ranges`);
  const [head, range, tail] = parts as [string, string, string];
  const bounds = range.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new HostPatternError('host range must be begin:end or begin:end:step');
  const begin = bounds[0] === '' ? '0' : (bounds[0] as string);
  const end = bounds[1] as string;
  const stepText = bounds[2];
  if (end === '') throw new HostPatternError('host range must specify end value');
  let width = 0;
  if (begin[0] === '0' && begin.length > 1) {
    if (begin.length !== end.length) throw new HostPatternError('host range must specify equal-length begin and end formats');
    width = begin.length;
  }

  let sequence: string[] | null = null;
  const beginLetter = ASCII_LETTERS.indexOf(begin);
  const endLetter = ASCII_LETTERS.indexOf(end);
  if (beginLetter >= 0 && endLetter >= 0) {
    if (beginLetter > endLetter) throw new HostPatternError('host range must have begin <= end');
    const step = stepText === undefined ? 1 : pythonIntText(stepText);
    if (step !== null && step !== 0n) sequence = pythonSlice(ASCII_LETTERS.slice(0, endLetter + 1), beginLetter, Number(step));
  }
  if (sequence === null) {
    const first = pythonIntText(begin);
    const last = pythonIntText(end);
    const step = stepText === undefined ? 1n : pythonIntText(stepText);
    if (first === null || last === null || step === null) throw new HostPatternError(`invalid literal for int() in host range [${range}]`);
    if (step === 0n) throw new HostPatternError('range() arg 3 must not be zero');
    sequence = [];
    const stop = last + 1n;
    for (let i = first; step > 0n ? i < stop : i > stop; i += step) {
      sequence.push(width > 0 ? zfill(i.toString(), width) : i.toString());
      if (sequence.length > 10_000_000) throw new HostPatternError(`host range [${range}] is too large`);
    }
  }

  const names: string[] = [];
  for (const item of sequence) {
    const name = head + item + tail;
    if (name.includes('[')) names.push(...expandHostnameRange(name));
    else names.push(name);
  }
  return names;
}

/** letters[start::step] over the letters up to the end of the range, as Python slices. */
function pythonSlice(letters: string, start: number, step: number): string[] {
  const out: string[] = [];
  if (step > 0) for (let i = start; i < letters.length; i += step) out.push(letters[i] as string);
  // A negative step from start walks backwards and stops before the slice end: nothing.
  return out;
}

/** Python's int() of a string: surrounding whitespace, a sign and _ between digits allowed. */
function pythonIntText(text: string): bigint | null {
  const match = /^\s*([+-]?)(\d+(?:_\d+)*)\s*$/.exec(text);
  if (!match) return null;
  const value = BigInt((match[2] as string).replace(/_/g, ''));
  return match[1] === '-' ? -value : value;
}

function zfill(text: string, width: number): string {
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  const padded = digits.padStart(width - (negative ? 1 : 0), '0');
  return negative ? `-${padded}` : padded;
}
