// The live change feed (migration 0009) stamped a host's row only when its last sample, status or
// reason changed. For child entries (0016) the overview also shows the power state and the
// hypervisor a VM runs on: a change of only those (a VM moved to another hypervisor, suspended
// while its status stays down) never reached a dashboard kept live. They change seldom, so
// watching them does not wake browsers on every poll. The failure message stays unwatched on
// purpose: it may differ from one failed poll to the next, and a host failing again for the same
// reason must not wake every browser.
import type { Kysely } from 'kysely';
import { replaceStampFunction } from './stamp-changes.ts';

const BEFORE = ['last_sample_at', 'status', 'status_reason'];
const NOW = [...BEFORE, 'power_state', 'runs_on'];

export async function up(db: Kysely<any>): Promise<void> {
  await replaceStampFunction(db, 'hosts', NOW);
}

export async function down(db: Kysely<any>): Promise<void> {
  await replaceStampFunction(db, 'hosts', BEFORE);
}
