// The settings the rule evaluator needs of every host in the inventory, read every few seconds:
// an inventory edit reaches the hosts table through the scheduler, and the evaluator from here.
import type { HostAlerting } from '../../alerting/alerts-config.ts';
import type { HostSettings } from '../../alerting/rule-state.ts';
import type { VigilDb } from '../database.ts';

/**
 * Hosts that have not left the inventory, by name. An entry of a vSphere endpoint (a hypervisor or
 * VM) is reached through its parent as a host is through its bastion: the parent is on its `via`,
 * so that the parent's host_down holds back their own alerts (no_data for each of its VMs).
 */
export async function selectHostsForEvaluation(db: VigilDb): Promise<Map<string, HostSettings>> {
  const rows = await db.selectFrom('hosts').select(['name', 'interval_sec', 'alerting', 'via', 'parent']).where('removed_at', 'is', null).execute();
  const hosts = new Map<string, HostSettings>();
  for (const row of rows) {
    const alerting = parsed(row.alerting);
    const via = parsed(row.via);
    hosts.set(row.name, {
      name: row.name,
      intervalSec: row.interval_sec,
      alerting: typeof alerting === 'object' && alerting !== null ? (alerting as HostAlerting) : null,
      via: [...(Array.isArray(via) ? via.map(String) : []), ...(row.parent === null ? [] : [row.parent])],
    });
  }
  return hosts;
}

// Drivers differ on whether a json column arrives parsed.
function parsed(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}
