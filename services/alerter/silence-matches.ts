// Whether a silence covers an alert: every matcher it sets must match (host AND group AND rule).
import type { StoredSilence } from '../../lib/db/queries/stored-silence.ts';

export interface SilenceSubject {
  host: string;
  groups: string[];
  rule: string;
}

export function silenceMatches(silence: StoredSilence, subject: SilenceSubject): boolean {
  const { host, group, rule } = silence.matchers;
  if (host === undefined && group === undefined && rule === undefined) return false;
  if (host !== undefined && host !== subject.host) return false;
  if (group !== undefined && !subject.groups.includes(group)) return false;
  if (rule !== undefined && rule !== subject.rule) return false;
  return true;
}
