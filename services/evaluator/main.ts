import { loadAlertsFile } from '../../lib/alerting/alerts-file.ts';
import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { required, type VigilConfig } from '../../lib/config.ts';
import { migrateToLatest } from '../../lib/db/migrate.ts';
import { openDatabase } from '../../lib/db/open-database.ts';
import type { Logger } from '../../lib/log.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { startEvaluator } from './evaluator-service.ts';

export async function runEvaluator(config: VigilConfig, log: Logger): Promise<ShutdownStep[]> {
  // Read first: a broken rules file stops the start with every problem listed, before any connection.
  const rules = await loadAlertsFile(config.alertRules);
  const database = await openDatabase({ url: required(config.databaseUrl, 'VIGIL_DATABASE_URL') });
  await migrateToLatest(database.db);
  const bus = await connectAmqpBus({ url: required(config.amqpUrl, 'VIGIL_AMQP_URL'), prefix: config.amqpPrefix, log });
  const evaluator = await startEvaluator({ bus, db: database.db, log, config: rules, downAfter: config.downAfter });
  return [
    { name: 'evaluator', run: () => evaluator.stop() },
    { name: 'message bus', run: () => bus.close() },
    { name: 'database', run: () => database.close() },
  ];
}
