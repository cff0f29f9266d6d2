// Turns a batch of poll results into stored samples, failure records and host status,
// atomically, so that a batch acknowledged on the bus is wholly in the database.
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { childResults } from '../../poll/child-results.ts';
import type { PollChild, PollFailure, PollResult, PollSuccess } from '../../poll/poll-messages.ts';
import type { HostFacts } from '../../collect/sample.ts';
import type { Database, HostStatus } from '../database.ts';
import { transactionWithCopy } from '../copy-transaction.ts';
import { inStatementBatches } from '../statement-batches.ts';
import { storeSamplesReturningKeys } from './store-samples.ts';
import { removeMissingChildren } from './remove-missing-children.ts';

export interface ApplyPollResultsOptions {
  /** Consecutive failures after which a host is marked down. */
  downAfter: number;
}

interface HostState {
  name: string;
  status: HostStatus;
  status_reason: string | null;
  status_message: string | null;
  consecutive_failures: number;
  last_poll_at: Date | null;
  last_sample_at: Date | null;
  last_sample_source: string | null;
  boot_time: Date | null;
  /** The facts of the newest sample in the batch that carried any; null: leave the row's as they are. */
  facts: HostFacts | null;
  facts_at: Date | null;
  /** Child entries only (migration 0016): the host polled through, and what it said of them. */
  parent: string | null;
  power_state: string | null;
  runs_on: string | null;
  address: string;
}

/** A child entry's sample as a result of its own, with what its parent's poll said of it. */
interface ChildOf {
  parent: string;
  child: PollChild;
  /** How the parent reaches it: its vCenter's API (`vsphere`) or virsh over the parent's SSH (`libvirt`). */
  connection: 'vsphere' | 'libvirt';
}

export async function applyPollResults(
  db: Kysely<Database>,
  results: PollResult[],
  options: ApplyPollResultsOptions,
): Promise<void> {
  if (results.length === 0) return;
  // Entries seen through a host's poll (PollSuccess.children: a vCenter's hypervisors and VMs, a
  // KVM host's guests) are stored as hosts of their own, with the parent's seq and times: a
  // redelivered parent result is then a redelivered child result too.
  const children = new Map<PollResult, ChildOf>();
  const expanded: PollResult[] = [];
  for (const result of results) {
    expanded.push(result);
    const connection = result.kind === 'sample' && result.sample.source === 'vsphere' ? 'vsphere' : 'libvirt';
    for (const { parent, child, result: childResult } of childResults(result)) {
      children.set(childResult, { parent, child, connection });
      expanded.push(childResult);
    }
  }
  // Per host in seq order; hosts in name order so that concurrent writers lock rows alike.
  const ordered = [...expanded].sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.seq - b.seq));
  const hostNames = [...new Set(ordered.map((result) => result.host))];

  await transactionWithCopy(db, async (trx, copyIn) => {
    // Hosts normally exist already (inventory sync creates them): lock them first, and insert
    // only those missing, which saves a statement on nearly every batch.
    const rows = await lockHosts(trx, hostNames);
    if (rows.length < hostNames.length) {
      const found = new Set(rows.map((row) => row.name));
      const missing = hostNames.filter((name) => !found.has(name));
      const childOf = new Map([...children.values()].map((of) => [of.child.sample.host, of]));
      await trx
        .insertInto('hosts')
        .values(missing.map((name) => {
          const of = childOf.get(name);
          const parent = of?.parent;
          // A child entry is reached through its parent's API, never on its own: its connection says so,
          // and it is sampled at its parent's pace, which staleness and no_data must expect.
          const interval_sec = parent === undefined ? 10 : sql<number>`coalesce((SELECT interval_sec FROM hosts WHERE name = ${parent}), 10)`;
          return { name, address: name, connection: of?.connection ?? 'ssh', groups: '[]', interval_sec, parent: parent ?? null };
        }))
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      // A later statement, so it also sees a row another writer committed meanwhile.
      rows.push(...(await lockHosts(trx, missing)));
    }
    const states = new Map<string, HostState>(rows.map((row) => [row.name, { ...row, facts: null, facts_at: null }]));

    const successes = ordered.filter((result): result is PollSuccess => result.kind === 'sample');
    const failures = ordered.filter((result): result is PollFailure => result.kind === 'failure');
    // The result's host is the identity; a sample never gets stored under another name.
    const newSamples = new Set(
      (await storeSamplesReturningKeys(trx, successes.map((result) => ({ ...result.sample, host: result.host })), copyIn)).map(
        (key) => keyOf(key.host, key.ts),
      ),
    );
    const newFailures = new Set((await insertFailuresReturningKeys(trx, failures)).map((key) => keyOf(key.host, key.ts)));

    const touched = new Set<string>();
    for (const result of ordered) {
      const state = states.get(result.host);
      if (!state) continue;
      // A redelivered result was applied the first time: counting it again would double a
      // failure streak or flip a host back to a state it already left.
      const fresh =
        result.kind === 'sample'
          ? newSamples.delete(keyOf(result.host, result.sample.ts))
          : newFailures.delete(keyOf(result.host, result.finishedAt));
      if (!fresh) continue;
      applyResult(state, result, options.downAfter);
      const childOf = children.get(result);
      if (childOf !== undefined && result.kind === 'sample') applyChild(state, result, childOf);
      touched.add(result.host);
    }
    if (touched.size > 0) await updateHostStates(trx, [...touched].map((name) => states.get(name) as HostState));
    // After the update, so that an entry listed in this batch counts as seen.
    await removeMissingChildren(trx, results);
  });
}

