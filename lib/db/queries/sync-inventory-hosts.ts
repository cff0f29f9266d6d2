// Makes the hosts table follow the inventory. A host that leaves keeps its row and history
// (marked removed_at) so that its graphs stay readable; if it comes back, it is live again.
// Child entries (a vCenter's hypervisors and VMs, hosts.parent, migration 0016) are not in the
// inventory: they belong to their parent, leave with it, and come back with its next good poll
// (lib/db/queries/apply-poll-results.ts).
import type { Kysely } from 'kysely';
import type { HostTarget } from '../../poll/host-target.ts';
import type { Database } from '../database.ts';
import { inStatementBatches } from '../statement-batches.ts';

export interface InventorySyncChanges {
  /** New hosts, and removed hosts that came back. */
  added: string[];
  /** Hosts that left the inventory in this sync. */
  removed: string[];
  /** Present before and now, with a different address, connection, groups, interval, alerting settings or bastions. */
  changed: string[];
}

export async function syncInventoryHosts(db: Kysely<Database>, targets: HostTarget[]): Promise<InventorySyncChanges> {
  const wanted = new Map(targets.map((target) => [target.name, target]));
  return db.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('hosts')
      .select(['name', 'address', 'connection', 'groups', 'interval_sec', 'removed_at', 'alerting', 'via', 'parent'])
      .orderBy('name')
      .forUpdate()
      .execute();
    const existing = new Map(rows.map((row) => [row.name, row]));
    const changes: InventorySyncChanges = { added: [], removed: [], changed: [] };
    const upserts = [];
    for (const target of [...wanted.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const row = existing.get(target.name);
      const groups = JSON.stringify(target.groups);
      const alerting = target.alerting ? JSON.stringify(target.alerting) : null;
      const via = JSON.stringify(bastionNames(target, targets));
      if (!row || row.removed_at !== null) changes.added.push(target.name);
      else if (
        row.address !== target.address ||
        row.connection !== target.connection ||
        row.interval_sec !== target.intervalSec ||
        JSON.stringify(row.groups) !== groups ||
        jsonText(row.alerting) !== alerting ||
        jsonText(row.via) !== via
      )
        changes.changed.push(target.name);
      else continue;
      upserts.push({
        name: target.name,
        address: target.address,
        connection: target.connection,
        groups,
        interval_sec: target.intervalSec,
        alerting,
        via,
        removed_at: null,
      });
    }
    // 8 parameters a row: one VALUES list for a whole inventory of 8,192 hosts or more was refused.
    for (const batch of inStatementBatches(upserts, 8)) {
      await trx
        .insertInto('hosts')
        .values(batch)
        .onConflict((oc) =>
          oc.column('name').doUpdateSet((eb) => ({
            address: eb.ref('excluded.address'),
            connection: eb.ref('excluded.connection'),
            groups: eb.ref('excluded.groups'),
            interval_sec: eb.ref('excluded.interval_sec'),
            alerting: eb.ref('excluded.alerting'),
            via: eb.ref('excluded.via'),
            removed_at: null,
          })),
        )
        .execute();
    }
    for (const row of rows) {
      if (row.removed_at !== null || wanted.has(row.name)) continue;
      // A child goes when its parent does (now, or before: a child sampled by a poll in flight then).
      if (row.parent !== null && wanted.has(row.parent)) continue;
      changes.removed.push(row.name);
    }
    const removedAt = new Date();
    for (const batch of inStatementBatches(changes.removed, 1)) {
      await trx.updateTable('hosts').set({ removed_at: removedAt }).where('name', 'in', batch).execute();
    }
    return changes;
  });
}

/**
 * The inventory hosts that a host's ProxyJump hops are, by inventory name or by address and
 * port: the evaluator holds back a host's "down" alert while one of them fails.
 */
export function bastionNames(target: HostTarget, targets: HostTarget[]): string[] {
  const names: string[] = [];
  for (const hop of target.jumpHosts ?? []) {
    const bastion =
      targets.find((t) => t.name !== target.name && t.address === hop.address && t.port === hop.port) ??
      targets.find((t) => t.name !== target.name && t.name === hop.address);
    if (bastion && !names.includes(bastion.name)) names.push(bastion.name);
  }
  return names;
}

/** A json column as text, whether the driver parsed it or not; null for SQL NULL. */
function jsonText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
