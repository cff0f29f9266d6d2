import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { required, type VigilConfig } from '../../lib/config.ts';
import type { Logger } from '../../lib/log.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { startWorker } from './worker-service.ts';

export async function runWorker(config: VigilConfig, log: Logger): Promise<ShutdownStep[]> {
  const bus = await connectAmqpBus({ url: required(config.amqpUrl, 'VIGIL_AMQP_URL'), prefix: config.amqpPrefix, log });
  const worker = await startWorker({ bus, log, maxInFlight: config.workerMaxInFlight, knownHostsFile: config.knownHostsFile, hostKeyChecking: config.hostKeyChecking });
  return [
    { name: 'worker', run: () => worker.stop() },
    { name: 'message bus', run: () => bus.close() },
  ];
}
