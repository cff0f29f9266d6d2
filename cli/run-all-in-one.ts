// `vigil up`: every service in one process, on an embedded PostgreSQL (PGlite in dataDir)
// and the in-process bus. The services are the same code as in a fleet; only the
// connections differ.
import { loadAlertsFile } from '../lib/alerting/alerts-file.ts';
import { watchAlertsFile } from '../lib/alerting/watch-alerts-file.ts';
import { ensureFirstUser, firstUserNotice } from '../lib/auth/ensure-first-user.ts';
import { MemoryBus } from '../lib/bus/memory-bus.ts';
import type { VigilConfig } from '../lib/config.ts';
import { migrateToLatest } from '../lib/db/migrate.ts';
import { openDatabase } from '../lib/db/open-database.ts';
import type { Logger } from '../lib/log.ts';
import { createRecentCounter } from '../lib/metrics/recent-counts.ts';
import { startRoleHeartbeats } from '../lib/metrics/role-heartbeats.ts';
import type { ShutdownStep } from '../lib/shutdown.ts';
import { startAlerter } from '../services/alerter/alerter-service.ts';
import { startEvaluator } from '../services/evaluator/evaluator-service.ts';
import type { SchedulerStats } from '../services/scheduler/scheduler-service.ts';
import { startInventoryScheduler } from '../services/scheduler/start-inventory-scheduler.ts';
import { startWebServer } from '../services/web/main.ts';
import { startWorker } from '../services/worker/worker-service.ts';
import { startWriter } from '../services/writer/writer-service.ts';

export interface AllInOne {
  url: string;
  /** In shutdown order: stop taking work first, drain, then close the connections. */
  steps: ShutdownStep[];
}

export async function runAllInOne(config: VigilConfig, log: Logger, tell: (text: string) => void = (text) => process.stderr.write(text)): Promise<AllInOne> {
  // Read first: a broken rules file stops the start with every problem listed.
  const rules = await loadAlertsFile(config.alertRules);
  const database = config.databaseUrl
    ? await openDatabase({ url: config.databaseUrl })
    : await openDatabase({ dataDir: config.dataDir });
  const steps: ShutdownStep[] = [{ name: 'database', run: () => database.close() }];
  try {
    await migrateToLatest(database.db);
    const firstUser = await ensureFirstUser(database.db);
    const bus = new MemoryBus();
    steps.unshift({ name: 'message bus', run: () => bus.close() });
    const writer = await startWriter({
      bus,
      db: database.db,
      log: log.child({ service: 'writer' }),
      downAfter: config.downAfter,
      maintenance: { rawRetentionDays: config.rawRetentionDays, rollupRetentionDays: config.rollupRetentionDays },
    });
    steps.unshift({ name: 'writer', run: () => writer.stop() });
    const alerter = await startAlerter({
      bus,
      db: database.db,
      log: log.child({ service: 'alerter' }),
      config: rules,
      mail: { smtpUrl: config.smtpUrl, from: config.mailFrom },
    });
    steps.unshift({ name: 'alerter', run: () => alerter.stop() });
    const evaluator = await startEvaluator({
      bus,
      db: database.db,
      log: log.child({ service: 'evaluator' }),
      config: rules,
      downAfter: config.downAfter,
    });
    steps.unshift({ name: 'evaluator', run: () => evaluator.stop() });
    // One watch for both: an edit of the rules file reaches the evaluator and the alerter alike.
    const rulesFile = watchAlertsFile({
      path: config.alertRules,
      log,
      current: rules,
      onReload: (next) => {
        evaluator.reloadRules(next);
        alerter.reloadConfig(next);
      },
    });
    steps.unshift({ name: 'alert rules watch', run: () => rulesFile.stop() });
    const worker = await startWorker({
      bus,
      log: log.child({ service: 'worker' }),
      maxInFlight: config.workerMaxInFlight,
      knownHostsFile: config.knownHostsFile,
      hostKeyChecking: config.hostKeyChecking,
      ssh: { connectRatePerSec: config.sshConnectRate },
    });
    steps.unshift({ name: 'worker', run: () => worker.stop() });
    const web = await startWebServer(config, database.db, log.child({ service: 'web' }));
    steps.unshift({ name: 'web server', run: () => web.stop() });
    // Printed, never logged: log lines get shipped and kept; this password must appear once, here.
    if (firstUser) tell(firstUserNotice(firstUser, web.url));
    const scheduler = await startInventoryScheduler({
      bus,
      db: database.db,
      log: log.child({ service: 'scheduler' }),
      inventoryPath: config.inventory,
      vaultPasswordFile: config.vaultPasswordFile,
      scriptRefreshMs: config.inventoryScriptRefreshSec * 1000,
      scriptTimeoutMs: config.inventoryScriptTimeoutSec * 1000,
    });
    steps.unshift({ name: 'scheduler', run: () => scheduler.stop() });
    // Last before the database closes: a role stopped on purpose leaves no stale row.
    const recentJobs = createRecentCounter<SchedulerStats>();
    steps.splice(steps.length - 1, 0, await startRoleHeartbeats({
      db: database.db,
      log,
      roles: {
        // Jobs published, lost and answered late between beats, as the fleet's scheduler reports
        // them: `vigil status` tells from them that the worker is asked for more polls than it does.
        scheduler: () => ({ active: true, hosts: scheduler.targets().length, recentJobs: recentJobs(scheduler.stats()) }),
        worker: () => ({ subscription: worker.subscriptionName }),
        writer: null,
        evaluator: () => ({ rules: rulesFile.current().rules.length, ...rulesFile.status() }),
        alerter: null,
        web: null,
      },
    }));
    return { url: web.url, steps };
  } catch (error) {
    // Whatever started before the failure is stopped again, so the process can exit cleanly.
    for (const step of steps) await step.run().catch(() => {});
    throw error;
  }
}
