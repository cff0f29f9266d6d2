// A silence as the alerter, the API and the CLI use it.
import type { Selectable } from 'kysely';
import type { SilenceMatchers, SilencesTable } from '../database.ts';
import { parseJson, toMs, toMsOrNull } from './stored-alert.ts';

export interface StoredSilence {
  id: number;
  matchers: SilenceMatchers;
  startsAt: number;
  endsAt: number;
  comment: string;
  createdBy: string;
  createdAt: number;
  expiredAt: number | null;
}

export function toStoredSilence(row: Selectable<SilencesTable>): StoredSilence {
  return {
    id: Number(row.id),
    matchers: parseJson(row.matchers, {}) as SilenceMatchers,
    startsAt: toMs(row.starts_at),
    endsAt: toMs(row.ends_at),
    comment: row.comment,
    createdBy: row.created_by,
    createdAt: toMs(row.created_at),
    expiredAt: toMsOrNull(row.expired_at),
  };
}

/** In force at `at`: started, not ended, not expired by hand. */
export function isSilenceActive(silence: StoredSilence, at: number): boolean {
  return silence.expiredAt === null && silence.startsAt <= at && at < silence.endsAt;
}
