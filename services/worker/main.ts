import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { queueName } from '../../lib/bus/amqp-topology.ts';
import { required, type VigilConfig } from '../../lib/config.ts';
import type { Logger } from '../../lib/log.ts';
import { startServiceObservability } from '../../lib/metrics/service-observability.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { startWorker } from './worker-service.ts';

export async function runWorker(config: VigilConfig, log: Logger): Promise<ShutdownStep[]> {
  const bus = await connectAmqpBus({ url: required(config.amqpUrl, 'VIGIL_AMQP_URL'), prefix: config.amqpPrefix, log });
  const worker = await startWorker({ bus, log, maxInFlight: config.workerMaxInFlight, knownHostsFile: config.knownHostsFile, hostKeyChecking: config.hostKeyChecking });
  // No database: the worker is watched through its /metrics and /healthz, and its own queue's depth.
  const observability = await startServiceObservability({ service: 'worker', config, log, db: null, queues: [queueName(config.amqpPrefix, 'poll.jobs', worker.subscriptionName)] });
  return [
    { name: 'worker', run: () => worker.stop() },
    { name: 'message bus', run: () => bus.close() },
    ...observability,
  ];
}
