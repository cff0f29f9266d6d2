// Configuration comes from VIGIL_* environment variables only, validated at start:
// one error lists every problem, so an operator fixes them in one go.
import { statSync } from 'node:fs';
import path from 'node:path';
import { readPackOptions, type PackOptions } from './bus/amqp-pack.ts';
import { readAnsibleConfig } from './inventory/ansible-config.ts';
import type { AnsibleConfig } from './inventory/ansible-config.ts';
import { InventoryError } from './inventory/inventory.ts';
import { redactUrl } from './redact-url.ts';

export interface VigilConfig {
  /** postgres:// URL; null in `vigil up`, which embeds PGlite in dataDir. */
  databaseUrl: string | null;
  /** amqp:// URL; null in `vigil up`, which uses the in-process bus. */
  amqpUrl: string | null;
  /** Prefix of every exchange and queue name, so several installations can share a broker. */
  amqpPrefix: string;
  /** VIGIL_AMQP_PACK and VIGIL_AMQP_PACK_*: how the RabbitMQ bus packs messages; false: one message each. */
  amqpPacking: PackOptions | false;
  dataDir: string;
  inventory: string;
  httpHost: string;
  httpPort: number;
  /** Consecutive failed polls before a host counts as down. */
  downAfter: number;
  workerMaxInFlight: number;
  /** New SSH connections one worker opens per second (VIGIL_SSH_CONNECT_RATE). */
  sshConnectRate: number;
  /** Days raw samples are kept; older ones live on as rollups. */
  rawRetentionDays: number;
  /** Days the 1-minute and 1-hour rollups are kept. */
  rollupRetentionDays: number;
  /** alerts.yml: the alert rules; a missing file means the built-in defaults. */
  alertRules: string;
  /** smtp:// or smtps:// URL the alerter sends mail through; null: no e-mail. */
  smtpUrl: string | null;
  /** Sender address of alert mail. */
  mailFrom: string;
  /** VIGIL_INVENTORY_SCRIPT_REFRESH: seconds between reads of an inventory that has scripts. */
  inventoryScriptRefreshSec: number;
  /** VIGIL_INVENTORY_SCRIPT_TIMEOUT: seconds an inventory script may run. */
  inventoryScriptTimeoutSec: number;
  /** VIGIL_VAULT_PASSWORD_FILE: decrypts vaulted inventory values. */
  vaultPasswordFile: string | null;
  /** known_hosts file Vigil reads and pins new host keys to (accept-new). */
  knownHostsFile: string;
  hostKeyChecking: 'strict' | 'accept-new' | 'off';
  /** VIGIL_METRICS_PORT: where a service without a web server serves /metrics; null: the service's own default. */
  metricsPort: number | null;
  /** VIGIL_COOKIE_SECURE: the session cookie only travels over HTTPS (set it behind a TLS proxy). */
  cookieSecure: boolean;
  /** VIGIL_API_TOKEN: what `vigil` commands that call the web API send as "Authorization: Bearer …". */
  apiToken: string | null;
  /** VIGIL_STATUS_PAGE and VIGIL_STATUS_PAGE_TITLE: the public status page's inventory groups, in order; null: no status page. */
  statusPage: { groups: string[]; title: string } | null;
}

export type Role = 'up' | 'scheduler' | 'worker' | 'writer' | 'web' | 'alerter' | 'evaluator';

/** Which external services each role needs. */
const NEEDS: Record<Role, { database: boolean; amqp: boolean }> = {
  up: { database: false, amqp: false },
  scheduler: { database: true, amqp: true },
  worker: { database: false, amqp: true },
  writer: { database: true, amqp: true },
  web: { database: true, amqp: false },
  alerter: { database: true, amqp: true },
  evaluator: { database: true, amqp: true },
};

/** The roles that read the inventory's path or alerts.yml beside it, where ansible.cfg may name them. */
const USES_INVENTORY_PATHS: readonly Role[] = ['up', 'scheduler', 'evaluator', 'alerter'];

