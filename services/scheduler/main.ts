import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { required, type VigilConfig } from '../../lib/config.ts';
import { acquireLeadership, type Leadership } from '../../lib/db/leader-lock.ts';
import { migrateToLatest } from '../../lib/db/migrate.ts';
import { openDatabase } from '../../lib/db/open-database.ts';
import { loadHostTargets } from '../../lib/inventory/to-host-target.ts';
import { readVaultPasswordFile } from '../../lib/inventory/vault.ts';
import type { Logger } from '../../lib/log.ts';
import { startServiceObservability } from '../../lib/metrics/service-observability.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import type { CountingScheduler, SchedulerStats } from './scheduler-service.ts';
import { createRecentCounter } from '../../lib/metrics/recent-counts.ts';
import { startInventoryScheduler } from './start-inventory-scheduler.ts';

/** The advisory lock only the active scheduler holds ("vigS"). */
const SCHEDULER_LOCK_KEY = 0x76696753;
/** A standby tries the lock this often, so it takes over well within two poll intervals. */
const LEADER_CHECK_MS = 1000;

export async function runScheduler(config: VigilConfig, log: Logger): Promise<ShutdownStep[]> {
  const databaseUrl = required(config.databaseUrl, 'VIGIL_DATABASE_URL');
  // A broken inventory fails the start at once, on the active and the standby alike.
  const vaultPassword = config.vaultPasswordFile ? await readVaultPasswordFile(config.vaultPasswordFile) : undefined;
  await loadHostTargets(config.inventory, { vaultPassword, scriptTimeoutMs: config.inventoryScriptTimeoutSec * 1000 });
  const database = await openDatabase({ url: databaseUrl, log });
  await migrateToLatest(database.db);
  const bus = await connectAmqpBus({ url: required(config.amqpUrl, 'VIGIL_AMQP_URL'), prefix: config.amqpPrefix, packing: config.amqpPacking, log });

  // Several schedulers may run; only the holder of the lock publishes jobs.
  const abort = new AbortController();
  const aborted = new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve(), { once: true }));
  let leadership: Leadership | null = null;
  let scheduler: CountingScheduler | null = null;
  const lead = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      log.info('standing by until this scheduler holds the leader lock');
      try {
        leadership = await acquireLeadership({ url: databaseUrl, key: SCHEDULER_LOCK_KEY, checkEveryMs: LEADER_CHECK_MS, log, signal: abort.signal });
      } catch (error) {
        if (abort.signal.aborted) return;
        throw error;
      }
      log.info('this scheduler is now the active one');
      scheduler = await startWhileLeading(leadership);
      await Promise.race([leadership.lost, aborted]);
      await scheduler?.stop();
      scheduler = null;
      if (!abort.signal.aborted) log.warn('lost the leader lock: stopped scheduling, standing by');
    }
  };
  const startWhileLeading = async (held: Leadership): Promise<CountingScheduler | null> => {
    let lost = false;
    void held.lost.then(() => (lost = true));
    // The inventory may have broken since start: keep the lock and retry, as a standby could do no better.
    while (!lost && !abort.signal.aborted) {
      try {
        return await startInventoryScheduler({
          bus, db: database.db, log, inventoryPath: config.inventory, vaultPasswordFile: config.vaultPasswordFile,
          scriptRefreshMs: config.inventoryScriptRefreshSec * 1000, scriptTimeoutMs: config.inventoryScriptTimeoutSec * 1000,
        });
      } catch (error) {
        log.error('cannot start scheduling; retrying', { error });
        await new Promise((resolve) => setTimeout(resolve, LEADER_CHECK_MS));
      }
    }
    return null;
  };
  const leading = lead().catch((error: unknown) => {
    log.error('scheduler leadership loop failed', { error });
    process.exitCode = 1;
  });

  // The scheduler's counters between heartbeats: `vigil status` judges from the jobs published,
  // lost (expired without a result) and answered late whether the workers are asked for more
  // polls than they can do.
  const recentJobs = createRecentCounter<SchedulerStats>();
  const observability = await startServiceObservability({
    service: 'scheduler',
    config,
    log,
    db: database.db,
    info: () => ({
      active: scheduler !== null,
      hosts: scheduler?.targets().length ?? 0,
      ...(scheduler === null ? {} : { recentJobs: recentJobs(scheduler.stats()) }),
    }),
  });

  return [
    {
      name: 'scheduler',
      run: async () => {
        abort.abort();
        await leading;
        await scheduler?.stop();
        await leadership?.release();
      },
    },
    { name: 'message bus', run: () => bus.close() },
    ...observability,
    { name: 'database', run: () => database.close() },
  ];
}
