// A silence as the JSON API shows it (GET/POST /api/v1/silences): its matchers flattened, times as ISO 8601.
import { isSilenceActive, type StoredSilence } from '../db/queries/stored-silence.ts';

export interface ApiSilence {
  id: number;
  host?: string;
  group?: string;
  rule?: string;
  startsAt: string;
  endsAt: string;
  comment: string;
  createdBy: string;
  createdAt: string;
  expiredAt: string | null;
  /** Whether it silences at the moment the answer was made. */
  active: boolean;
}

export function toApiSilence(silence: StoredSilence, atMs: number): ApiSilence {
  return {
    id: silence.id,
    ...silence.matchers,
    startsAt: new Date(silence.startsAt).toISOString(),
    endsAt: new Date(silence.endsAt).toISOString(),
    comment: silence.comment,
    createdBy: silence.createdBy,
    createdAt: new Date(silence.createdAt).toISOString(),
    expiredAt: silence.expiredAt === null ? null : new Date(silence.expiredAt).toISOString(),
    active: isSilenceActive(silence, atMs),
  };
}
