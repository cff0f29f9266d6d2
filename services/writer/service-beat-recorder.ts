// Records the heartbeats that services without a database (workers) publish on the bus, so that
// `vigil status` sees them. A transient subscription shared by the writers: a beat is worth
// recording once, and one missed while no writer runs is replaced by the next.
import type { MessageBus, Subscription } from '../../lib/bus/message-bus.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { deleteServiceHeartbeat, upsertServiceHeartbeat } from '../../lib/db/queries/service-heartbeat-rows.ts';
import type { Logger } from '../../lib/log.ts';
import { serviceBeatProblem } from '../../lib/metrics/service-beat.ts';

export async function recordServiceBeats(options: { bus: MessageBus; db: VigilDb; log: Logger }): Promise<Subscription> {
  const { bus, db, log } = options;
  return bus.subscribe('service.heartbeats', { name: 'writer', durable: false, prefetch: 50 }, async (beat) => {
    const problem = serviceBeatProblem(beat);
    if (problem) {
      // Redelivering it would not make it valid.
      log.warn('dropping an invalid heartbeat', { problem });
      return;
    }
    try {
      if (beat.state === 'stopped') await deleteServiceHeartbeat(db, beat.service, beat.instance);
      else await upsertServiceHeartbeat(db, { ...beat, startedAt: new Date(beat.startedAt) });
    } catch (error) {
      // The next beat comes in seconds: retrying this one would only pile up behind a sick database.
      log.debug('cannot record a heartbeat', { service: beat.service, instance: beat.instance, error });
    }
  });
}
