import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { required, type VigilConfig } from '../../lib/config.ts';
import { migrateToLatest } from '../../lib/db/migrate.ts';
import { openDatabase } from '../../lib/db/open-database.ts';
import type { Logger } from '../../lib/log.ts';
import { knownQueueNames } from '../../lib/metrics/amqp-queue-stats.ts';
import { startServiceObservability } from '../../lib/metrics/service-observability.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { startWriter } from './writer-service.ts';

export async function runWriter(config: VigilConfig, log: Logger): Promise<ShutdownStep[]> {
  const database = await openDatabase({ url: required(config.databaseUrl, 'VIGIL_DATABASE_URL') });
  await migrateToLatest(database.db);
  const bus = await connectAmqpBus({ url: required(config.amqpUrl, 'VIGIL_AMQP_URL'), prefix: config.amqpPrefix, packing: config.amqpPacking, log });
  const writer = await startWriter({
    bus,
    db: database.db,
    log,
    downAfter: config.downAfter,
    maintenance: { rawRetentionDays: config.rawRetentionDays, rollupRetentionDays: config.rollupRetentionDays },
  });
  const observability = await startServiceObservability({ service: 'writer', config, log, db: database.db, queues: knownQueueNames(config.amqpPrefix) });
  return [
    { name: 'writer', run: () => writer.stop() },
    { name: 'message bus', run: () => bus.close() },
    ...observability,
    { name: 'database', run: () => database.close() },
  ];
}
