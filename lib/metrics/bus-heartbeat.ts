// The heartbeat of a service without a database: the same beat as service-heartbeat.ts, published
// on 'service.heartbeats' for the writer to record. A beat that cannot be published is logged
// once per outage; the bus being down is reported loudly by the work that needs it.
import type { MessageBus } from '../bus/message-bus.ts';
import type { Logger } from '../log.ts';
import type { ServiceBeat } from './service-beat.ts';
import { HEARTBEAT_INTERVAL_MS, heartbeatIdentity, startBeatLoop } from './service-heartbeat.ts';
import type { Heartbeat } from './service-heartbeat.ts';

export interface BusHeartbeatOptions {
  bus: MessageBus;
  service: string;
  log: Logger;
  intervalMs?: number;
  info?: () => Record<string, unknown>;
}

/** Publishes the first beat before it returns. */
export async function startBusHeartbeat(options: BusHeartbeatOptions): Promise<Heartbeat> {
  const { bus, service, log } = options;
  const intervalMs = options.intervalMs ?? HEARTBEAT_INTERVAL_MS;
  const identity = heartbeatIdentity();
  let failing = false;

  const send = async (state: ServiceBeat['state']): Promise<void> => {
    const beat: ServiceBeat = {
      service,
      instance: identity.instance,
      host: identity.host,
      pid: identity.pid,
      startedAt: identity.startedAt.getTime(),
      info: options.info?.() ?? {},
      state,
    };
    try {
      await bus.publish('service.heartbeats', beat);
      if (failing) log.info('heartbeat published again', { service, instance: identity.instance });
      failing = false;
    } catch (error) {
      if (!failing) log.warn('cannot publish heartbeat', { service, instance: identity.instance, error });
      failing = true;
    }
  };
  const loop = await startBeatLoop(() => send('beat'), intervalMs);

  return {
    instance: identity.instance,
    beat: loop.beat,
    stop: async () => {
      if (await loop.stop()) await send('stopped');
    },
  };
}
