// `vigil_checks`: the service checks of a host or group, as a list of mappings:
//   vigil_checks:
//     - { http: "https://shop.example/health", status: [200, 204], keyword: "ok", timeout: 5, tls_expiry_days: 21 }
//     - { tcp: "db.example:5432", timeout: 3 }
//     - { systemd: nginx, name: "Web server" }
//     - { file: /var/backups/last-ok, max_age: 26h, name: "Nightly backup" }
// `name`, on any check, is what the public status page calls it instead of its id. In group_vars YAML the list arrives as a list; in an INI file as text, read as YAML flow (which
// also takes JSON and Python's literal syntax, [{'tcp': 'db:5432'}]). Every problem is reported
// at once, each naming the host, the variable and the entry's index, as the inventory reader does.
import { parse } from 'yaml';
import { STATUS_NAME_MAX } from '../alerting/host-alerting-from-vars.ts';
import { redactUrl } from '../redact-url.ts';
import { secondsFromValue } from '../seconds-from-value.ts';
import { fileCheckId, httpCheckId, systemdCheckId, tcpCheckId } from './check-spec.ts';
import type { CheckSpec, FileCheckSpec, HttpCheckSpec, StatusRange, SystemdCheckSpec, TcpCheckSpec } from './check-spec.ts';
import { isScriptInputValue } from './script-input.ts';
import { normalizeUnitName, UNIT_NAME_MAX } from './systemd-unit-name.ts';

export const CHECKS_VARIABLE = 'vigil_checks';
export const MAX_CHECKS = 50;
export const MAX_KEYWORD_LENGTH = 1024;
export const DEFAULT_TIMEOUT_SEC = 10;
/** Also the cap: a connection slower than this to start is as good as down. */
export const DEFAULT_CONNECT_TIMEOUT_SEC = 5;
/** Longer would hold a worker's slot for most of a poll interval. */
export const MAX_TIMEOUT_SEC = 60;
export const DEFAULT_TLS_EXPIRY_DAYS = 14;

const HTTP_KEYS = ['http', 'name', 'status', 'keyword', 'timeout', 'connect_timeout', 'tls_expiry_days', 'tls_verify'];
const TCP_KEYS = ['tcp', 'name', 'timeout'];
const SYSTEMD_KEYS = ['systemd', 'name'];
const FILE_KEYS = ['file', 'name', 'max_age'];
const KINDS = ['http', 'tcp', 'systemd', 'file'];
/** Linux's PATH_MAX. */
const FILE_PATH_MAX = 4096;
/** A year: a mark older than that is no schedule's. */
const MAX_FILE_AGE_SEC = 366 * 86_400;

export interface CheckSpecError {
  host: string;
  variable: string;
  /** The entry at fault; null when the value as a whole is wrong. */
  index: number | null;
  problem: string;
  /** "host 'web1': vigil_checks[2]: timeout must be …" */
  message: string;
}

export type ParsedCheckSpecs = { ok: true; specs: CheckSpec[] } | { ok: false; errors: CheckSpecError[] };