export const CONFIG_VARIABLES = [
  ['VIGIL_DATABASE_URL', 'PostgreSQL URL (postgres://user:pass@host:5432/db). Unset in `vigil up`: embedded PGlite in VIGIL_DATA_DIR.'],
  ['VIGIL_AMQP_URL', 'RabbitMQ URL (amqp://user:pass@host:5672). Unset in `vigil up`: in-process queue.'],
  ['VIGIL_AMQP_PREFIX', 'Prefix of exchange and queue names (default vigil).'],
  ['VIGIL_DATA_DIR', 'Where `vigil up` keeps its embedded database (default ./data).'],
  ['VIGIL_INVENTORY', 'Ansible inventory: a file, a directory or an inventory script (default: ansible.cfg\'s inventory, else inventory/hosts).'],
  ['VIGIL_INVENTORY_SCRIPT_REFRESH', 'Seconds between reads of an inventory that has inventory scripts or plugin configurations, whose hosts change without an edit (default 300).'],
  ['VIGIL_INVENTORY_SCRIPT_TIMEOUT', 'Seconds an inventory script (or ansible-inventory reading a plugin configuration) may run, each --list and --host call, before it is stopped and the read fails (default 60).'],
  ['VIGIL_HTTP_HOST', 'Address the web server listens on (default 127.0.0.1).'],
  ['VIGIL_HTTP_PORT', 'Port of the web server (default 8080).'],
  ['VIGIL_DOWN_AFTER', 'Consecutive failed polls before a host is down (default 3).'],
  ['VIGIL_WORKER_MAX_IN_FLIGHT', 'Polls one worker runs at once (default 64).'],
  ['VIGIL_SSH_CONNECT_RATE', 'New SSH connections one worker opens per second (default 25): sshd\'s MaxStartups and fail2ban count connection attempts, so a cold start of many hosts is paced (10,000 hosts on two workers: about 6 minutes at 25).'],
  ['VIGIL_RETENTION_RAW_DAYS', 'Days raw samples and poll failures are kept (default 14).'],
  ['VIGIL_RETENTION_ROLLUP_DAYS', 'Days the 1-minute and 1-hour rollups, alert history and sent notifications are kept (default 400).'],
  ['VIGIL_KNOWN_HOSTS', 'known_hosts file the workers read besides ~/.ssh/known_hosts, and pin new host keys to (default VIGIL_DATA_DIR/known_hosts).'],
  ['VIGIL_HOST_KEY_CHECKING', 'strict (only keys in known_hosts), accept-new (pin a new host\'s key on first contact) or off (default accept-new).'],
  ['VIGIL_SMTP_URL', 'SMTP server for alert mail: smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…:465 (TLS). Unset: no e-mail.'],
  ['VIGIL_MAIL_FROM', 'Sender address of alert mail (default vigil@localhost).'],
  ['VIGIL_ALERT_RULES', 'Alert rules file (default alerts.yml beside the inventory; missing: the built-in rules).'],
  ['VIGIL_METRICS_PORT', 'Port of /metrics and /healthz of a scheduler, worker or writer (defaults 9464, 9465, 9466; 0: a free port, logged). The web server serves /metrics on its own port.'],
  ['VIGIL_COOKIE_SECURE', 'true when the dashboard is served over HTTPS (e.g. behind a TLS proxy): the login cookie is then sent only over HTTPS, and HSTS is on (default false).'],
  ['VIGIL_API_TOKEN', 'API token (vigil_…) that commands calling the web API, such as `vigil silence` beside a running `vigil up`, send.'],
  ['VIGIL_STATUS_PAGE', 'Inventory groups, comma-separated, whose hosts and service checks the public status page (/status, no login) shows, one section each. Unset: no status page.'],
  ['VIGIL_STATUS_PAGE_TITLE', 'Heading of the public status page (default "Service status").'],
  ['VIGIL_VAULT_PASSWORD_FILE', 'Ansible Vault password file for vaulted inventory values (an executable one is run; default: ansible.cfg\'s vault_password_file).'],
  ['VIGIL_LOG_LEVEL', 'debug, info, warn or error (default info).'],
] as const;

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export function loadConfig(role: Role, env: NodeJS.ProcessEnv = process.env): VigilConfig {
  const problems: string[] = [];
  // An Ansible repository's ansible.cfg (or ANSIBLE_INVENTORY) names its inventory and vault
  // password file: `vigil up` run there needs neither VIGIL_INVENTORY nor VIGIL_VAULT_PASSWORD_FILE.
  let ansible: AnsibleConfig = { file: null };
  try {
    ansible = readAnsibleConfig({ env });
  } catch (err) {
    if (!(err instanceof InventoryError)) throw err;
    // Only where its values are used (the inventory, and alerts.yml beside it): a writer, a worker
    // or a web server has no business refusing to start over an Ansible setting.
    if (USES_INVENTORY_PATHS.includes(role)) problems.push(`Ansible's configuration: ${err.message}`);
  }
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const raw = text(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name}=${JSON.stringify(raw)} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };
  const url = (name: string, protocols: string[], needed: boolean): string | null => {
    const raw = text(name);
    if (raw === undefined) {
      if (needed) problems.push(`${name} is required by \`vigil ${role}\` (${protocols.map((p) => p + '//…').join(' or ')})`);
      return null;
    }
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      problems.push(`${name} is not a URL: ${JSON.stringify(redactUrl(raw))}`);
      return null;
    }
    if (!protocols.includes(parsed.protocol)) {
      problems.push(`${name} must start with ${protocols.join(' or ')}, not ${parsed.protocol}`);
      return null;
    }
    return raw;
  };

  const needs = NEEDS[role];
  const config: VigilConfig = {
    databaseUrl: url('VIGIL_DATABASE_URL', ['postgres:', 'postgresql:'], needs.database),
    amqpUrl: url('VIGIL_AMQP_URL', ['amqp:', 'amqps:'], needs.amqp),
    amqpPrefix: text('VIGIL_AMQP_PREFIX') ?? 'vigil',
    amqpPacking: readPackOptions(env, problems),
    dataDir: path.resolve(text('VIGIL_DATA_DIR') ?? './data'),
    inventory: path.resolve(text('VIGIL_INVENTORY') ?? ansible.inventory?.[0] ?? 'inventory/hosts'),
    inventoryScriptRefreshSec: integer('VIGIL_INVENTORY_SCRIPT_REFRESH', 300, 10, 86400),
    inventoryScriptTimeoutSec: integer('VIGIL_INVENTORY_SCRIPT_TIMEOUT', 60, 1, 3600),
    httpHost: text('VIGIL_HTTP_HOST') ?? '127.0.0.1',
    httpPort: integer('VIGIL_HTTP_PORT', 8080, 0, 65535),
    downAfter: integer('VIGIL_DOWN_AFTER', 3, 1, 1000),
    workerMaxInFlight: integer('VIGIL_WORKER_MAX_IN_FLIGHT', 64, 1, 10000),
    sshConnectRate: integer('VIGIL_SSH_CONNECT_RATE', 25, 1, 10000),
    rawRetentionDays: integer('VIGIL_RETENTION_RAW_DAYS', 14, 1, 3650),
    rollupRetentionDays: integer('VIGIL_RETENTION_ROLLUP_DAYS', 400, 1, 36500),
    alertRules: path.resolve(text('VIGIL_ALERT_RULES') ?? defaultAlertRules(path.resolve(text('VIGIL_INVENTORY') ?? ansible.inventory?.[0] ?? 'inventory/hosts'))),
    smtpUrl: url('VIGIL_SMTP_URL', ['smtp:', 'smtps:'], false),
    vaultPasswordFile: text('VIGIL_VAULT_PASSWORD_FILE') === undefined ? (ansible.vaultPasswordFile ?? null) : path.resolve(text('VIGIL_VAULT_PASSWORD_FILE')!),
    mailFrom: text('VIGIL_MAIL_FROM') ?? 'vigil@localhost',
    knownHostsFile: path.resolve(text('VIGIL_KNOWN_HOSTS') ?? path.join(text('VIGIL_DATA_DIR') ?? './data', 'known_hosts')),
    hostKeyChecking: 'accept-new',
    metricsPort: text('VIGIL_METRICS_PORT') === undefined ? null : integer('VIGIL_METRICS_PORT', 0, 0, 65535),
    cookieSecure: false,
    apiToken: text('VIGIL_API_TOKEN') ?? null,
    statusPage: null,
  };
  const statusGroups = text('VIGIL_STATUS_PAGE');
  if (statusGroups !== undefined) {
    const groups = statusGroups.split(',').map((group) => group.trim()).filter((group) => group !== '');
    const bad = groups.filter((group) => !/^[A-Za-z0-9_.-]+$/.test(group));
    if (groups.length === 0 || bad.length > 0) {
      problems.push(`VIGIL_STATUS_PAGE=${JSON.stringify(statusGroups)} must list inventory group names separated by commas${bad.length > 0 ? ` (not ${bad.map((b) => JSON.stringify(b)).join(', ')})` : ''}`);
    } else {
      const title = text('VIGIL_STATUS_PAGE_TITLE') ?? 'Service status';
      if (title.length > 200) problems.push('VIGIL_STATUS_PAGE_TITLE must be at most 200 characters');
      config.statusPage = { groups: [...new Set(groups)], title };
    }
  }
  const cookieSecure = text('VIGIL_COOKIE_SECURE');
  if (cookieSecure === 'true' || cookieSecure === 'false') config.cookieSecure = cookieSecure === 'true';
  else if (cookieSecure !== undefined) problems.push(`VIGIL_COOKIE_SECURE=${JSON.stringify(cookieSecure)} must be true or false`);
  // The token is a secret: the message never repeats it.
  if (config.apiToken !== null && !/^vigil_[A-Za-z0-9_-]{20,}$/.test(config.apiToken)) problems.push('VIGIL_API_TOKEN is not a Vigil API token (vigil_ followed by at least 20 letters, digits, "_" or "-")');
  const checking = text('VIGIL_HOST_KEY_CHECKING');
  if (checking === 'strict' || checking === 'accept-new' || checking === 'off') config.hostKeyChecking = checking;
  else if (checking !== undefined) problems.push(`VIGIL_HOST_KEY_CHECKING=${JSON.stringify(checking)} must be strict, accept-new or off`);
  if (!/^[A-Za-z0-9._-]+$/.test(config.amqpPrefix)) {
    problems.push(`VIGIL_AMQP_PREFIX=${JSON.stringify(config.amqpPrefix)} may hold only letters, digits, '.', '_' and '-'`);
  }
  const level = text('VIGIL_LOG_LEVEL');
  if (level !== undefined && !['debug', 'info', 'warn', 'error'].includes(level)) {
    problems.push(`VIGIL_LOG_LEVEL=${JSON.stringify(level)} must be debug, info, warn or error`);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}


/** Narrows a URL that loadConfig(role) has already checked is set for this role. */
export function required(value: string | null, name: string): string {
  if (value === null) throw new ConfigError([`${name} is required`]);
  return value;
}

/** alerts.yml inside a directory inventory, or beside an inventory file. */
function defaultAlertRules(inventory: string): string {
  let isDirectory = false;
  try {
    isDirectory = statSync(inventory).isDirectory();
  } catch {
    // A missing inventory is reported by whoever reads it.
  }
  return path.join(isDirectory ? inventory : path.dirname(inventory), 'alerts.yml');
}
