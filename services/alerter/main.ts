// `vigil alerter`: the alerter as its own process, on RabbitMQ and PostgreSQL. Rules, receivers
// and timing come from alerts.yml beside the inventory (the built-in defaults when it is absent).
import path from 'node:path';
import { loadAlertsFile } from '../../lib/alerting/alerts-file.ts';
import { connectAmqpBus } from '../../lib/bus/amqp-bus.ts';
import { required, type VigilConfig } from '../../lib/config.ts';
import { migrateToLatest } from '../../lib/db/migrate.ts';
import { openDatabase } from '../../lib/db/open-database.ts';
import type { Logger } from '../../lib/log.ts';
import type { ShutdownStep } from '../../lib/shutdown.ts';
import { startAlerter } from './alerter-service.ts';

export function alertsFilePath(config: VigilConfig): string {
  return path.join(path.dirname(config.inventory), 'alerts.yml');
}

export async function runAlerter(config: VigilConfig, log: Logger): Promise<ShutdownStep[]> {
  const alerts = await loadAlertsFile(alertsFilePath(config));
  const database = await openDatabase({ url: required(config.databaseUrl, 'VIGIL_DATABASE_URL'), log });
  await migrateToLatest(database.db);
  const bus = await connectAmqpBus({ url: required(config.amqpUrl, 'VIGIL_AMQP_URL'), prefix: config.amqpPrefix, log });
  const alerter = await startAlerter({ bus, db: database.db, log, config: alerts, mail: { smtpUrl: config.smtpUrl, from: config.mailFrom } });
  return [
    { name: 'alerter', run: () => alerter.stop() },
    { name: 'message bus', run: () => bus.close() },
    { name: 'database', run: () => database.close() },
  ];
}
