// The scheduler as deployed: its hosts come from the inventory file, every reload is mirrored
// into the hosts table (so the dashboard lists hosts before their first sample), and edits
// to the file are applied live.
import type { MessageBus } from '../../lib/bus/message-bus.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { syncInventoryHosts } from '../../lib/db/queries/sync-inventory-hosts.ts';
import { loadHostTargets } from '../../lib/inventory/to-host-target.ts';
import { watchInventory } from '../../lib/inventory/watch-inventory.ts';
import type { Logger } from '../../lib/log.ts';
import { startScheduler, type Scheduler } from './scheduler-service.ts';

export interface InventorySchedulerOptions {
  bus: MessageBus;
  db: VigilDb;
  log: Logger;
  inventoryPath: string;
}

export async function startInventoryScheduler(options: InventorySchedulerOptions): Promise<Scheduler> {
  const { bus, db, log, inventoryPath } = options;
  const scheduler = await startScheduler({
    bus,
    log,
    loadTargets: () => loadHostTargets(inventoryPath),
    onTargets: async (targets) => {
      const change = await syncInventoryHosts(db, targets);
      log.info('inventory loaded', {
        inventory: inventoryPath,
        hosts: targets.length,
        added: change.added.length,
        removed: change.removed.length,
        changed: change.changed.length,
      });
    },
  });
  const watcher = watchInventory(inventoryPath, () => void scheduler.reload());
  return {
    reload: () => scheduler.reload(),
    targets: () => scheduler.targets(),
    stop: async () => {
      watcher.close();
      await scheduler.stop();
    },
  };
}
