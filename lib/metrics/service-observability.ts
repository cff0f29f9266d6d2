// What every service process adds to itself to be watched: /metrics on its own port, queue
// gauges read from RabbitMQ on scrape, and a heartbeat row for `vigil status`. One call from
// each services/*/main.ts, returning the shutdown steps that undo it.
import type { MessageBus } from '../bus/message-bus.ts';
import type { VigilConfig } from '../config.ts';
import type { VigilDb } from '../db/database.ts';
import type { Logger } from '../log.ts';
import type { ShutdownStep } from '../shutdown.ts';
import { createQueueInspector } from './amqp-queue-stats.ts';
import { DEFAULT_METRICS_PORTS, startMetricsServer } from './metrics-server.ts';
import { startBusHeartbeat } from './bus-heartbeat.ts';
import { startHeartbeat } from './service-heartbeat.ts';
import { processMetrics } from './vigil-metrics.ts';
import type { VigilMetrics } from './vigil-metrics.ts';

export interface ServiceObservabilityOptions {
  service: keyof typeof DEFAULT_METRICS_PORTS | 'web';
  config: VigilConfig;
  log: Logger;
  /** Default: this process's shared registry. */
  metrics?: VigilMetrics;
  /** Where the heartbeat goes; null for a service without a database (the worker), whose beat goes over `bus`. */
  db: VigilDb | null;
  /** For a service without a database: its heartbeat is published here, and the writer records it. */
  bus?: MessageBus;
  info?: () => Record<string, unknown>;
  /** RabbitMQ queues whose depth and consumers this process exports (needs VIGIL_AMQP_URL). */
  queues?: readonly string[];
}

/**
 * Starts what the service needs and returns the steps to stop it, to be run after the service
 * has stopped and before its database closes (the heartbeat deletes its row on the way out).
 * The web server gets no port of its own: it serves /metrics through a hapi route.
 */
export async function startServiceObservability(options: ServiceObservabilityOptions): Promise<ShutdownStep[]> {
  const { service, config, log } = options;
  const metrics = options.metrics ?? processMetrics();
  const steps: ShutdownStep[] = [];
  try {
    if (service !== 'web') {
      const server = await startMetricsServer({
        registry: metrics.registry,
        host: config.httpHost,
        port: config.metricsPort ?? DEFAULT_METRICS_PORTS[service],
        freePortIfTaken: config.metricsPort === null,
        log,
      });
      steps.push({ name: 'metrics server', run: () => server.close() });
    }
    const queues = options.queues ?? [];
    if (config.amqpUrl !== null && queues.length > 0) {
      const inspector = createQueueInspector({ url: config.amqpUrl, log });
      metrics.watchQueues(() => inspector.read(queues));
      steps.push({
        name: 'queue stats',
        run: async () => {
          metrics.watchQueues(null);
          await inspector.close();
        },
      });
    }
    const info = options.info ? { info: options.info } : {};
    if (options.db) {
      const heartbeat = await startHeartbeat({ db: options.db, service, log, ...info });
      steps.unshift({ name: 'heartbeat', run: () => heartbeat.stop() });
    } else if (options.bus) {
      const heartbeat = await startBusHeartbeat({ bus: options.bus, service, log, ...info });
      steps.unshift({ name: 'heartbeat', run: () => heartbeat.stop() });
    }
  } catch (error) {
    for (const step of steps) await step.run().catch(() => undefined);
    throw error;
  }
  return steps;
}
