// The scheduler as deployed: its hosts come from the inventory, every reload is mirrored into
// the hosts table (so the dashboard lists hosts before their first sample) and recorded in
// inventory_reloads, good or failed, and edits to the inventory are applied live. A failed
// reload keeps the last good hosts polled; what went wrong (file, line, message, never a
// variable's value) is logged and recorded for the API and the dashboard's banner. A good
// reload also stores a snapshot of the inventory, secrets masked, for the inventory page.
// An inventory script's hosts change without any edit (a cloud's instances come and go), so
// while the inventory has scripts it is read again every scriptRefreshMs as well.
import path from 'node:path';
import type { MessageBus } from '../../lib/bus/message-bus.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { insertInventoryReload } from '../../lib/db/queries/insert-inventory-reload.ts';
import { insertInventorySnapshot } from '../../lib/db/queries/insert-inventory-snapshot.ts';
import type { NewInventoryReload } from '../../lib/db/queries/insert-inventory-reload.ts';
import { syncInventoryHosts } from '../../lib/db/queries/sync-inventory-hosts.ts';
import type { Inventory } from '../../lib/inventory/inventory.ts';
import { buildInventorySnapshot } from '../../lib/inventory/inventory-snapshot.ts';
import { describeReloadFailure, diffHostTargets, toRedactedInventoryError } from '../../lib/inventory/inventory-reloader.ts';
import { readInventory } from '../../lib/inventory/read-inventory.ts';
import type { ReadInventoryOptions } from '../../lib/inventory/read-inventory.ts';
import { readVaultPasswordFile } from '../../lib/inventory/vault.ts';
import { loadHostTargets } from '../../lib/inventory/to-host-target.ts';
import { watchInventory } from '../../lib/inventory/watch-inventory.ts';
import type { WatchInventoryOptions } from '../../lib/inventory/watch-inventory.ts';
import type { Logger } from '../../lib/log.ts';
import type { HostTarget } from '../../lib/poll/host-target.ts';
import { followLivePolls } from './follow-live-polls.ts';
import { startScheduler } from './scheduler-service.ts';
import type { CountingScheduler } from './scheduler-service.ts';
import { cappedBackoffMs } from '../../lib/capped-backoff.ts';

export interface InventorySchedulerOptions {
  bus: MessageBus;
  db: VigilDb;
  log: Logger;
  /** The inventory file or directory. */
  inventoryPath: string;
  /**
   * Reads the inventory into poll targets (with the vault password, if any); default:
   * loadHostTargets(inventoryPath). Only the default stores inventory snapshots.
   */
  loadTargets?: () => Promise<HostTarget[]>;
  /** Ansible Vault password file for vaulted values; read at every load, so a rotated one applies. */
  vaultPasswordFile?: string | null;
  /** Timing of the edit watcher, or false for no watching (reload() by hand). */
  watch?: WatchInventoryOptions | false;
  /** The clock, for the scheduler. */
  now?: () => number;
  /** How often live_polls is read (services/scheduler/follow-live-polls.ts); default 1000 ms. */
  livePollsEveryMs?: number;
  /** The first wait before storing the hosts again when the database refused them; it doubles up to a minute. Default 1000 ms. */
  hostsRetryMs?: number;
  /** While the last good inventory had scripts, how long after a load it is read again; default 5 min. */
  scriptRefreshMs?: number;
  /** How long each run of an inventory script may take; default 60 s. */
  scriptTimeoutMs?: number;
}

