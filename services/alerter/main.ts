// `vigil alerter`: the alerter as its own process, on RabbitMQ and PostgreSQL. Receivers and
// timing come from the alert rules file (VIGIL_ALERT_RULES, by default alerts.yml beside the
// inventory; the built-in defaults when it is absent), followed like the evaluator follows it.
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
import { startAlerter } from './alerter-service.ts';

export async function runAlerter(config: VigilConfig, log: Logger): Promise<ShutdownStep[]> {
  const alerts = await loadAlertsFile(config.alertRules);
  const database = await openDatabase({ url: required(config.databaseUrl, 'VIGIL_DATABASE_URL'), log });
  await migrateToLatest(database.db);
  const bus = await connectAmqpBus({ url: required(config.amqpUrl, 'VIGIL_AMQP_URL'), prefix: config.amqpPrefix, packing: config.amqpPacking, log });
  const alerter = await startAlerter({ bus, db: database.db, log, config: alerts, mail: { smtpUrl: config.smtpUrl, from: config.mailFrom } });
  const rulesFile = watchAlertsFile({ path: config.alertRules, log, current: alerts, onReload: (next) => alerter.reloadConfig(next) });
  const observability = await startServiceObservability({
    service: 'alerter',
    config,
    log,
    db: database.db,
    queues: [queueName(config.amqpPrefix, 'alert.events', 'alerter')],
    info: () => ({ receivers: rulesFile.current().receivers.length, ...rulesFile.status() }),
  });
  return [
    { name: 'alert rules watch', run: () => rulesFile.stop() },
    { name: 'alerter', run: () => alerter.stop() },
    { name: 'message bus', run: () => bus.close() },
    ...observability,
    { name: 'database', run: () => database.close() },
  ];
}
