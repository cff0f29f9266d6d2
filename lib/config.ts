// Configuration comes from VIGIL_* environment variables only, validated at start:
// one error lists every problem, so an operator fixes them in one go.
import path from 'node:path';
import { redactUrl } from './redact-url.ts';

export interface VigilConfig {
  /** postgres:// URL; null in `vigil up`, which embeds PGlite in dataDir. */
  databaseUrl: string | null;
  /** amqp:// URL; null in `vigil up`, which uses the in-process bus. */
  amqpUrl: string | null;
  /** Prefix of every exchange and queue name, so several installations can share a broker. */
  amqpPrefix: string;
  dataDir: string;
  inventory: string;
  httpHost: string;
  httpPort: number;
  /** Consecutive failed polls before a host counts as down. */
  downAfter: number;
  workerMaxInFlight: number;
}

export type Role = 'up' | 'scheduler' | 'worker' | 'writer' | 'web';

/** Which external services each role needs. */
const NEEDS: Record<Role, { database: boolean; amqp: boolean }> = {
  up: { database: false, amqp: false },
  scheduler: { database: true, amqp: true },
  worker: { database: false, amqp: true },
  writer: { database: true, amqp: true },
  web: { database: true, amqp: false },
};

export const CONFIG_VARIABLES = [
  ['VIGIL_DATABASE_URL', 'PostgreSQL URL (postgres://user:pass@host:5432/db). Unset in `vigil up`: embedded PGlite in VIGIL_DATA_DIR.'],
  ['VIGIL_AMQP_URL', 'RabbitMQ URL (amqp://user:pass@host:5672). Unset in `vigil up`: in-process queue.'],
  ['VIGIL_AMQP_PREFIX', 'Prefix of exchange and queue names (default vigil).'],
  ['VIGIL_DATA_DIR', 'Where `vigil up` keeps its embedded database (default ./data).'],
  ['VIGIL_INVENTORY', 'Ansible inventory file (default inventory/hosts).'],
  ['VIGIL_HTTP_HOST', 'Address the web server listens on (default 127.0.0.1).'],
  ['VIGIL_HTTP_PORT', 'Port of the web server (default 8080).'],
  ['VIGIL_DOWN_AFTER', 'Consecutive failed polls before a host is down (default 3).'],
  ['VIGIL_WORKER_MAX_IN_FLIGHT', 'Polls one worker runs at once (default 64).'],
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
    dataDir: path.resolve(text('VIGIL_DATA_DIR') ?? './data'),
    inventory: path.resolve(text('VIGIL_INVENTORY') ?? 'inventory/hosts'),
    httpHost: text('VIGIL_HTTP_HOST') ?? '127.0.0.1',
    httpPort: integer('VIGIL_HTTP_PORT', 8080, 0, 65535),
    downAfter: integer('VIGIL_DOWN_AFTER', 3, 1, 1000),
    workerMaxInFlight: integer('VIGIL_WORKER_MAX_IN_FLIGHT', 64, 1, 10000),
  };
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