/** `value` as plainVariables() gives it: undefined, null or '' is no checks. */
export function parseCheckSpecs(host: string, value: unknown): ParsedCheckSpecs {
  const errors: CheckSpecError[] = [];
  const fail = (index: number | null, problem: string): null => {
    const where = index === null ? CHECKS_VARIABLE : `${CHECKS_VARIABLE}[${index}]:`;
    errors.push({ host, variable: CHECKS_VARIABLE, index, problem, message: `host '${host}': ${where} ${problem}` });
    return null;
  };

  let list = value;
  if (typeof list === 'string') {
    if (list.trim() === '') return { ok: true, specs: [] };
    try {
      list = parse(list);
    } catch (error) {
      fail(null, `is not a list of checks: ${(error as Error).message.split('\n')[0] ?? ''}`);
      return { ok: false, errors };
    }
  }
  if (list === undefined || list === null) return { ok: true, specs: [] };
  // One check written on its own, without the list around it.
  if (isRecord(list)) list = [list];
  if (!Array.isArray(list)) {
    fail(null, `must be a list of checks like [{http: "https://host/health"}, {tcp: "host:5432"}, {systemd: nginx}], got ${redactUrl(show(value))}`);
    return { ok: false, errors };
  }
  if (list.length > MAX_CHECKS) {
    fail(null, `has ${list.length} checks, more than ${MAX_CHECKS}`);
    return { ok: false, errors };
  }

  const specs: CheckSpec[] = [];
  const firstIndexOfId = new Map<string, number>();
  (list as unknown[]).forEach((entry, index) => {
    const spec = readEntry(entry, (problem) => fail(index, problem));
    if (spec === null) return;
    const earlier = firstIndexOfId.get(spec.id);
    if (earlier !== undefined) {
      fail(index, `checks the same target as ${CHECKS_VARIABLE}[${earlier}] (${spec.id}); merge them`);
      return;
    }
    firstIndexOfId.set(spec.id, index);
    specs.push(spec);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, specs };
}

type Fail = (problem: string) => null;

function readEntry(entry: unknown, fail: Fail): CheckSpec | null {
  if (!isRecord(entry)) return fail(`must be a mapping like {http: URL}, {tcp: "host:port"} or {systemd: unit}, got ${show(entry)}`);
  const kinds = KINDS.filter((kind) => kind in entry);
  if (kinds.length !== 1) {
    return fail(kinds.length === 0 ? `names no check: give one of ${KINDS.join(', ')}` : `names several checks (${kinds.join(', ')}); give each its own entry`);
  }
  const kind = kinds[0] as string;
  const known = kind === 'http' ? HTTP_KEYS : kind === 'tcp' ? TCP_KEYS : kind === 'file' ? FILE_KEYS : SYSTEMD_KEYS;
  const unknown = Object.keys(entry).filter((key) => !known.includes(key));
  if (unknown.length > 0) return fail(`unknown setting ${unknown.map((key) => `'${key}'`).join(', ')} for a ${kind} check (known: ${known.join(', ')})`);
  const spec = kind === 'http' ? readHttp(entry, fail) : kind === 'tcp' ? readTcp(entry, fail) : kind === 'file' ? readFile(entry, fail) : readSystemd(entry, fail);
  if (spec === null || entry['name'] == null) return spec;
  // Not part of the id: renaming a check keeps its history and its alerts.
  const name = entry['name'];
  if (typeof name !== 'string' && typeof name !== 'number') return fail(`name must be text, got ${show(name)}`);
  const text = String(name).trim();
  if (text === '' || text.length > STATUS_NAME_MAX) return fail(`name must be 1 to ${STATUS_NAME_MAX} characters, got ${show(name)}`);
  return { ...spec, name: text };
}

function readHttp(entry: Record<string, unknown>, fail: Fail): HttpCheckSpec | null {
  const raw = entry['http'];
  if (typeof raw !== 'string' || raw.trim() === '') return fail(`http must be an http:// or https:// URL, got ${show(raw)}`);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return fail(`http must be an http:// or https:// URL, got ${show(redactUrl(raw.trim()))}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail(`http must be an http:// or https:// URL, got the scheme ${url.protocol}`);
  if (url.hostname === '') return fail(`http has no host: ${show(redactUrl(url.href))}`);

  const statuses = entry['status'] === undefined ? [{ from: 200, to: 299 }] : readStatuses(entry['status'], fail);
  if (statuses === null) return null;

  let keyword: string | null = null;
  if (entry['keyword'] != null) {
    const value = entry['keyword'];
    if (typeof value !== 'string' && typeof value !== 'number') return fail(`keyword must be text, got ${show(value)}`);
    keyword = String(value);
    if (keyword === '') return fail('keyword must not be empty');
    if (keyword.length > MAX_KEYWORD_LENGTH) return fail(`keyword is longer than ${MAX_KEYWORD_LENGTH} characters`);
  }

  const timeoutSec = readSeconds(entry['timeout'], DEFAULT_TIMEOUT_SEC, 'timeout', fail);
  if (timeoutSec === null) return null;
  const connectTimeoutSec = readSeconds(entry['connect_timeout'], Math.min(DEFAULT_CONNECT_TIMEOUT_SEC, timeoutSec), 'connect_timeout', fail);
  if (connectTimeoutSec === null) return null;
  if (connectTimeoutSec > timeoutSec) return fail(`connect_timeout (${connectTimeoutSec} s) must not exceed timeout (${timeoutSec} s)`);

  let tlsExpiryDays: number | null = url.protocol === 'https:' ? DEFAULT_TLS_EXPIRY_DAYS : null;
  const expiry = entry['tls_expiry_days'];
  if (expiry === false || expiry === 'false' || expiry === 0 || expiry === '0') tlsExpiryDays = null;
  else if (expiry != null) {
    const days = typeof expiry === 'string' && /^\s*\d+\s*$/.test(expiry) ? Number(expiry) : expiry;
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > 3650) {
      return fail(`tls_expiry_days must be a whole number of days from 1 to 3650, or false, got ${show(expiry)}`);
    }
    if (url.protocol !== 'https:') return fail('tls_expiry_days applies only to an https:// URL');
    tlsExpiryDays = days;
  }

  const tlsVerify = readBoolean(entry['tls_verify'], true, 'tls_verify', fail);
  if (tlsVerify === null) return null;

  return {
    kind: 'http',
    id: httpCheckId(url),
    url: url.href,
    statuses,
    keyword,
    timeoutMs: Math.round(timeoutSec * 1000),
    connectTimeoutMs: Math.round(connectTimeoutSec * 1000),
    tlsExpiryDays,
    tlsVerify,
  };
}

function readStatuses(value: unknown, fail: Fail): StatusRange[] | null {
  const items = Array.isArray(value) ? value : [value];
  if (items.length === 0) return fail('status must list at least one code');
  const ranges: StatusRange[] = [];
  for (const item of items) {
    const text = typeof item === 'number' ? String(item) : typeof item === 'string' ? item.trim().toLowerCase() : null;
    if (text !== null && /^[1-5]\d\d$/.test(text)) ranges.push({ from: Number(text), to: Number(text) });
    else if (text !== null && /^[1-5]xx$/.test(text)) ranges.push({ from: Number(text[0]) * 100, to: Number(text[0]) * 100 + 99 });
    else return fail(`status must be a code from 100 to 599, a class like 2xx, or a list of them, got ${show(item)}`);
  }
  return ranges;
}

function readTcp(entry: Record<string, unknown>, fail: Fail): TcpCheckSpec | null {
  const raw = entry['tcp'];
  const expected = `tcp must be "host:port" (an IPv6 address in brackets: "[::1]:22"), got ${show(raw)}`;
  if (typeof raw !== 'string') return fail(expected);
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/@]+)):(\d{1,5})$/.exec(raw.trim());
  if (!match) return fail(expected);
  const host = (match[1] ?? match[2]) as string;
  const port = Number(match[3]);
  if (port < 1 || port > 65535) return fail(`tcp port must be 1..65535, got ${port}`);
  const timeoutSec = readSeconds(entry['timeout'], DEFAULT_TIMEOUT_SEC, 'timeout', fail);
  if (timeoutSec === null) return null;
  return { kind: 'tcp', id: tcpCheckId(host, port), host, port, timeoutMs: Math.round(timeoutSec * 1000) };
}

