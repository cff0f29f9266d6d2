// The whole alerting path as `vigil up` wires it (cli/run-all-in-one.ts: scheduler, worker,
// writer, evaluator, alerter and web in one process, on the in-process bus), polling simulated
// SSH hosts whose CPU the caller raises, with alert mail going to a real SMTP server. Shared by
// the end-to-end test and bench/alert-latency.ts.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAllInOne } from '../../cli/run-all-in-one.ts';
import { loadConfig } from '../../lib/config.ts';
import { silentLogger } from '../../lib/log.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { startHostSimulator, type HostSimulator } from '../../lib/simulator/host-simulator.ts';
import { startSmtpSink, type SmtpSink } from '../services/alerter/smtp-sink.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { waitFor } from './wait-for.ts';

export interface AlertPipelineOptions {
  hosts: number;
  /** The cpu_busy rule's `for` and the alerts file's group_wait, as written in alerts.yml ('0s', '5s'). */
  for: string;
  groupWait: string;
  /** The alerts file's group_interval ('1m'); absent: the built-in one. */
  groupInterval?: string;
  /** Inventory groups by host index (from 0); hosts not listed are in [simulated] only. */
  groups?: Record<number, string>;
  /** Receivers besides ops (ops@example.test, the default receiver), by name: their one address. */
  receivers?: Record<string, string>;
  /** The alerts file's routes, as YAML flow mappings: '{ groups: [dbservers], receivers: [dba] }'. */
  routes?: string[];
  /** More rules after cpu_busy, each a YAML flow mapping: '{ name: interface_down, kind: interface-down }'. */
  rules?: string[];
}

/** The rule's warning level and recovery level: far from both simulated loads (see idle/busy). */
export const CPU_LEVEL = 40;
const CPU_RECOVER_AT = 20;
/** Shares of CPU time busy: idle gives at most ~4 % busy, busy at least ~55 % (the simulator varies each poll by 0.6-1.4×). */
const IDLE = 0.02;
const BUSY = 0.97;

export interface StoredCpuAlert {
  state: string;
  /** The first breaching sample's time (the worker's clock when the poll's output arrived). */
  startsAt: number;
  /** The sample that made it fire (no later event changes it while it keeps firing at one level). */
  lastEventAt: number;
}

export interface AlertPipeline {
  sim: HostSimulator;
  smtp: SmtpSink;
  database: TestDatabase;
  hosts: string[];
  /** Resolves once every host has a stored sample with a CPU busy figure (rates need two polls). */
  waitForCpuFigures(timeoutMs: number): Promise<void>;
  /** From the next poll on, the host's CPU is above the rule's level (or back far below it). */
  setBusy(host: string, busy: boolean): void;
  cpuAlert(host: string): Promise<StoredCpuAlert | undefined>;
  close(): Promise<void>;
}

export async function startAlertPipeline(options: AlertPipelineOptions): Promise<AlertPipeline> {
  const closers: Array<() => Promise<unknown>> = [];
  const close = async (): Promise<void> => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const dir = await mkdtemp(path.join(tmpdir(), 'vigil-alert-pipeline-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const sim = await startHostSimulator({ hosts: options.hosts, rebootChance: 0, faultFraction: 0 });
    closers.push(() => sim.close());
    const hosts = sim.hosts.map((h) => h.name);
    for (const host of hosts) sim.stateOf(host).busy = IDLE;
    const smtp = await startSmtpSink();
    closers.push(() => smtp.close());
    const database = await createTestDatabase('postgres');
    closers.push(() => database.close());

    const common = `ansible_user=${sim.user} ansible_ssh_private_key_file=${sim.clientKey.file} vigil_interval=1`;
    const line = (i: number): string => {
      const host = sim.hosts[i]!;
      return `${host.name} ansible_host=${host.address} ansible_port=${host.port} ${common}`;
    };
    const grouped = options.groups ?? {};
    const inventory = ['[simulated]', ...hosts.map((_, i) => (grouped[i] === undefined ? line(i) : null)).filter((l): l is string => l !== null)];
    for (const group of new Set(Object.values(grouped))) {
      inventory.push('', `[${group}]`, ...Object.entries(grouped).filter(([, g]) => g === group).map(([i]) => line(Number(i))));
    }
    await writeFile(path.join(dir, 'hosts'), inventory.join('\n') + '\n');
    await writeFile(path.join(dir, 'alerts.yml'), [
      'rules:',
      '  - name: cpu_busy',
      '    kind: threshold',
      '    metric: cpuBusyPct',
      `    levels: { warning: ${CPU_LEVEL} }`,
      `    recover_at: ${CPU_RECOVER_AT}`,
      `    for: ${options.for}`,
      '    summary: CPU busy',
      "    unit: '%'",
      ...(options.rules ?? []).map((rule) => `  - ${rule}`),
      'receivers:',
      ...Object.entries({ ops: 'ops@example.test', ...options.receivers }).map(([name, address]) => `  - { name: ${name}, email: [${address}] }`),
      ...(options.routes ? ['routes:', ...options.routes.map((route) => `  - ${route}`)] : []),
      'default_receivers: [ops]',
      `group_wait: ${options.groupWait}`,
      ...(options.groupInterval === undefined ? [] : [`group_interval: ${options.groupInterval}`]),
    ].join('\n') + '\n');

    const env = {
      VIGIL_DATABASE_URL: database.url,
      VIGIL_INVENTORY: path.join(dir, 'hosts'),
      VIGIL_ALERT_RULES: path.join(dir, 'alerts.yml'),
      VIGIL_DATA_DIR: dir,
      VIGIL_KNOWN_HOSTS: path.join(dir, 'known_hosts'),
      VIGIL_HTTP_PORT: '0',
      VIGIL_SMTP_URL: smtp.url,
      VIGIL_MAIL_FROM: 'vigil@monitor.test',
    };
    const steps: ShutdownStep[] = (await runAllInOne(loadConfig('up', env), silentLogger, () => {})).steps;
    closers.push(async () => {
      for (const step of steps) await step.run();
    });

    return {
      sim,
      smtp,
      database,
      hosts,
      waitForCpuFigures: async (timeoutMs) => {
        await waitFor(`a CPU figure stored for each of ${hosts.length} hosts`, timeoutMs, async () => {
          const rows = await database.db.selectFrom('samples').select('host').distinct().where('cpu_busy_pct', 'is not', null).execute();
          return rows.length >= hosts.length ? true : undefined;
        });
      },
      setBusy: (host, busy) => {
        sim.stateOf(host).busy = busy ? BUSY : IDLE;
      },
      cpuAlert: async (host) => {
        const row = await database.db
          .selectFrom('alerts')
          .select(['state', 'starts_at', 'last_event_at'])
          .where('key', '=', `cpu_busy|${host}`)
          .executeTakeFirst();
        return row ? { state: row.state, startsAt: new Date(row.starts_at).getTime(), lastEventAt: new Date(row.last_event_at).getTime() } : undefined;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
