// Data for the dashboard benchmark (bench/web.ts), written with the lib queries a real install runs:
// hosts through syncInventoryHosts (as an inventory sync does), one host's day of realistic raw
// samples (the simulator's poll output through the real parser, stored by insertSamples) rolled up
// by rollUpSamples, and a recent hour of plain figures for the rest of the fleet, so that the
// overview's table and sparklines have something to show for every host.
import { sql } from 'kysely';
import { buildSample } from '../lib/collect/build-sample.ts';
import { parsePollOutput } from '../lib/collect/parse-poll-output.ts';
import type { HostSnapshot, Sample } from '../lib/collect/sample.ts';
import type { VigilDb } from '../lib/db/database.ts';
import { ensureSamplePartitions } from '../lib/db/ensure-sample-partitions.ts';
import { insertSamples } from '../lib/db/queries/insert-samples.ts';
import { syncInventoryHosts } from '../lib/db/queries/sync-inventory-hosts.ts';
import { rollUpSamples } from '../lib/db/rollups/roll-up-samples.ts';
import { ensureRollupPartitions } from '../lib/db/rollups/rollup-partitions.ts';
import { recordRollupProgress } from '../lib/db/rollups/rollup-progress.ts';
import type { HostTarget } from '../lib/poll/host-target.ts';
import { renderPollOutput } from '../lib/simulator/render-poll-output.ts';
import { advanceHostState, createHostState } from '../lib/simulator/simulated-host-state.ts';

const DAY_MS = 86_400_000;
const INTERVAL_MS = 10_000;
const GROUPS = ['web', 'db', 'cache', 'batch', 'edge', 'monitoring'];

export const fleetHostName = (i: number): string => `fleet-${String(i).padStart(4, '0')}`;

function target(name: string, i: number): HostTarget {
  return {
    name,
    connection: 'ssh',
    address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    port: 22,
    user: 'root',
    privateKeyFile: null,
    intervalSec: 10,
    groups: [GROUPS[i % GROUPS.length] ?? 'web', i % 3 === 0 ? 'eu-west' : 'us-east'],
  };
}

/**
 * Makes the inventory hold `names` (a sync replaces the list, so pass every host wanted) and gives
 * the hosts in `fresh` an hour of samples every 5 minutes ending at nowMs (or `recent.minutes` of
 * them every `recent.everySec`), and status up.
 */
export async function seedFleet(db: VigilDb, names: string[], fresh: string[], nowMs: number, recent: { minutes: number; everySec: number } = { minutes: 55, everySec: 300 }): Promise<void> {
  await syncInventoryHosts(db, names.map((name, i) => target(name, i)));
  if (fresh.length === 0) return;
  await ensureSamplePartitions(db, nowMs - DAY_MS, 2);
  const filesystems = JSON.stringify([
    { mount: '/', device: '/dev/sda1', fstype: 'ext4', sizeBytes: 53660876800, usedBytes: 21464350720, availBytes: 29455630336, usedPct: 42.15 },
    { mount: '/var', device: '/dev/sdb1', fstype: 'xfs', sizeBytes: 107321753600, usedBytes: 64393052160, availBytes: 42928701440, usedPct: 60 },
  ]);
  const interfaces = JSON.stringify([{ name: 'eth0', rxBytesPerSec: 10234.5, txBytesPerSec: 8123.25, rxErrorsPerSec: 0, txErrorsPerSec: 0 }]);
  const to = new Date(Math.floor(nowMs / 1000) * 1000).toISOString();
  await sql`
    INSERT INTO samples (host, ts, cpu_busy_pct, cpu_count, mem_total_bytes, mem_available_bytes, mem_used_pct,
      swap_total_bytes, swap_used_bytes, load1, load5, load15, uptime_sec, net_rx_bps, net_tx_bps, disk_used_pct_max,
      filesystems, interfaces, disk_read_bps, disk_write_bps, processes_total, processes_running)
    SELECT h, t, random() * 100, 8, 34359738368, (random() * 34359738368)::int8, random() * 100,
      0, 0, random() * 4, random() * 4, random() * 4, 864000, random() * 1e6, random() * 1e6, 40 + random() * 20,
      ${filesystems}::json, ${interfaces}::json, random() * 1e6, random() * 1e6, 300, 2
    FROM unnest(${fresh}::text[]) AS h,
      generate_series(${to}::timestamptz - make_interval(mins => ${recent.minutes}), ${to}::timestamptz, make_interval(secs => ${recent.everySec})) AS t
    ON CONFLICT DO NOTHING`.execute(db);
  await sql`UPDATE hosts SET status = 'up', last_poll_at = ${to}::timestamptz, last_sample_at = ${to}::timestamptz
    WHERE name = ANY(${fresh}::text[])`.execute(db);
}

/**
 * `days` days of samples at 10 s for one host, ending at nowMs: simulator output parsed and built
 * as a worker does (filesystems, interfaces, disks, processes, pressure), stored by insertSamples,
 * then rolled up to 1-minute buckets as the writer's maintenance job would. Returns how many rows.
 */
export async function seedHostHistory(db: VigilDb, host: string, nowMs: number, days = 1): Promise<number> {
  const endMs = Math.floor(nowMs / INTERVAL_MS) * INTERVAL_MS;
  const startMs = endMs - days * DAY_MS;
  await ensureSamplePartitions(db, startMs, days + 1);
  const state = createHostState(host, 7, startMs - INTERVAL_MS);
  let previous: HostSnapshot = parsePollOutput(renderPollOutput(state));
  let batch: Sample[] = [];
  let stored = 0;
  for (let ts = startMs + INTERVAL_MS; ts <= endMs; ts += INTERVAL_MS) {
    advanceHostState(state, ts);
    const snapshot = parsePollOutput(renderPollOutput(state));
    batch.push(buildSample(host, ts, snapshot, previous));
    previous = snapshot;
    if (batch.length === 1000) {
      stored += await insertSamples(db, batch);
      batch = [];
    }
  }
  stored += await insertSamples(db, batch);
  await sql`UPDATE hosts SET status = 'up', last_poll_at = ${new Date(endMs).toISOString()}::timestamptz,
    last_sample_at = ${new Date(endMs).toISOString()}::timestamptz WHERE name = ${host}`.execute(db);

  const lastMinute = Math.floor(nowMs / 60_000) * 60_000;
  await ensureRollupPartitions(db, '1m', startMs, lastMinute);
  await rollUpSamples(db, { resolution: '1m', fromMs: startMs, toMs: lastMinute });
  await recordRollupProgress(db, '1m', lastMinute);
  await sql`ANALYZE`.execute(db);
  return stored;
}