function readSystemd(entry: Record<string, unknown>, fail: Fail): SystemdCheckSpec | null {
  const raw = entry['systemd'];
  if (typeof raw !== 'string' || raw.trim() === '') return fail(`systemd must name a unit, got ${show(raw)}`);
  const unit = normalizeUnitName(raw.trim());
  if (unit === null) {
    return fail(
      `systemd ${show(raw)} is not a unit name: systemd allows ASCII letters, digits, ":", "-", "_", ".", "\\" and one "@", ` +
        `${UNIT_NAME_MAX} characters at most`,
    );
  }
  return { kind: 'systemd', id: systemdCheckId(unit), unit };
}

function readFile(entry: Record<string, unknown>, fail: Fail): FileCheckSpec | null {
  const raw = entry['file'];
  if (typeof raw !== 'string' || !raw.trim().startsWith('/')) return fail(`file must be an absolute path, got ${show(raw)}`);
  const path = raw.trim();
  // It travels to the host as one line of data (script-input.ts), and stat echoes it back on one line.
  if (!isScriptInputValue(path) || path.length > FILE_PATH_MAX) return fail(`file ${show(path)} must be one line of printable characters, at most ${FILE_PATH_MAX} long`);
  let maxAgeSec: number | null = null;
  if (entry['max_age'] != null) {
    maxAgeSec = secondsFromValue(entry['max_age']);
    if (maxAgeSec === null || !Number.isFinite(maxAgeSec) || maxAgeSec < 1 || maxAgeSec > MAX_FILE_AGE_SEC) {
      return fail(`max_age must be a duration from 1s to 366d, such as 26h, got ${show(entry['max_age'])}`);
    }
  }
  return { kind: 'file', id: fileCheckId(path), path, maxAgeSec };
}

/** Seconds as a number, or a duration as alerts.yml writes them ("500ms", "5s", "1m"). */
function readSeconds(value: unknown, fallback: number, key: string, fail: Fail): number | null {
  if (value === undefined || value === null) return fallback;
  const seconds = secondsFromValue(value);
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0.001 || seconds > MAX_TIMEOUT_SEC) {
    return fail(`${key} must be a duration like 5 (seconds), 500ms or 30s, at most ${MAX_TIMEOUT_SEC} s, got ${show(value)}`);
  }
  return seconds;
}

function readBoolean(value: unknown, fallback: boolean, key: string, fail: Fail): boolean | null {
  if (value === undefined || value === null) return fallback;
  if (typeof value === 'boolean') return value;
  const word = typeof value === 'string' ? value.trim().toLowerCase() : null;
  if (word === 'true' || word === 'yes') return true;
  if (word === 'false' || word === 'no') return false;
  return fail(`${key} must be true or false, got ${show(value)}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
