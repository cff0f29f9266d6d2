// A heartbeat sent over the bus by a service without a database (the worker): the writer
// records it in service_heartbeats, so `vigil status` sees workers like every other service.
export interface ServiceBeat {
  service: string;
  instance: string;
  /** The machine the service runs on (also the message's partition key). */
  host: string;
  pid: number;
  /** Milliseconds since the epoch. */
  startedAt: number;
  info: Record<string, unknown>;
  /** 'stopped': the service stopped on purpose, its row goes (a service stopped is not a service missing). */
  state: 'beat' | 'stopped';
}

/** Why a message on service.heartbeats cannot be recorded, or null when it can. */
export function serviceBeatProblem(message: unknown): string | null {
  const beat = message as Partial<Record<keyof ServiceBeat, unknown>>;
  if (typeof message !== 'object' || message === null) return 'not an object';
  for (const field of ['service', 'instance', 'host'] as const) {
    if (typeof beat[field] !== 'string' || beat[field] === '' || (beat[field] as string).length > 200) return `${field} must be a non-empty string`;
  }
  if (!Number.isInteger(beat.pid)) return 'pid must be an integer';
  if (typeof beat.startedAt !== 'number' || !Number.isFinite(beat.startedAt)) return 'startedAt must be a time in milliseconds';
  if (typeof beat.info !== 'object' || beat.info === null || Array.isArray(beat.info)) return 'info must be an object';
  if (beat.state !== 'beat' && beat.state !== 'stopped') return 'state must be beat or stopped';
  return null;
}