async function lockHosts(db: Kysely<Database>, names: string[]) {
  return db
    .selectFrom('hosts')
    .select([
      'name', 'status', 'status_reason', 'status_message', 'consecutive_failures', 'last_poll_at', 'last_sample_at', 'last_sample_source', 'boot_time',
      'parent', 'power_state', 'runs_on', 'address',
    ])
    .where('name', 'in', names)
    .orderBy('name')
    .forUpdate()
    .execute();
}

function applyResult(state: HostState, result: PollResult, downAfter: number): void {
  state.last_poll_at = later(state.last_poll_at, new Date(result.finishedAt));
  if (result.kind === 'sample') {
    state.status = 'up';
    state.status_reason = null;
    state.status_message = null;
    state.consecutive_failures = 0;
    const sampleAt = new Date(result.sample.ts);
    // Results of a batch may arrive out of order: only the newest sample's source, boot time and facts count.
    if (state.last_sample_at === null || sampleAt.getTime() >= state.last_sample_at.getTime()) {
      state.last_sample_source = result.sample.source ?? 'ssh';
      const bootTime = result.sample.bootTime;
      if (bootTime != null && Number.isFinite(bootTime)) state.boot_time = new Date(bootTime);
      if (result.sample.facts != null) {
        state.facts = result.sample.facts;
        state.facts_at = sampleAt;
      }
    }
    state.last_sample_at = later(state.last_sample_at, sampleAt);
    return;
  }
  state.consecutive_failures += 1;
  state.status_reason = result.reason;
  state.status_message = result.message;
  if (state.consecutive_failures >= downAfter) state.status = 'down';
}

/**
 * What the parent's poll said of a child entry. Called after applyResult, which set it up; a child
 * vSphere reports not running (a VM powered off or suspended, a hypervisor in standby or
 * disconnected) is shown down for that reason instead: it did not fail to answer, so no failure
 * streak counts and host_down (which keys on failed polls) stays quiet for a VM switched off on
 * purpose, while the overview still does not show it as up. Only the newest sample's word counts.
 */
function applyChild(state: HostState, result: PollSuccess, { parent, child }: ChildOf): void {
  state.parent = parent;
  if (state.last_sample_at !== null && result.sample.ts < state.last_sample_at.getTime()) return;
  state.power_state = child.powerState;
  state.runs_on = child.runsOn;
  // The guest IP when VMware Tools report one; otherwise the address stays what it was.
  if (child.address !== null) state.address = child.address;
  if (child.down !== undefined) {
    state.status = 'down';
    state.status_reason = child.down.reason;
    state.status_message = child.down.message;
  }
}

function later(current: Date | null, candidate: Date): Date {
  return current !== null && current.getTime() > candidate.getTime() ? current : candidate;
}

function keyOf(host: string, ts: number): string {
  return `${host}\0${ts}`;
}

