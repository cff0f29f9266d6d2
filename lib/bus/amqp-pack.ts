// How several bus messages travel as one AMQP message (a "pack"), and the settings of packing.
// The broker's cost is per AMQP message (routing, queue insert, delivery, ack, and for persistent
// topics a disk write), not per byte: TOOLCHAIN.md measured 0.57 broker cores at 2,000 polls/s
// with one message per poll against 0.14 with jobs and results packed. Pure: no I/O here.

/**
 * Marks a pack: its body is a JSON array of the members. Its value is the format version, so a
 * later format can be told apart. A message without it is one bus message (the format before
 * packing), which consumers keep accepting, so that publishers and consumers can be upgraded
 * one at a time (consumers first: an old consumer would hand a pack to its handler as one
 * array-shaped message).
 */
export const PACK_HEADER = 'x-vigil-pack';
export const PACK_FORMAT = 1;

export interface PackOptions {
  /**
   * How long a pack waits for more members after its first one joined. Every message pays up to
   * this much latency; a pack that fills (maxMessages or maxBytes) leaves at once.
   */
  windowMs: number;
  /**
   * The window of the partitioned topic (poll.jobs), longer: its packs are split by shard, so at
   * a given rate each pack gathers jobsPerSecond × jobWindowMs / 1000 / jobShards jobs. A job
   * waiting this long costs nothing visible: its sample carries the time it was polled, and
   * intervals are seconds.
   */
  jobWindowMs: number;
  /** Members at which a pack leaves without waiting out its window. */
  maxMessages: number;
  /**
   * Bytes (of the members' JSON) at which a pack leaves; a message larger than this on its own
   * travels alone. Results with processes run to 170 kB, so this bounds what one delivery makes
   * a consumer hold: its prefetch counts packs, and memory is up to prefetch × maxBytes.
   */
  maxBytes: number;
  /**
   * Shards of the partitioned topic (poll.jobs): a host's jobs carry routing key "shard-N" with
   * N = stable hash(host) mod jobShards, so that the jobs of many hosts share a key and can
   * share a pack, while each host still sticks to the one queue its shard hashes to on the
   * consistent-hash ring. More shards spread hosts more evenly over few queues (a queue's share
   * is a count of whole shards); fewer make bigger packs. Measured with bench/fleet-shard-spread.ts
   * (BENCHMARKS.md, "Fleet"): the busiest of 2, 4, 8 queues gets 1.06, 1.14, 1.42 × its fair
   * share with 64 shards, 1.01, 1.08, 1.16 with 256, 1.02, 1.04, 1.08 routed by host.
   */
  jobShards: number;
}

/** Measured on the fleet benchmark (BENCHMARKS.md, "Fleet", packing). */
export const DEFAULT_PACK_OPTIONS: PackOptions = {
  windowMs: 25,
  jobWindowMs: 150,
  maxMessages: 100,
  maxBytes: 256 * 1024,
  jobShards: 64,
};

/**
 * Packing settings from the environment, for tuning and for measuring with and without it:
 * VIGIL_AMQP_PACK=off sends every message alone, routed by host as before packing;
 * VIGIL_AMQP_PACK_WINDOW_MS, _JOB_WINDOW_MS, _MAX_MESSAGES, _MAX_BYTES and _JOB_SHARDS override
 * the defaults.
 * Read here rather than in the service configuration because only the RabbitMQ bus knows them.
 * Every publisher of a deployment should use the same _JOB_SHARDS: a host's shard decides its
 * worker.
 */
export function packOptionsFromEnv(env: NodeJS.ProcessEnv): PackOptions | false {
  const problems: string[] = [];
  const options = readPackOptions(env, problems);
  if (problems.length > 0) throw new Error(problems.join('; '));
  return options;
}

/** As packOptionsFromEnv, with each problem added to `problems` (the configuration's list) and the defaults in its place. */
export function readPackOptions(env: NodeJS.ProcessEnv, problems: string[]): PackOptions | false {
  const mode = env.VIGIL_AMQP_PACK?.trim().toLowerCase();
  if (mode === 'off' || mode === 'false' || mode === '0') return false;
  if (mode !== undefined && mode !== '' && mode !== 'on' && mode !== 'true' && mode !== '1') {
    problems.push(`VIGIL_AMQP_PACK must be on or off, not ${JSON.stringify(env.VIGIL_AMQP_PACK)}`);
  }
  const number = (name: string, fallback: number, min: number): number => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) {
      problems.push(`${name} must be an integer ≥ ${min}, not ${JSON.stringify(raw)}`);
      return fallback;
    }
    return value;
  };
  const options: PackOptions = {
    windowMs: number('VIGIL_AMQP_PACK_WINDOW_MS', DEFAULT_PACK_OPTIONS.windowMs, 0),
    jobWindowMs: number('VIGIL_AMQP_PACK_JOB_WINDOW_MS', DEFAULT_PACK_OPTIONS.jobWindowMs, 0),
    maxMessages: number('VIGIL_AMQP_PACK_MAX_MESSAGES', DEFAULT_PACK_OPTIONS.maxMessages, 1),
    maxBytes: number('VIGIL_AMQP_PACK_MAX_BYTES', DEFAULT_PACK_OPTIONS.maxBytes, 1),
    jobShards: number('VIGIL_AMQP_PACK_JOB_SHARDS', DEFAULT_PACK_OPTIONS.jobShards, 1),
  };
  return options;
}

/** The body of a pack: the members' JSON texts joined as one JSON array, without re-encoding them. */
export function encodePack(members: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [OPEN];
  members.forEach((member, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(member);
  });
  parts.push(CLOSE);
  return Buffer.concat(parts);
}
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

export type DecodedDelivery =
  | { kind: 'single'; message: unknown }
  | { kind: 'pack'; messages: unknown[] }
  | { kind: 'garbage'; error: unknown };

/** What one AMQP message holds: one bus message (no pack header) or a pack of them. */
export function decodeDelivery(content: Buffer, headers: Record<string, unknown> | undefined): DecodedDelivery {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return { kind: 'garbage', error };
  }
  const format = headers?.[PACK_HEADER];
  if (format === undefined || format === null) return { kind: 'single', message: parsed };
  if (Number(format) !== PACK_FORMAT) return { kind: 'garbage', error: new Error(`unknown pack format ${String(format)}`) };
  if (!Array.isArray(parsed)) return { kind: 'garbage', error: new Error('a pack whose body is not a JSON array') };
  return { kind: 'pack', messages: parsed };
}
