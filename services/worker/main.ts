import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { queueName } from '../../lib/bus/amqp-topology.ts';
import { required, type VigilConfig } from '../../lib/config.ts';
import type { Logger } from '../../lib/log.ts';
import { startServiceObservability } from '../../lib/metrics/service-observability.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { startWorker } from './worker-service.ts';
import { createRecentCounter } from '../../lib/metrics/recent-counts.ts';

export async function runWorker(config: VigilConfig, log: Logger): Promise<ShutdownStep[]> {
  const bus = await connectAmqpBus({ url: required(config.amqpUrl, 'VIGIL_AMQP_URL'), prefix: config.amqpPrefix, packing: config.amqpPacking, log });
  const worker = await startWorker({
    bus,
    log,
    maxInFlight: config.workerMaxInFlight,
    knownHostsFile: config.knownHostsFile,
    hostKeyChecking: config.hostKeyChecking,
    ssh: { connectRatePerSec: config.sshConnectRate },
  });
  const recentJobs = createRecentCounter<{ taken: number; expired: number }>();
  // No database: /metrics and /healthz, its own queue's depth, and a heartbeat over the bus that the writer records.
  const observability = await startServiceObservability({
    service: 'worker',
    config,
    log,
    db: null,
    bus,
    queues: [queueName(config.amqpPrefix, 'poll.jobs', worker.subscriptionName)],
    // What `vigil status` shows of it: its queue, and how many of its hosts it has connected (a cold start's progress).
    // And the jobs it took since its last beat, of which how many had expired in its queue: a worker asked for more than it can poll.
    info: () => {
      const ssh = worker.sshConnections();
      return { subscription: worker.subscriptionName, sshOpen: ssh.open, sshConnecting: ssh.connecting, recentJobs: recentJobs(worker.jobCounts()) };
    },
  });
  return [
    { name: 'worker', run: () => worker.stop() },
    // Before the bus closes: the heartbeat says goodbye over it.
    ...observability,
    { name: 'message bus', run: () => bus.close() },
  ];
}
