// What one service check asks for, as read from a host's `vigil_checks` (parse-check-specs.ts).
// Every spec carries its id: the check's identity in results, alerts and the dashboard, made only
// from what the check targets, so tuning a timeout or a keyword keeps its history and its alerts.

export type CheckKind = 'http' | 'tcp' | 'systemd' | 'file';

export interface HttpCheckSpec {
  kind: 'http';
  id: string;
  /** What the status page calls the check instead of its id (`name:` in vigil_checks). */
  name?: string;
  /** The URL requested, as written (it may carry basic-auth credentials; the id never does). */
  url: string;
  /** Status codes that count as up; the default is 200-299 (redirects are not followed). */
  statuses: StatusRange[];
  /** Text that must appear in the first `bodyCapBytes` of the body; null: no body check. */
  keyword: string | null;
  /** Whole answer, from the start of the connection to the end of the body. */
  timeoutMs: number;
  /** Name resolution and TCP connection only. */
  connectTimeoutMs: number;
  /** https: a certificate expiring within this many days marks the result certExpiring; null: never. */
  tlsExpiryDays: number | null;
  /** false: accept any certificate (self-signed, wrong name), still reporting its expiry. */
  tlsVerify: boolean;
}

export interface TcpCheckSpec {
  kind: 'tcp';
  id: string;
  /** What the status page calls the check instead of its id (`name:` in vigil_checks). */
  name?: string;
  host: string;
  port: number;
  timeoutMs: number;
}

export interface SystemdCheckSpec {
  kind: 'systemd';
  id: string;
  /** What the status page calls the check instead of its id (`name:` in vigil_checks). */
  name?: string;
  /** The full unit name, with its type suffix (".service" added where the inventory left it out). */
  unit: string;
}

/** A file on the host that must exist and, with maxAgeSec, have been modified lately: a cron job's or a backup's mark of success. */
export interface FileCheckSpec {
  kind: 'file';
  id: string;
  /** What the status page calls the check instead of its id (`name:` in vigil_checks). */
  name?: string;
  /** Absolute. */
  path: string;
  /** How old (by its modification time, on the host's clock) it may get; null: it need only exist. */
  maxAgeSec: number | null;
}

/** Inclusive: one code is a range of one; "2xx" is 200-299. */
export interface StatusRange {
  from: number;
  to: number;
}

export function statusAccepted(statuses: readonly StatusRange[], code: number): boolean {
  return statuses.some((range) => code >= range.from && code <= range.to);
}

export type CheckSpec = HttpCheckSpec | TcpCheckSpec | SystemdCheckSpec | FileCheckSpec;

/** `http:https://example.org/health`, with any password in the URL masked. */
export function httpCheckId(url: URL): string {
  const shown = new URL(url.href);
  if (shown.password !== '') shown.password = '***';
  return `http:${shown.href}`;
}

/** `tcp:db.example:5432`, `tcp:[2001:db8::1]:22`. */
export function tcpCheckId(host: string, port: number): string {
  return `tcp:${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function systemdCheckId(unit: string): string {
  return `systemd:${unit}`;
}

/** `file:/var/backups/last-ok`. */
export function fileCheckId(path: string): string {
  return `file:${path}`;
}
