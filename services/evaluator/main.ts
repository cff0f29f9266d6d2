// `vigil evaluator`: the rule evaluator as its own process, on RabbitMQ and PostgreSQL. Its rules
// file (VIGIL_ALERT_RULES) is followed: an edit applies without a restart, a broken one is
// reported and the last good rules stay in force.
import { loadAlertsFile } from '../../lib/alerting/alerts-file.ts';
import { watchAlertsFile } from '../../lib/alerting/watch-alerts-file.ts';
import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { queueName } from '../../lib/bus/amqp-topology.ts';
import { required, type VigilConfig } from '../../lib/config.ts';
import { migrateToLatest } from '../../lib/db/migrate.ts';
import { openDatabase } from '../../lib/db/open-database.ts';
import type { Logger } from '../../lib/log.ts';
import { startServiceObservability } from '../../lib/metrics/service-observability.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { startEvaluator } from './evaluator-service.ts';

export async function runEvaluator(config: VigilConfig, log: Logger): Promise<ShutdownStep[]> {
  // Read first: a broken rules file stops the start with every problem listed, before any connection.
  const rules = await loadAlertsFile(config.alertRules);
  const database = await openDatabase({ url: required(config.databaseUrl, 'VIGIL_DATABASE_URL') });
  await migrateToLatest(database.db);
  const bus = await connectAmqpBus({ url: required(config.amqpUrl, 'VIGIL_AMQP_URL'), prefix: config.amqpPrefix, packing: config.amqpPacking, log });
  const evaluator = await startEvaluator({ bus, db: database.db, log, config: rules, downAfter: config.downAfter });
  const rulesFile = watchAlertsFile({ path: config.alertRules, log, current: rules, onReload: (next) => evaluator.reloadRules(next) });
  const observability = await startServiceObservability({
    service: 'evaluator',
    config,
    log,
    db: database.db,
    queues: [queueName(config.amqpPrefix, 'poll.results', 'evaluator')],
    info: () => ({ rules: rulesFile.current().rules.length, ...rulesFile.status() }),
  });
  return [
    { name: 'alert rules watch', run: () => rulesFile.stop() },
    { name: 'evaluator', run: () => evaluator.stop() },
    { name: 'message bus', run: () => bus.close() },
    ...observability,
    { name: 'database', run: () => database.close() },
  ];
}
