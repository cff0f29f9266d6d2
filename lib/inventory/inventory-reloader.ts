// What a reload changed, and how a failed one is reported: pure helpers for the scheduler's
// reload records. A report names file, line and what is wrong, never a secret's value.
import type { HostTarget } from '../poll/host-target.ts';
import { InventoryError } from './inventory.ts';

export interface HostTargetChanges {
  added: string[];
  removed: string[];
  /** In both sets with any difference that reaches a poll job (address, port, user, key, interval, groups…). */
  changed: string[];
}

export function diffHostTargets(previous: readonly HostTarget[], next: readonly HostTarget[]): HostTargetChanges {
  const before = new Map(previous.map((target) => [target.name, target]));
  const after = new Map(next.map((target) => [target.name, target]));
  const changes: HostTargetChanges = { added: [], removed: [], changed: [] };
  for (const [name, target] of after) {
    const old = before.get(name);
    if (!old) changes.added.push(name);
    else if (stableJson(old) !== stableJson(target)) changes.changed.push(name);
  }
  for (const name of before.keys()) if (!after.has(name)) changes.removed.push(name);
  for (const list of [changes.added, changes.removed, changes.changed]) list.sort();
  return changes;
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export interface ReloadFailure {
  /** What is wrong, without the "file:line: " prefix the file and line are given apart. */
  message: string;
  file: string | null;
  line: number | null;
}

// Variables whose values are secrets in Ansible: a parse error that quotes an inventory line
// (an unclosed quote, say) must not carry one into a log, the database or the dashboard.
const SECRET_ASSIGNMENT =
  /\b((?:ansible_(?:ssh_|become_|sudo_|su_)?pass(?:word)?|ansible_ssh_private_key_passphrase|[\w-]*(?:password|passwd|secret|token|passphrase)[\w-]*)\s*[=:]\s*)("[^"]*"?|'[^']*'?|[^\s'",]+)/gi;
const VAULT_PAYLOAD = /\$ANSIBLE_VAULT;\S*(?:\s+[0-9a-fA-F]+(?!\w))*/g;

/** Replaces the values of secret-looking assignments and any vault payload in a message. */
export function redactSecrets(message: string): string {
  return message.replace(SECRET_ASSIGNMENT, '$1<redacted>').replace(VAULT_PAYLOAD, '<vault data>');
}

export function describeReloadFailure(error: unknown, fallbackFile: string): ReloadFailure {
  if (error instanceof InventoryError) {
    const prefix = `${error.file}${error.line === null ? '' : `:${error.line}`}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    return { message: redactSecrets(message), file: error.file, line: error.line };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: redactSecrets(message), file: fallbackFile, line: null };
}

/** The failure as an InventoryError again, redacted, for the scheduler's own log line. */
export function toRedactedInventoryError(failure: ReloadFailure, fallbackFile: string): InventoryError {
  return new InventoryError(failure.file ?? fallbackFile, failure.line, failure.message);
}