async function insertFailuresReturningKeys(
  db: Kysely<Database>,
  failures: PollFailure[],
): Promise<Array<{ host: string; ts: number }>> {
  if (failures.length === 0) return [];
  const keys: Array<{ host: string; ts: number }> = [];
  for (const batch of inStatementBatches(failures, 5)) {
    const rows = await db
      .insertInto('poll_failures')
      .values(
        batch.map((failure) => ({
          host: failure.host,
          ts: new Date(failure.finishedAt),
          reason: failure.reason,
          message: failure.message,
          // The checks run from the worker answer even when the host's poll failed (migration 0015).
          checks: failure.checks != null && failure.checks.length > 0 ? JSON.stringify(failure.checks) : null,
        })),
      )
      .onConflict((oc) => oc.columns(['host', 'ts']).doNothing())
      .returning(['host', 'ts'])
      .execute();
    for (const row of rows) keys.push({ host: row.host, ts: row.ts.getTime() });
  }
  return keys;
}

// One statement for the whole batch instead of one UPDATE per host.
async function updateHostStates(db: Kysely<Database>, states: HostState[]): Promise<void> {
  const payload = JSON.stringify(
    states.map((state) => ({
      ...state,
      last_poll_at: state.last_poll_at?.toISOString() ?? null,
      last_sample_at: state.last_sample_at?.toISOString() ?? null,
      boot_time: state.boot_time?.toISOString() ?? null,
      has_facts: state.facts !== null,
      hostname: state.facts?.hostname ?? null,
      kernel: state.facts?.kernel ?? null,
      os_name: state.facts?.osName ?? null,
      os_version: state.facts?.osVersion ?? null,
      cpu_model: state.facts?.cpuModel ?? null,
      architecture: state.facts?.architecture ?? null,
      facts_at: state.facts_at?.toISOString() ?? null,
      facts: undefined,
    })),
  );
  await sql`
    UPDATE hosts SET
      status = u.status,
      status_reason = u.status_reason,
      status_message = u.status_message,
      consecutive_failures = u.consecutive_failures,
      last_poll_at = u.last_poll_at,
      last_sample_at = u.last_sample_at,
      last_sample_source = u.last_sample_source,
      boot_time = u.boot_time,
      hostname = CASE WHEN u.has_facts THEN u.hostname ELSE hosts.hostname END,
      kernel = CASE WHEN u.has_facts THEN u.kernel ELSE hosts.kernel END,
      os_name = CASE WHEN u.has_facts THEN u.os_name ELSE hosts.os_name END,
      os_version = CASE WHEN u.has_facts THEN u.os_version ELSE hosts.os_version END,
      cpu_model = CASE WHEN u.has_facts THEN u.cpu_model ELSE hosts.cpu_model END,
      architecture = CASE WHEN u.has_facts THEN u.architecture ELSE hosts.architecture END,
      facts_at = CASE WHEN u.has_facts THEN u.facts_at ELSE hosts.facts_at END,
      parent = u.parent,
      power_state = u.power_state,
      runs_on = u.runs_on,
      address = u.address,
      -- A child entry follows its parent's interval, also when the inventory changes it; an
      -- inventory host (most rows of every batch) keeps its own without the lookup.
      interval_sec = CASE WHEN u.parent IS NULL THEN hosts.interval_sec
        ELSE coalesce((SELECT p.interval_sec FROM hosts p WHERE p.name = u.parent), hosts.interval_sec) END,
      -- A child entry sampled again is back (its parent returned to the inventory), unless its
      -- parent is still removed: a poll in flight when the parent left must not revive it.
      removed_at = CASE
        WHEN u.parent IS NOT NULL AND EXISTS (SELECT 1 FROM hosts p WHERE p.name = u.parent AND p.removed_at IS NULL) THEN NULL
        ELSE hosts.removed_at END
    FROM json_to_recordset(${payload}::json) AS u(
      name text, status text, status_reason text, status_message text,
      consecutive_failures integer, last_poll_at timestamptz, last_sample_at timestamptz,
      last_sample_source text, boot_time timestamptz, has_facts boolean, hostname text, kernel text, os_name text,
      os_version text, cpu_model text, architecture text, facts_at timestamptz,
      parent text, power_state text, runs_on text, address text)
    WHERE hosts.name = u.name`.execute(db);
}
