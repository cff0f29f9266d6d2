// Brings the schema to the latest version. Every service calls it at start, so several may
// run it at once: kysely's Migrator holds a PostgreSQL advisory lock for the whole run.
import { Migrator } from 'kysely';
import type { Migration, MigrationProvider } from 'kysely';
import type { VigilDb } from './database.ts';
import * as initial from './migrations/0001-initial.ts';
import * as inventoryReloads from './migrations/0002-inventory-reloads.ts';
import * as sampleDetails from './migrations/0003-sample-details.ts';
import * as hostAlerting from './migrations/0004-host-alerting.ts';
import * as alerts from './migrations/0005-alerts.ts';
import * as rollups from './migrations/0006-rollups.ts';
import * as serviceHeartbeats from './migrations/0007-service-heartbeats.ts';
import * as usersAndSessions from './migrations/0008-users-and-sessions.ts';
import * as livePolls from './migrations/0009-live-polls.ts';
import * as inventorySnapshot from './migrations/0010-inventory-snapshot.ts';
import * as rollupChartDetail from './migrations/0011-rollup-chart-detail.ts';
import * as sparklineCoveringKey from './migrations/0012-sparkline-covering-key.ts';
import * as sampleChunks from './migrations/0013-sample-chunks.ts';
import * as hostSampleSource from './migrations/0014-host-sample-source.ts';
import * as sampleChecksAndDevice from './migrations/0015-sample-checks-and-device.ts';
import * as childHosts from './migrations/0016-child-hosts.ts';
import * as stampMoreHostChanges from './migrations/0017-stamp-more-host-changes.ts';
import * as sampleKernelActivity from './migrations/0018-sample-kernel-activity.ts';
import * as rollupKernelActivity from './migrations/0019-rollup-kernel-activity.ts';
import * as recordRetention from './migrations/0020-record-retention.ts';
import * as alertHeldBack from './migrations/0021-alert-held-back.ts';
import * as alertEpisodes from './migrations/0022-alert-episodes.ts';
import * as statusIncidents from './migrations/0023-status-incidents.ts';
import * as alertEscalation from './migrations/0024-alert-escalation.ts';
import * as sampleClockOffset from './migrations/0025-sample-clock-offset.ts';

// Listed by hand, not scanned from a directory, so that bundling cannot drop or reorder one.
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-inventory-reloads': inventoryReloads,
  '0003-sample-details': sampleDetails,
  '0004-host-alerting': hostAlerting,
  '0005-alerts': alerts,
  '0006-rollups': rollups,
  '0007-service-heartbeats': serviceHeartbeats,
  '0008-users-and-sessions': usersAndSessions,
  '0009-live-polls': livePolls,
  '0010-inventory-snapshot': inventorySnapshot,
  '0011-rollup-chart-detail': rollupChartDetail,
  '0012-sparkline-covering-key': sparklineCoveringKey,
  '0013-sample-chunks': sampleChunks,
  '0014-host-sample-source': hostSampleSource,
  '0015-sample-checks-and-device': sampleChecksAndDevice,
  '0016-child-hosts': childHosts,
  '0017-stamp-more-host-changes': stampMoreHostChanges,
  '0018-sample-kernel-activity': sampleKernelActivity,
  '0019-rollup-kernel-activity': rollupKernelActivity,
  '0020-record-retention': recordRetention,
  '0021-alert-held-back': alertHeldBack,
  '0022-alert-episodes': alertEpisodes,
  '0023-status-incidents': statusIncidents,
  '0024-alert-escalation': alertEscalation,
  '0025-sample-clock-offset': sampleClockOffset,
};

/** Every migration's name, in order: what kysely_migration holds once the schema is current. */
export const MIGRATION_NAMES: readonly string[] = Object.keys(MIGRATIONS);

const staticProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};

export async function migrateToLatest(db: VigilDb): Promise<void> {
  const migrator = new Migrator({ db, provider: staticProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error === undefined) return;
  const failed = results?.find((result) => result.status === 'Error');
  const reason = error instanceof Error ? error.message : String(error);
  const what = failed ? `migration ${failed.migrationName} failed` : 'migrating the database failed';
  throw new Error(`${what}: ${reason}`, { cause: error });
}
