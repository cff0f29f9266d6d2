// The ways a simulated host misbehaves, one per failure a worker must survive in a real fleet.
import { POLL_SECTIONS } from '../collect/parse-poll-output.ts';
import { hashSeed, seededRandom } from './seeded-random.ts';
import type { Random } from './seeded-random.ts';

export const FAULT_MODES = [
  /** TCP accepted, then silence: no SSH banner ever comes (a wedged sshd, a half-dead box). */
  'hang',
  /** Answers every poll, but only after a delay (swapping host, overloaded sshd). */
  'slow',
  /** Answers with random bytes instead of the script's output. */
  'garbage',
  /** Output stops part-way through a section, without `@@end` and without an exit status. */
  'truncated',
  /** Every authentication attempt fails, whatever the credentials. */
  'wrong-password',
  /** Serves one poll on the first connection, closes it, and presents another host key from then on. */
  'changed-host-key',
  /** The connection is destroyed in the middle of each poll's output. */
  'drop',
] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export function isFaultMode(value: string): value is FaultMode {
  return (FAULT_MODES as readonly string[]).includes(value);
}

export interface FaultAssignment {
  /** Faults of named hosts. */
  faults?: Readonly<Record<string, FaultMode>>;
  /** Share (0-1) of the other hosts that get a fault drawn from `faultModes`. */
  faultFraction?: number;
  faultModes?: readonly FaultMode[];
  seed?: number;
}

/** The host's fault, or null for a healthy host; the same names and seed always give the same answer. */
export function faultFor(name: string, assignment: FaultAssignment): FaultMode | null {
  const named = assignment.faults?.[name];
  if (named !== undefined) return named;
  const fraction = assignment.faultFraction ?? 0;
  if (fraction <= 0) return null;
  const random = seededRandom(hashSeed(name, (assignment.seed ?? 0) ^ 0x5eed));
  if (random() >= fraction) return null;
  const modes = assignment.faultModes ?? FAULT_MODES;
  return modes[Math.floor(random() * modes.length)] ?? null;
}

/** Bytes that are no poll output: no newline-delimited `@@` markers, invalid UTF-8 here and there. */
export function garbageOutput(random: Random, length = 1024 + Math.floor(random() * 3072)): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/**
 * The output cut in the middle of a line, after the first section the parser requires (so the
 * result is a partial sample, not an unparseable one) and before `@@end`, at 30-80% of its length
 * where that allows. The /proc files come whole in `@@files` (a cut inside it loses them all), so
 * the cut comes after the marker line that follows them (`@@df` in a full poll's output), or inside
 * it where that is `@@end` (a light poll's since version 5, whose files are followed by nothing else).
 */
export function truncateOutput(output: string, random: Random): string {
  const required = new Set<string>([...POLL_SECTIONS, 'files']);
  const markers = [...output.matchAll(/^@@([a-z]+)/gm)];
  const firstRequired = markers.findIndex((m) => required.has(m[1] as string));
  const next = markers[firstRequired + 1];
  const earliest = next?.index === undefined
    ? Math.floor(output.length * 0.3)
    : next[1] === 'end' ? next.index + 2 : output.indexOf('\n', next.index) + 1;
  const latest = Math.max(earliest + 1, output.lastIndexOf('@@end') - 1);
  const from = Math.max(earliest + 1, Math.floor(output.length * 0.3));
  const to = Math.max(from, Math.min(latest, Math.floor(output.length * 0.8)));
  let cut = from + Math.floor(random() * (to - from));
  // Not right after a newline: a cut there would look like a cleanly ended line.
  while (cut < latest && output[cut - 1] === '\n') cut++;
  return output.slice(0, cut);
}
