// Creates a silence. Callers validate; the table insists on at least an end after the start.
import type { SilenceMatchers, VigilDb } from '../database.ts';
import { toStoredSilence, type StoredSilence } from './stored-silence.ts';

export interface NewSilence {
  matchers: SilenceMatchers;
  startsAt: number;
  endsAt: number;
  comment: string;
  createdBy: string;
}

export async function insertSilence(db: VigilDb, silence: NewSilence): Promise<StoredSilence> {
  const matchers: SilenceMatchers = {};
  if (silence.matchers.host !== undefined) matchers.host = silence.matchers.host;
  if (silence.matchers.group !== undefined) matchers.group = silence.matchers.group;
  if (silence.matchers.rule !== undefined) matchers.rule = silence.matchers.rule;
  if (Object.keys(matchers).length === 0) throw new Error('a silence needs a host, a group or a rule');
  const row = await db
    .insertInto('silences')
    .values({
      matchers: JSON.stringify(matchers),
      starts_at: new Date(silence.startsAt),
      ends_at: new Date(silence.endsAt),
      comment: silence.comment,
      created_by: silence.createdBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toStoredSilence(row);
}
