// The worker: takes poll jobs off the bus, polls each host over its persistent connection (and
// runs the host's service checks alongside), and publishes the result. A job is acknowledged
// only once its result is with the bus.
import { randomUUID } from 'node:crypto';
import type { MessageBus } from '../../lib/bus/message-bus.ts';
import { pollDoneOf } from '../../lib/bus/poll-done.ts';
import type { HostSnapshot } from '../../lib/collect/sample.ts';
import type { Logger } from '../../lib/log.ts';
import { processMetrics } from '../../lib/metrics/vigil-metrics.ts';
import type { SshConnectionCounts, VigilMetrics } from '../../lib/metrics/vigil-metrics.ts';
import { connectionKey } from '../../lib/poll/host-target.ts';
import type { PollJob, PollResult } from '../../lib/poll/poll-messages.ts';
import type { CommandRunner } from './command-runner.ts';
import { createLocalRunner } from './local-runner.ts';
import { detachSnapshotStrings } from '../../lib/collect/detach-snapshot-strings.ts';
import { keepSnapshot } from '../../lib/collect/keep-snapshot.ts';
import { pollScriptFor } from '../../lib/collect/poll-schedule.ts';
import { pollFromSource } from './poll-source.ts';
import type { PollSourceOptions } from './poll-source.ts';
import { HostKeyStore } from './host-key-store.ts';
import { SshConnections } from './ssh-connections.ts';
import { SnmpPoller } from './snmp-poller.ts';
import { VspherePoller } from './vsphere-poller.ts';
import type { SshConnectionsOptions } from './ssh-connections.ts';
import type { HostKeyChecking } from '../../lib/poll/host-target.ts';
import { DEFAULT_SYSTEMD_CHECK_TIMEOUT_MS, hasHostChecks, withHostChecks, type HostCheckMemory } from './run-host-checks.ts';
import type { HostChecksOptions } from './run-host-checks.ts';
import { createLibvirtGuestMemory, listsLibvirtGuests, withLibvirtGuests } from './libvirt-guests.ts';
import type { LibvirtGuestMemory } from './libvirt-guests.ts';

export interface WorkerOptions {
  bus: MessageBus;
  log: Logger;
  /** Polls in flight at once across all hosts (the subscription's prefetch). */
  maxInFlight?: number;
  connectTimeoutMs?: number;
  execTimeoutMs?: number;
  /** VIGIL_HOST_KEY_CHECKING; a host's own ansible_host_key_checking wins. Default accept-new. */
  hostKeyChecking?: HostKeyChecking;
  /** VIGIL_KNOWN_HOSTS: read, and where accept-new pins go. Unset: pins live in memory only. */
  knownHostsFile?: string | null;
  /** Read-only known_hosts files; default the user's and the system's. */
  userKnownHostsFiles?: string[];
  /**
   * After the first good poll of a host (new host, new or restarted worker), poll it again this
   * much later, so that CPU and network rates show at once instead of one interval later.
   * 0 turns it off. Default 1000.
   */
  primeDelayMs?: number;
  /** Pacing and limits of the SSH pool (tests tune them). */
  ssh?: Omit<SshConnectionsOptions, 'connectTimeoutMs' | 'hostKeys' | 'log'>;
  /** Where polls are counted; default this process's registry. */
  metrics?: VigilMetrics;
  /** A host's systemd checks (vigil_checks), run over its connection after its poll. Default 5000. */
  systemdCheckTimeoutMs?: number;
}

export interface Worker {
  /** Its poll.jobs subscription, which names its queue on RabbitMQ. */
  subscriptionName: string;
  /** Its SSH pool now: hosts connected, hosts connecting, connections started. */
  sshConnections(): SshConnectionCounts;
  /** Jobs taken off its queue so far: polled (or dropped as a duplicate), and expired before it reached them. */
  jobCounts(): { taken: number; expired: number };
  stop(): Promise<void>;
}

interface HostState {
  key: string;
  previous: HostSnapshot | undefined;
  /** The last full poll's snapshot: process CPU and fact changes are measured against it. */
  previousFull: HostSnapshot | undefined;
  /** Good light polls since the last good full one; null until there has been one (lib/collect/poll-schedule.ts). */
  lightPollsSinceFull: number | null;
  /** vigil_libvirt hosts: the guests' counters of the last listing, the base of their rates. */
  libvirt: LibvirtGuestMemory;
  /** Hosts with file checks: the last reading of their files, carried between readings. */
  checks: HostCheckMemory;
}

