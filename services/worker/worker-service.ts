// The worker: takes poll jobs off the bus, polls each host over its persistent connection,
// and publishes the result. A job is acknowledged only once its result is with the bus.
import type { MessageBus } from '../../lib/bus/message-bus.ts';
import type { HostSnapshot } from '../../lib/collect/sample.ts';
import type { Logger } from '../../lib/log.ts';
import { connectionKey } from '../../lib/poll/host-target.ts';
import type { PollJob } from '../../lib/poll/poll-messages.ts';
import type { CommandRunner } from './command-runner.ts';
import { createLocalRunner } from './local-runner.ts';
import { pollHost } from './poll-host.ts';
import { SshConnections } from './ssh-connections.ts';

export interface WorkerOptions {
  bus: MessageBus;
  log: Logger;
  /** Polls in flight at once across all hosts (the subscription's prefetch). */
  maxInFlight?: number;
  connectTimeoutMs?: number;
  execTimeoutMs?: number;
}

export interface Worker {
  stop(): Promise<void>;
}

interface HostState {
  key: string;
  previous: HostSnapshot | undefined;
}

export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const { bus, log } = options;
  const maxInFlight = options.maxInFlight ?? 64;
  const execTimeoutMs = options.execTimeoutMs ?? 10_000;
  const connections = new SshConnections({ connectTimeoutMs: options.connectTimeoutMs ?? 5000, log });
  const localRunner = createLocalRunner();
  const hosts = new Map<string, HostState>();
  const polling = new Set<string>();

  const handleJob = async (job: PollJob): Promise<void> => {
    const name = job.target.name;
    if (Date.now() > job.expiresAt) {
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
        state = { key, previous: undefined };
        hosts.set(name, state);
      }
      const runner: CommandRunner = job.target.connection === 'local' ? localRunner : connections.runnerFor(job.target);
      const { result, snapshot } = await pollHost(runner, job, state.previous, { execTimeoutMs });
      if (snapshot) state.previous = snapshot;
      if (result.kind === 'failure') {
        log.debug('poll failed', { host: name, seq: job.seq, reason: result.reason, message: result.message });
      }
      await bus.publish('poll.results', result);
    } finally {
      polling.delete(name);
    }
  };

  const subscription = await bus.subscribe('poll.jobs', { name: 'workers', durable: true, prefetch: maxInFlight }, handleJob);
  log.info('worker started', { maxInFlight, execTimeoutMs });

  return {
    stop: async () => {
      await subscription.close();
      connections.closeAll();
      localRunner.close();
      log.info('worker stopped');
    },
  };
}
