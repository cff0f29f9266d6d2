// A running Vigil for browser tests: the real scheduler (following an inventory file it watches),
// worker, writer, evaluator and alerter on the in-process bus, polling simulated SSH hosts
// (lib/simulator), storing in PostgreSQL, and the web server serving a freshly built dashboard on
// a loopback port, with an admin and a viewer to log in as. Hosts the test marks unreachable
// point at a closed port, so they go down (and fire host_down) after one failed poll.
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Server } from '@hapi/hapi';
import type { Page } from 'playwright-core';
import { defaultAlerts } from '../../lib/alerting/default-alerts.ts';
import { MemoryBus } from '../../lib/bus/memory-bus.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { silentLogger } from '../../lib/log.ts';
import { startHostSimulator, type HostSimulator } from '../../lib/simulator/host-simulator.ts';
import { buildWeb } from '../../lib/web/build-web.ts';
import { startAlerter, type Alerter } from '../../services/alerter/alerter-service.ts';
import { startEvaluator, type Evaluator } from '../../services/evaluator/evaluator-service.ts';
import { startInventoryScheduler } from '../../services/scheduler/start-inventory-scheduler.ts';
import type { CountingScheduler } from '../../services/scheduler/scheduler-service.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { startWorker, type Worker } from '../../services/worker/worker-service.ts';
import { startWriter, type Writer } from '../../services/writer/writer-service.ts';
import { findRefusedPort } from './sshd.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { createTestUser, type TestUser } from './test-users.ts';
import { waitFor } from './wait-for.ts';

export interface PipelineHost {
  /** The inventory name: anything YAML can hold, markup included. */
  name: string;
  groups?: string[];
  /** False: the host's address is a closed port, so every poll is refused. Default true. */
  reachable?: boolean;
}

export interface BrowserPipelineOptions {
  hosts: PipelineHost[];
  /** vigil_interval of every host. Default 2. */
  intervalSec?: number;
  /** Simulated hosts kept free for hosts a test adds later with setHosts(). Default 2. */
  spareHosts?: number;
}

export interface BrowserPipeline {
  /** The dashboard, e.g. http://127.0.0.1:40123/ */
  url: string;
  db: VigilDb;
  server: Server;
  admin: TestUser;
  viewer: TestUser;
  /** The built dashboard's app.js, gzipped (lib/web/build-web.ts). */
  appJsGzipBytes: number;
  /** Rewrites the inventory; the scheduler picks the change up like an operator's edit. */
  setHosts(hosts: PipelineHost[]): Promise<void>;
  /** Resolves once every named host has a stored sample with a CPU figure. */
  waitForSamples(names: string[], timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startBrowserPipeline(options: BrowserPipelineOptions): Promise<BrowserPipeline> {
  const intervalSec = options.intervalSec ?? 2;
  const reachableCount = options.hosts.filter((h) => h.reachable !== false).length + (options.spareHosts ?? 2);
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const dir = await mkdtemp(path.join(tmpdir(), 'vigil-browser-'));
    stops.push(() => rm(dir, { recursive: true, force: true }));
    const database: TestDatabase = await createTestDatabase('postgres');
    stops.push(() => database.close());
    const { db } = database;
    const simulator: HostSimulator = await startHostSimulator({ hosts: reachableCount, namePrefix: 'browser-sim-', rebootChance: 0 });
    stops.push(() => simulator.close());
    // Nothing listens here: polls of unreachable hosts are refused at once.
    const closedPort = await findRefusedPort();

    const inventory = path.join(dir, 'hosts.yml');
    const writeInventory = async (hosts: PipelineHost[]): Promise<void> => {
      const reachable = hosts.filter((h) => h.reachable !== false);
      if (reachable.length > simulator.hosts.length) throw new Error(`${reachable.length} reachable hosts, but the simulator has ${simulator.hosts.length}; raise spareHosts`);
      const groups = new Map<string, Record<string, object>>();
      let next = 0;
      for (const host of hosts) {
        const sim = host.reachable === false ? null : simulator.hosts[next++];
        const vars = { ansible_host: '127.0.0.1', ansible_port: sim ? sim.port : closedPort, vigil_interval: intervalSec };
        for (const group of host.groups?.length ? host.groups : ['ungrouped']) {
          const members = groups.get(group) ?? {};
          members[host.name] = vars;
          groups.set(group, members);
        }
      }
      // JSON is YAML, and quotes any name whole.
      const document = {
        all: {
          vars: { ansible_user: simulator.user, ansible_ssh_private_key_file: simulator.clientKey.file },
          children: Object.fromEntries([...groups].map(([group, hostsOf]) => [group, { hosts: hostsOf }])),
        },
      };
      // Written aside and renamed, so the watcher never reads half a file.
      const temp = `${inventory}.tmp`;
      await writeFile(temp, JSON.stringify(document, null, 2));
      await rename(temp, inventory);
    };
    await writeInventory(options.hosts);

    const bus = new MemoryBus();
    stops.push(() => bus.close());
    const rules = defaultAlerts();
    const writer: Writer = await startWriter({ bus, db, log: silentLogger, downAfter: 1, flushIntervalMs: 50, maintenance: false });
    stops.push(() => writer.stop());
    const alerter: Alerter = await startAlerter({ bus, db, log: silentLogger, config: rules, mail: { smtpUrl: null, from: 'vigil@localhost' } });
    stops.push(() => alerter.stop());
    const evaluator: Evaluator = await startEvaluator({ bus, db, log: silentLogger, config: rules, downAfter: 1 });
    stops.push(() => evaluator.stop());
    const worker: Worker = await startWorker({ bus, log: silentLogger, hostKeyChecking: 'off', knownHostsFile: null, connectTimeoutMs: 3000 });
    stops.push(() => worker.stop());

    const staticDir = path.join(dir, 'web');
    const built = await buildWeb({ outDir: staticDir });
    const server = await createWebServer({ db, host: '127.0.0.1', port: 0, staticDir, log: silentLogger });
    await server.start();
    stops.push(() => server.stop({ timeout: 2000 }));
    const admin = await createTestUser(db, { name: 'ada', role: 'admin' });
    const viewer = await createTestUser(db, { name: 'victor', role: 'viewer' });

    const scheduler: CountingScheduler = await startInventoryScheduler({ bus, db, log: silentLogger, inventoryPath: inventory, watch: { debounceMs: 100, maxWaitMs: 300 } });
    stops.push(() => scheduler.stop());

    return {
      url: `http://127.0.0.1:${server.info.port}/`,
      db,
      server,
      admin,
      viewer,
      appJsGzipBytes: built.appJsGzipBytes,
      setHosts: writeInventory,
      waitForSamples: async (names, timeoutMs = 30_000) => {
        await waitFor(`samples with CPU figures from ${names.length} hosts`, timeoutMs, async () => {
          const rows = await db.selectFrom('samples').select('host').distinct().where('host', 'in', names).where('cpu_busy_pct', 'is not', null).execute();
          return rows.length === names.length ? true : undefined;
        }, 200);
      },
      close: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** Logs in through the dashboard's form and waits for the shell's header. */
export async function logIn(page: Page, url: string, user: Pick<TestUser, 'name' | 'password'>, hash = '#/'): Promise<void> {
  await page.goto(url + hash);
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor();
}