export async function startInventoryScheduler(options: InventorySchedulerOptions): Promise<CountingScheduler> {
  const { bus, db, log } = options;
  const source = path.resolve(options.inventoryPath);
  // The inventory each good load was read from, keyed by the targets the scheduler hands back.
  const readFrom = new WeakMap<HostTarget[], Inventory>();
  const scriptRefreshMs = options.scriptRefreshMs ?? 300_000;
  // The dynamic sources of the last good load: while there are any, the inventory is read again.
  let dynamicSources: string[] = [];
  const load =
    options.loadTargets ??
    (async () => {
      const file = options.vaultPasswordFile;
      const vaultPassword = file ? await readVaultPasswordFile(file) : undefined;
      let inventory: Inventory | undefined;
      const read = async (inventoryPath: string, readOptions: ReadInventoryOptions): Promise<Inventory> =>
        (inventory = await readInventory(inventoryPath, readOptions));
      const targets = await loadHostTargets(options.inventoryPath, { vaultPassword, scriptTimeoutMs: options.scriptTimeoutMs, read });
      if (inventory) {
        readFrom.set(targets, inventory);
        if (inventory.dynamicSources.length > 0 && dynamicSources.length === 0) {
          log.info('the inventory has scripts or plugin configurations: it is also read again on a timer (everySeconds), for their changes', { inventory: source, dynamicSources: inventory.dynamicSources, everySeconds: scriptRefreshMs / 1000 });
        }
        dynamicSources = inventory.dynamicSources;
      }
      return targets;
    });
  // The hosts of the last good load, to tell what a reload added, removed or changed.
  let current: HostTarget[] = [];

  // Never rejects: a reload must go on whether or not the database takes its record.
  const record = async (reload: NewInventoryReload): Promise<void> => {
    try {
      await insertInventoryReload(db, reload);
    } catch (err) {
      log.error('recording the inventory reload failed', { inventory: source, error: err });
    }
  };

  // Never rejects either; masked before it is built into anything that is stored.
  const storeSnapshot = async (inventory: Inventory | undefined): Promise<void> => {
    if (!inventory) return;
    try {
      const stored = await insertInventorySnapshot(db, buildInventorySnapshot(inventory));
      if (stored.written) log.debug('inventory snapshot stored', { inventory: source, version: stored.id });
    } catch (err) {
      log.error('storing the inventory snapshot failed', { inventory: source, error: err });
    }
  };

  // The hosts table is what the dashboard, the evaluator and the alerter know of the inventory:
  // a load the database refused (it was down, say) is stored again until it takes, unless a newer
  // load has replaced it, and the reload is recorded as good only once its hosts are stored.
  // Stores run one after another: a retry of an older load still in flight when a newer load is
  // stored could otherwise finish last and leave the older hosts in the table.
  let hostsGeneration = 0;
  let hostsRetry: NodeJS.Timeout | undefined;
  let stopped = false;
  let storing: Promise<void> = Promise.resolve();
  const queueStoreHosts = (targets: HostTarget[], counts: Omit<NewInventoryReload, 'source' | 'ok'>, generation: number, attempt: number): Promise<void> =>
    (storing = storing.then(() => storeHosts(targets, counts, generation, attempt)));
  const storeHosts = async (targets: HostTarget[], counts: Omit<NewInventoryReload, 'source' | 'ok'>, generation: number, attempt: number): Promise<void> => {
    if (stopped || generation !== hostsGeneration) return;
    clearTimeout(hostsRetry);
    try {
      await syncInventoryHosts(db, targets);
    } catch (err) {
      const retryInMs = cappedBackoffMs(options.hostsRetryMs ?? 1_000, 60_000, attempt - 1);
      log.error('storing the inventory\'s hosts in the database failed; they are polled, and stored again later', {
        inventory: source, hosts: targets.length, attempt, retryInMs, error: err,
      });
      hostsRetry = setTimeout(() => void queueStoreHosts(targets, counts, generation, attempt + 1), retryInMs);
      return;
    }
    if (attempt > 1) log.info('the inventory\'s hosts are stored', { inventory: source, hosts: targets.length, attempts: attempt });
    await record({ source, ok: true, ...counts });
  };

  // Set once the scheduler has started: the first load runs inside startScheduler.
  let reloadNow: (() => void) | null = null;
  let scriptRefresh: NodeJS.Timeout | undefined;
  // Counted from the end of the last load of any kind, so an edit's reload postpones it.
  const armScriptRefresh = (): void => {
    clearTimeout(scriptRefresh);
    if (stopped || dynamicSources.length === 0) return;
    scriptRefresh = setTimeout(() => (reloadNow ? reloadNow() : armScriptRefresh()), scriptRefreshMs);
  };

  const loadTargets = async (): Promise<HostTarget[]> => {
    try {
      return await load();
    } catch (err) {
      const failure = describeReloadFailure(err, source);
      await record({ source, ok: false, hosts: current.length, error: failure });
      // Rethrown redacted: the scheduler logs what it gets.
      throw toRedactedInventoryError(failure, source);
    } finally {
      armScriptRefresh();
    }
  };

  const scheduler = await startScheduler({
    bus,
    log,
    loadTargets,
    ...(options.now ? { now: options.now } : {}),
    onTargets: async (targets) => {
      const change = diffHostTargets(current, targets);
      current = targets;
      const counts = { hosts: targets.length, added: change.added.length, removed: change.removed.length, changed: change.changed.length };
      log.info('inventory loaded', { inventory: source, ...counts });
      // Before the record: a page that sees the new reload then finds the new snapshot.
      await storeSnapshot(readFrom.get(targets));
      await queueStoreHosts(targets, counts, ++hostsGeneration, 1);
    },
  });

  reloadNow = () => void scheduler.reload();
  const watcher = options.watch === false ? null : watchInventory(options.inventoryPath, () => void scheduler.reload(), options.watch ?? {});
  const livePolls = followLivePolls({
    db, log, scheduler,
    ...(options.livePollsEveryMs === undefined ? {} : { everyMs: options.livePollsEveryMs }),
    ...(options.now ? { now: options.now } : {}),
  });
  return {
    ...scheduler,
    stop: async () => {
      stopped = true;
      clearTimeout(hostsRetry);
      clearTimeout(scriptRefresh);
      watcher?.close();
      await livePolls.stop();
      await scheduler.stop();
      // A store in flight finishes before the caller closes the database.
      await storing;
    },
  };
}
