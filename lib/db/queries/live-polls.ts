// Live polling of hosts (POST /api/v1/hosts/{name}/live): the web server starts and ends it,
// the scheduler reads what is running. Times in milliseconds since the epoch.
import { sql } from 'kysely';
import type { Selectable } from 'kysely';
import type { LivePollsTable, VigilDb } from '../database.ts';

export interface LivePoll {
  host: string;
  untilMs: number;
  intervalSec: number;
  requestedBy: string;
  requestedAtMs: number;
}

function toLivePoll(row: Selectable<LivePollsTable>): LivePoll {
  return {
    host: row.host,
    untilMs: new Date(row.until).getTime(),
    intervalSec: row.interval_sec,
    requestedBy: row.requested_by,
    requestedAtMs: new Date(row.requested_at).getTime(),
  };
}

export interface StartLivePollArgs {
  host: string;
  intervalSec: number;
  untilMs: number;
  requestedBy: string;
  nowMs: number;
  /** Hosts that may be polled live at once, this one included. */
  maxLiveHosts: number;
}

export type StartLivePollResult =
  | { ok: true; livePoll: LivePoll }
  | { ok: false; reason: 'no-host' }
  /** The cap is reached; firstEndsAtMs is when the earliest other live poll ends. */
  | { ok: false; reason: 'too-many'; active: number; firstEndsAtMs: number };

/**
 * Starts (or extends, or changes the interval of) a host's live polling. The cap on hosts polled
 * live at once is checked under a table lock, so two requests racing for the last slot cannot
 * both get it.
 */
export async function startLivePoll(db: VigilDb, args: StartLivePollArgs): Promise<StartLivePollResult> {
  const now = new Date(args.nowMs);
  return db.transaction().execute(async (trx): Promise<StartLivePollResult> => {
    // Blocks other writers of live_polls (not readers: the scheduler keeps reading).
    await sql`LOCK TABLE live_polls IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    if (!(await hostExists(trx, args.host))) return { ok: false, reason: 'no-host' };
    await trx.deleteFrom('live_polls').where('until', '<=', now).execute();
    const others = await trx.selectFrom('live_polls').select('until').where('host', '<>', args.host).orderBy('until').execute();
    const first = others[0];
    if (first !== undefined && others.length >= args.maxLiveHosts) {
      return { ok: false, reason: 'too-many', active: others.length, firstEndsAtMs: new Date(first.until).getTime() };
    }
    const values = { until: new Date(args.untilMs), interval_sec: args.intervalSec, requested_by: args.requestedBy, requested_at: now };
    await trx
      .insertInto('live_polls')
      .values({ host: args.host, ...values })
      .onConflict((oc) => oc.column('host').doUpdateSet(values))
      .execute();
    return { ok: true, livePoll: { host: args.host, untilMs: args.untilMs, intervalSec: args.intervalSec, requestedBy: args.requestedBy, requestedAtMs: args.nowMs } };
  });
}

/** One host's live polling now: null when there is no such host (or it left the inventory), livePoll null when it is polled as usual. */
export async function selectLivePoll(db: VigilDb, args: { host: string; nowMs: number }): Promise<{ livePoll: LivePoll | null } | null> {
  if (!(await hostExists(db, args.host))) return null;
  const row = await db.selectFrom('live_polls').selectAll().where('host', '=', args.host).where('until', '>', new Date(args.nowMs)).executeTakeFirst();
  return { livePoll: row ? toLivePoll(row) : null };
}

/** Ends a host's live polling early (nothing to end is fine); false when there is no such host. */
export async function endLivePoll(db: VigilDb, args: { host: string }): Promise<boolean> {
  if (!(await hostExists(db, args.host))) return false;
  await db.deleteFrom('live_polls').where('host', '=', args.host).execute();
  return true;
}

/** Every live polling still running, for the scheduler; hosts that left the inventory drop out. */
export async function listActiveLivePolls(db: VigilDb, args: { nowMs: number }): Promise<LivePoll[]> {
  const rows = await db
    .selectFrom('live_polls')
    .innerJoin('hosts', 'hosts.name', 'live_polls.host')
    .selectAll('live_polls')
    .where('live_polls.until', '>', new Date(args.nowMs))
    .where('hosts.removed_at', 'is', null)
    .orderBy('live_polls.host')
    .execute();
  return rows.map(toLivePoll);
}

async function hostExists(db: VigilDb, name: string): Promise<boolean> {
  const row = await db.selectFrom('hosts').select('name').where('name', '=', name).where('removed_at', 'is', null).executeTakeFirst();
  return row !== undefined;
}