export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { bus, log } = options;
  const maxInFlight = options.maxInFlight ?? 64;
  const execTimeoutMs = options.execTimeoutMs ?? 10_000;
  const primeDelayMs = options.primeDelayMs ?? 1000;
  const metrics = options.metrics ?? processMetrics();
  let stopping = false;
  const hostKeys = new HostKeyStore({
    mode: options.hostKeyChecking ?? 'accept-new',
    pinFile: options.knownHostsFile ?? null,
    ...(options.userKnownHostsFiles ? { knownHostsFiles: options.userKnownHostsFiles } : {}),
  });
  const connections = new SshConnections({ ...options.ssh, connectTimeoutMs: options.connectTimeoutMs ?? 5000, hostKeys, log });
  metrics.watchSshConnections(() => connections.counts());
  const localRunner = createLocalRunner();
  // vigil_source: snmp hosts: their sessions and previous reports, kept across polls.
  const snmp = new SnmpPoller();
  // vigil_source: vsphere hosts: their logged-in sessions, kept across polls.
  const vsphere = new VspherePoller();
  const hosts = new Map<string, HostState>();
  const polling = new Set<string>();
  const jobCounts = { taken: 0, expired: 0 };
  const checkOptions: HostChecksOptions = { systemdTimeoutMs: options.systemdCheckTimeoutMs ?? DEFAULT_SYSTEMD_CHECK_TIMEOUT_MS };

  const pollAndPublish = async (runner: CommandRunner, job: PollJob, state: HostState): Promise<PollResult['kind']> => {
    const target = job.target;
    const pollOptions: PollSourceOptions = {
      execTimeoutMs, kind: pollScriptFor(target, state.lightPollsSinceFull), snmp, vsphere, previousFull: state.previousFull,
    };
    // Most hosts have neither checks nor guests: they skip the wrappers' promises and copies.
    // The host's guests (vigil_libvirt) are listed over its connection after its poll, before its systemd checks.
    const { result, snapshot, exporterFailure } = !hasHostChecks(target) && !listsLibvirtGuests(target)
      ? await pollFromSource(runner, job, state.previous, pollOptions)
      : await withHostChecks(runner, target, () => withLibvirtGuests(runner, target, state.libvirt, () => pollFromSource(runner, job, state.previous, pollOptions), { log }), checkOptions, state.checks);
    if (exporterFailure) {
      log.debug('node_exporter missed, polled over SSH', { host: job.target.name, seq: job.seq, reason: exporterFailure.reason, message: exporterFailure.message });
    }
    if (snapshot) {
      // Kept until the host's next poll (a full one until the next full): not the whole output
      // with it, and the counters written into the host's own kept snapshots (keep-snapshot.ts says why).
      const detached = detachSnapshotStrings(snapshot);
      state.previous = keepSnapshot(state.previous, detached);
      if (snapshot.script === 'full') {
        state.previousFull = keepSnapshot(state.previousFull, detached);
        state.lightPollsSinceFull = 0;
      } else if (state.lightPollsSinceFull !== null) {
        state.lightPollsSinceFull++;
      }
      // A light poll that saw a reboot: the kernel, the mounts and the processes may all be new, so
      // the next poll is full instead of carrying the filesystems and facts from before it.
      if (snapshot.script !== 'full' && result.kind === 'sample' && result.sample.rebooted) state.lightPollsSinceFull = null;
    }
    metrics.recordPoll(result);
    if (result.kind === 'failure') {
      log.debug('poll failed', { host: job.target.name, seq: job.seq, reason: result.reason, message: result.message });
    }
    await bus.publish('poll.results', result);
    // Only once the result is with the bus, as the scheduler's mark was cleared by the result
    // before; not awaited, so the job's ack does not wait another pack window. A notice lost
    // here lets the mark expire at the host's next slot.
    bus.publish('poll.done', pollDoneOf(result)).catch((err: unknown) => {
      log.debug('publishing a poll completion failed', { host: result.host, seq: result.seq, error: err });
    });
    return result.kind;
  };

  const handleJob = async (job: PollJob): Promise<void> => {
    const name = job.target.name;
    jobCounts.taken++;
    // Expired in the queue: this worker is behind, asked for more polls than it does.
    if (Date.now() > job.expiresAt) {
      jobCounts.expired++;
      log.debug('dropping expired poll job', { host: name, seq: job.seq, expiresAt: job.expiresAt });
      return;
    }
    // A host slower than its interval must not pile up polls (and connections) against itself.
    if (polling.has(name)) {
      log.debug('dropping poll job: host already being polled', { host: name, seq: job.seq });
      return;
    }
    polling.add(name);
    try {
      const key = connectionKey(job.target);
      let state = hosts.get(name);
      if (!state || state.key !== key) {
        // Counters from another address or user are not this host's: no rate across the change.
        // The old connection goes too, also when the host switched to ansible_connection=local.
        if (state) connections.drop(name);
        state = { key, previous: undefined, previousFull: undefined, lightPollsSinceFull: null, libvirt: createLibvirtGuestMemory(), checks: {} };
        hosts.set(name, state);
      }
      const runner: CommandRunner = job.target.connection === 'local' ? localRunner : connections.runnerFor(job.target, key);
      const firstContact = state.previous === undefined;
      const polled = await pollAndPublish(runner, job, state);
      if (firstContact && polled === 'sample' && primeDelayMs > 0 && !stopping) {
        await new Promise((resolve) => setTimeout(resolve, primeDelayMs));
        if (!stopping && Date.now() < job.expiresAt) await pollAndPublish(runner, job, state);
      }
    } finally {
      polling.delete(name);
    }
  };

  // Each worker its own transient subscription: poll.jobs is partitioned by host over the live
  // subscriptions, so a host sticks to this worker while it runs and moves when it stops.
  const subscriptionName = `worker-${randomUUID()}`;
  const subscription = await bus.subscribe('poll.jobs', { name: subscriptionName, durable: false, prefetch: maxInFlight }, handleJob);
  log.info('worker started', { maxInFlight, execTimeoutMs, hostKeyChecking: hostKeys.mode, knownHostsFile: hostKeys.pinFile });

  return {
    subscriptionName,
    sshConnections: () => connections.counts(),
    jobCounts: () => ({ ...jobCounts }),
    stop: async () => {
      stopping = true;
      await subscription.close();
      connections.closeAll();
      metrics.watchSshConnections(null);
      localRunner.close();
      snmp.close();
      await vsphere.close();
      log.info('worker stopped');
    },
  };
}
