// While an SSH bastion a host is reached through is down, the host cannot be polled, and the
// evaluator holds its own host_down back (the bastion's alert names it). Its state is then
// unknown: that time is left out of its availability, as maintenance is, rather than counted as up.
import type { AvailabilityEpisode } from '../db/queries/select-availability-inputs.ts';

/** The host-down episodes of the bastions on `via`, from the episodes by host (which must include the bastions'). */
export function unmonitoredSpans(via: readonly string[], episodesByHost: ReadonlyMap<string, readonly AvailabilityEpisode[]>): AvailabilityEpisode[] {
  return via.flatMap((bastion) => (episodesByHost.get(bastion) ?? []).filter((e) => e.kind === 'host-down'));
}
