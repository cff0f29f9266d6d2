// Turns alert events into notifications people trust. Each event's state change, its history
// and the notifications it causes are committed in one transaction before the event is
// acknowledged (the outbox pattern); the sender delivers from that outbox. So a restart
// neither resends a notice already marked sent nor forgets an alert, and a mail server that
// is down only delays mail.
// A firing alert that names dependents (hosts behind a bastion that is down) speaks for them:
// their own alerts are held back while it fires (withdrawn from notices not yet sent, muted
// after), and its notice lists them; once it resolves, those still firing are announced.
// Inhibit rules (alerts.yml) hold back a host's alerts the same way while a source alert of the
// same host is pending or firing (a host that is down: its failing checks).
import { sql } from 'kysely';
import type { AlertEvent } from '../../lib/alerting/alert-event.ts';
import type { AlertsConfig } from '../../lib/alerting/alerts-config.ts';
import { inhibitorOf, isInhibitSource } from '../../lib/alerting/inhibit-alerts.ts';
import { isInMaintenance, parseMaintenanceWindows } from '../../lib/alerting/maintenance-windows.ts';
import type { NoticeAlert, NoticeKind } from '../../lib/alerting/notify/notice.ts';
import { escalationOf, receiversOf } from '../../lib/alerting/route-alert.ts';
import type { MessageBus, Subscription } from '../../lib/bus/message-bus.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { enqueueNotification } from '../../lib/db/queries/enqueue-notification.ts';
import { insertAlertHistory } from '../../lib/db/queries/insert-alert-history.ts';
import { endAlertEpisode, startAlertEpisode } from '../../lib/db/queries/record-alert-episode.ts';
import { listSilences } from '../../lib/db/queries/list-silences.ts';
import { saveAlert } from '../../lib/db/queries/save-alert.ts';
import { selectAlertForUpdate } from '../../lib/db/queries/select-alert-for-update.ts';
import { selectActiveAlertsOfHosts } from '../../lib/db/queries/select-active-alerts-of-hosts.ts';
import { selectAlertsToReview } from '../../lib/db/queries/select-alerts-to-review.ts';
import { selectDependentCover } from '../../lib/db/queries/select-dependent-cover.ts';
import type { DependentCover } from '../../lib/db/queries/select-dependent-cover.ts';
import { selectHostAlerting } from '../../lib/db/queries/select-host-alerting.ts';
import type { StoredAlert } from '../../lib/db/queries/stored-alert.ts';
import type { StoredSilence } from '../../lib/db/queries/stored-silence.ts';
import { withdrawQueuedNotices } from '../../lib/db/queries/withdraw-queued-notices.ts';
import type { Logger } from '../../lib/log.ts';
import { applyAlertEvent, escalateAlert, escalatedReceivers, reviewAlert, type Transition, type TransitionContext } from './alert-transition.ts';
import { startNotificationSender, type NotificationSenderOptions } from './notification-sender.ts';
import { silenceMatches } from './silence-matches.ts';
import { cappedBackoffMs } from '../../lib/capped-backoff.ts';

export interface AlerterOptions {
  bus: MessageBus;
  db: VigilDb;
  log: Logger;
  config: AlertsConfig;
  mail: { smtpUrl: string | null; from: string };
  /** The clock of every decision and record; tests may pin it. Timers still run in real time. */
  now?: () => number;
  /** How long the first event of a batch waits for company before the batch is applied. */
  batchWaitMs?: number;
  /** How often reminders, settled flapping and ended silences are looked for. */
  sweepIntervalMs?: number;
  /** Tuning of the delivery loop (retries, backoff, timeouts). */
  sender?: Omit<NotificationSenderOptions, 'db' | 'log' | 'mail' | 'now'>;
}

export interface Alerter {
  /** Stops taking events, applies those pending, waits for sends in flight. */
  stop(): Promise<void>;
  /** Takes new receivers, timing and flap settings (alerts.yml edited). */
  reloadConfig(config: AlertsConfig): void;
}

/** A host's inventory groups and whether a maintenance window covers it now. */
type HostFacts = (host: string) => Promise<{ groups: string[]; inMaintenance: boolean }>;

interface Pending {
  event: AlertEvent;
  resolve: () => void;
  reject: (error: unknown) => void;
}

// Any constant will do: it only has to be the same in every alerter process.
const ALERTER_LOCK = 0x7669_6731;
const MAX_BATCH = 200;

export async function startAlerter(options: AlerterOptions): Promise<Alerter> {
  const { bus, db, log } = options;
  const now = options.now ?? Date.now;
  const batchWaitMs = options.batchWaitMs ?? 20;
  let config = options.config;
  const sweepIntervalMs = (): number =>
    options.sweepIntervalMs ?? Math.max(100, Math.min(30_000, config.repeatIntervalMs / 4, config.flapWindowMs / 4, (firstEscalationMs() ?? Infinity) / 4));
  /** The soonest `after` of any escalation step in the file (routes, the default, rules of their own receivers); null: none. */
  const firstEscalationMs = (): number | null => {
    const steps = [...config.routes, ...config.rules].flatMap((owner) => owner.escalate ?? []);
    const afters = [...steps, ...config.defaultEscalate].map((step) => step.afterMs);
    return afters.length > 0 ? Math.min(...afters) : null;
  };

  const sender = startNotificationSender({ db, log, mail: options.mail, now, ...options.sender });
  let pending: Pending[] = [];
  let batchTimer: NodeJS.Timeout | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let stopping = false;
  // Batches and sweeps run one at a time, in order: grouping relies on it.
  let work: Promise<void> = Promise.resolve();
  const serialized = (task: () => Promise<void>): Promise<void> => {
    const run = work.then(task);
    work = run.catch(() => {});
    return run;
  };

  const context = (muted: boolean, at: number): TransitionContext => ({
    now: at,
    muted,
    repeatIntervalMs: config.repeatIntervalMs,
    flapWindowMs: config.flapWindowMs,
    flapMaxChanges: config.flapMaxChanges,
  });

  /** What muting and routing need of each host (its groups, whether it is in maintenance), read once per transaction. */
  const hostFacts = (trx: VigilDb, at: number): HostFacts => {
    const hosts = new Map<string, Promise<{ groups: string[]; inMaintenance: boolean }>>();
    return (host) => {
      let info = hosts.get(host);
      if (!info) {
        info = selectHostAlerting(trx, host).then(({ groups, maintenance }) => {
          const parsed = parseMaintenanceWindows(maintenance);
          if (parsed.problems.length > 0) log.warn('ignoring invalid maintenance windows', { host, problems: parsed.problems });
          return { groups, inMaintenance: isInMaintenance(parsed.windows, at) };
        });
        hosts.set(host, info);
      }
      return info;
    };
  };

  /** Why a silence or a maintenance window holds back an alert's notices, if one does. */
  const muteReasonOf = (facts: HostFacts, silences: StoredSilence[]) => async (alert: { host: string; rule: string }): Promise<string | null> => {
    const { groups, inMaintenance } = await facts(alert.host);
    if (inMaintenance) return 'a maintenance window of its host';
    const silence = silences.find((candidate) => silenceMatches(candidate, { host: alert.host, groups, rule: alert.rule }));
    return silence ? `silence ${silence.id}` : null;
  };

  /**
   * Records on the transition's alert why its notices are held back (null: they go out); an alert
   * the transition leaves alone is stored anyway when only that reason changed.
   */
  const withHeldBack = (transition: Transition, current: StoredAlert | undefined, heldBy: string | null): Transition => {
    if (transition.alert) {
      transition.alert.heldBackBy = transition.alert.state === 'resolved' ? null : heldBy;
      return transition;
    }
    if (current && current.state !== 'resolved' && current.heldBackBy !== heldBy) return { ...transition, alert: { ...current, heldBackBy: heldBy } };
    return transition;
  };

  /** Stores a transition with its history and notices; returns how many notifications it queued. */
  /** Stores a transition and queues its notice: to `receivers` when given (an escalation's), else as routed. */
  const persist = async (
    trx: VigilDb, facts: HostFacts, transition: Transition, at: number, dependents: readonly string[] = [], receivers?: readonly string[],
  ): Promise<number> => {
    const { alert } = transition;
    if (!alert) return 0;
    await saveAlert(trx, alert);
    await insertAlertHistory(trx, transition.history.map((note) => ({ alertKey: alert.key, at, event: note.event, details: note.details ?? {} })));
    await recordEpisode(trx, transition);
    if (!transition.notice) return 0;
    if (receivers) return enqueueNotice(trx, alert, transition.notice, at, dependents, receivers);
    const groups = (await facts(alert.host)).groups;
    // Routed when the notice is queued, with the alerts file and inventory groups of now; a
    // recovery also reaches those its escalation told.
    const names = receiversOf(config, alert, groups);
    if (transition.notice === 'resolved') names.push(...escalatedReceivers(alert, escalationOf(config, alert, groups)));
    return enqueueNotice(trx, alert, transition.notice, at, dependents, [...new Set(names)]);
  };

  /** Tells the receivers of an alert's escalation steps that came due; returns the notices queued. */
  const escalateIfDue = async (trx: VigilDb, facts: HostFacts, alert: StoredAlert, muted: boolean, at: number, dependents: readonly string[]): Promise<number> => {
    const steps = escalationOf(config, alert, (await facts(alert.host)).groups);
    const escalation = steps.length === 0 ? null : escalateAlert(alert, steps, context(muted, at));
    return escalation ? persist(trx, facts, escalation, at, dependents, escalation.receivers) : 0;
  };

  /** Outages for availability: an episode per time an alert fires, with the rule's kind as the alerts file says now. */
  const recordEpisode = async (trx: VigilDb, { alert, history }: Transition): Promise<void> => {
    if (!alert) return;
    if (history.some((note) => note.event === 'firing')) {
      await startAlertEpisode(trx, alert, config.rules.find((rule) => rule.name === alert.rule)?.kind ?? null);
    } else if (history.some((note) => note.event === 'resolved')) {
      await endAlertEpisode(trx, alert.key, alert.endsAt ?? alert.lastEventAt);
    }
  };

  const enqueueNotice = async (
    trx: VigilDb, alert: StoredAlert, kind: NoticeKind, at: number, dependents: readonly string[], names: readonly string[],
  ): Promise<number> => {
    const snapshot = toNoticeAlert(alert, dependents);
    let queued = 0;
    for (const name of names) {
      const receiver = config.receivers.find((r) => r.name === name);
      if (!receiver) {
        log.warn('alert names an unknown receiver', { alert: alert.key, receiver: name });
        continue;
      }
      const common = { receiver: name, kind, alert: snapshot, now: at, groupWaitMs: config.groupWaitMs, groupIntervalMs: config.groupIntervalMs };
      if (receiver.email.length > 0) {
        const failure = options.mail.smtpUrl ? undefined : 'no SMTP server configured: set VIGIL_SMTP_URL';
        await enqueueNotification(trx, { ...common, channel: 'email', target: { to: receiver.email }, ...(failure ? { failure } : {}) });
        queued++;
      }
      for (const webhook of receiver.webhooks) {
        // The target is the webhook as the file said it when the notice was queued: a retry after an edit still reaches it.
        const target: Record<string, unknown> = { ...webhook };
        await enqueueNotification(trx, { ...common, channel: 'webhook', target });
        queued++;
      }
    }
    return queued;
  };

  /** The firing alert that holds back this one's notices, if its host is another alert's dependent. */
  const coverOf = (cover: DependentCover, alert: { key: string; host: string }): { key: string; host: string } | null => {
    const by = cover.byHost.get(alert.host);
    return by && by.key !== alert.key ? by : null;
  };

  /**
   * Alerts a newly active alert speaks for (a bastion's dependents, an inhibit rule's targets):
   * queued notices of them are withdrawn, each records why (`heldBy`) and gets a history note
   * (`event`, `details`).
   */
  const holdBack = async (
    trx: VigilDb, alerts: StoredAlert[], heldBy: string, event: string, details: Record<string, unknown>, at: number,
  ): Promise<void> => {
    const withdrawn = await withdrawQueuedNotices(trx, alerts.map((alert) => alert.key));
    for (const alert of alerts) {
      // A notice that never went: it is announced later if it still fires once the cause is over.
      const unsent = withdrawn.has(alert.key) ? { notifiedFiring: false, lastNotifiedAt: null } : {};
      await saveAlert(trx, { ...alert, ...unsent, heldBackBy: heldBy });
      await insertAlertHistory(trx, [{ alertKey: alert.key, at, event, details: { ...details, withdrawnNotice: withdrawn.has(alert.key) } }]);
    }
  };

  /** The pending and firing alerts of some hosts, by host and key, when inhibit rules need them. */
  const activeByHost = async (trx: VigilDb, hosts: Iterable<string>): Promise<Map<string, Map<string, StoredAlert>>> => {
    const byHost = new Map<string, Map<string, StoredAlert>>();
    if (config.inhibitRules.length === 0) return byHost;
    for (const alert of await selectActiveAlertsOfHosts(trx, [...new Set(hosts)])) {
      let keys = byHost.get(alert.host);
      if (!keys) byHost.set(alert.host, (keys = new Map()));
      keys.set(alert.key, alert);
    }
    return byHost;
  };

  /** What holds back an alert's notices now, first match wins: a down bastion, an inhibiting alert, a silence or maintenance. */
  const judgeHold = async (
    alert: StoredAlert | AlertEvent, cover: DependentCover, active: Map<string, Map<string, StoredAlert>>, muteReason: (alert: StoredAlert | AlertEvent) => Promise<string | null>,
  ): Promise<{ coveredBy: { key: string; host: string } | null; inhibitor: StoredAlert | null; heldBy: string | null }> => {
    const coveredBy = coverOf(cover, alert);
    const inhibitor = inhibitorOf(config.inhibitRules, alert, active.get(alert.host)?.values() ?? []);
    const heldBy = coveredBy ? behindUpstream(coveredBy) : inhibitor ? inhibitedBy(inhibitor) : await muteReason(alert);
    return { coveredBy, inhibitor, heldBy };
  };

  const applyEvents = async (events: AlertEvent[]): Promise<void> => {
    const at = now();
    let queued = 0;
    await db.transaction().execute(async (trx) => {
      // Serialises alerters sharing a database, so alerts firing together join one message.
      await sql`SELECT pg_advisory_xact_lock(${ALERTER_LOCK})`.execute(trx);
      const facts = hostFacts(trx, at);
      const muteReason = muteReasonOf(facts, await listSilences(trx, { activeAt: at }));
      const cover = await selectDependentCover(trx);
      const active = await activeByHost(trx, events.map((event) => event.host));
      // Alerts that speak for others first (those naming dependents, then inhibit sources): a
      // batch with a bastion's alert and those of the hosts behind it, or a host's host_down and
      // its failing checks, then holds the latter back before any notice of theirs is queued.
      const rank = (event: AlertEvent): number => 2 * Number((event.dependents?.length ?? 0) > 0) + Number(isInhibitSource(config.inhibitRules, event));
      const ordered = [...events].sort((a, b) => rank(b) - rank(a));
      for (const event of ordered) {
        const previous = await selectAlertForUpdate(trx, event.key);
        const { coveredBy, inhibitor, heldBy } = await judgeHold(event, cover, active, muteReason);
        const transition = withHeldBack(applyAlertEvent(previous, event, context(heldBy !== null, at)), previous, heldBy);
        const alert = transition.alert;
        if (!alert) continue;
        const starts = transition.history.some((note) => note.event === 'firing' || note.event === 'pending');
        if (coveredBy && starts) transition.history.push({ event: 'dependent', details: { on: coveredBy.key, bastion: coveredBy.host } });
        if (inhibitor && starts) transition.history.push({ event: 'inhibited', details: { by: inhibitor.key } });
        if (config.inhibitRules.length > 0) await trackActive(trx, active, previous, alert, at);
        const before = cover.byAlert.get(event.key) ?? [];
        let dependents = before;
        if (event.state === 'firing') {
          dependents = [...new Set(event.dependents ?? [])].filter((host) => host !== event.host).sort();
          // The history records whom the alert speaks for: selectDependentCover reads it back.
          const firing = transition.history.find((note) => note.event === 'firing');
          if (firing) firing.details = { ...firing.details, dependents };
          else if (dependents.join('\n') !== before.join('\n')) transition.history.push({ event: 'dependents', details: { dependents } });
          const added = dependents.filter((host) => !before.includes(host) && coverOf(cover, { key: event.key, host }) === null);
          cover.byAlert.set(event.key, dependents);
          for (const host of dependents) if (!cover.byHost.has(host)) cover.byHost.set(host, { key: event.key, host: event.host });
          if (added.length > 0) {
            const by = { key: event.key, host: event.host };
            await holdBack(trx, await selectActiveAlertsOfHosts(trx, added), behindUpstream(by), 'dependent', { on: by.key, bastion: by.host }, at);
          }
        } else if (alert.state === 'resolved') {
          cover.byAlert.delete(event.key);
          for (const [host, by] of cover.byHost) if (by.key === event.key) cover.byHost.delete(host);
        }
        queued += await persist(trx, facts, transition, at, dependents);
      }
    });
    if (queued > 0) sender.wake();
  };

  /**
   * Keeps `active` current as the batch goes; an inhibit source that has just become active holds
   * back its host's alerts that it inhibits.
   */
  const trackActive = async (
    trx: VigilDb, active: Map<string, Map<string, StoredAlert>>, previous: StoredAlert | undefined, alert: StoredAlert, at: number,
  ): Promise<void> => {
    let onHost = active.get(alert.host);
    if (!onHost) active.set(alert.host, (onHost = new Map()));
    if (alert.state === 'resolved') {
      onHost.delete(alert.key);
      return;
    }
    onHost.set(alert.key, alert);
    const wasActive = previous !== undefined && previous.state !== 'resolved';
    if (wasActive || !isInhibitSource(config.inhibitRules, alert)) return;
    const targets = [...onHost.values()].filter((other) => inhibitorOf(config.inhibitRules, other, [alert]) !== null);
    if (targets.length > 0) await holdBack(trx, targets, inhibitedBy(alert), 'inhibited', { by: alert.key }, at);
  };

  const sweep = async (): Promise<void> => {
    const at = now();
    let queued = 0;
    await db.transaction().execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${ALERTER_LOCK})`.execute(trx);
      const alerts = await selectAlertsToReview(trx, { now: at, repeatIntervalMs: config.repeatIntervalMs, escalateAfterMs: firstEscalationMs() });
      if (alerts.length === 0) return;
      const facts = hostFacts(trx, at);
      const muteReason = muteReasonOf(facts, await listSilences(trx, { activeAt: at }));
      const cover = await selectDependentCover(trx);
      const active = await activeByHost(trx, alerts.map((alert) => alert.host));
      for (const alert of alerts) {
        const { heldBy } = await judgeHold(alert, cover, active, muteReason);
        const dependents = cover.byAlert.get(alert.key) ?? [];
        const reviewed = withHeldBack(reviewAlert(alert, context(heldBy !== null, at)), alert, heldBy);
        queued += await persist(trx, facts, reviewed, at, dependents);
        queued += await escalateIfDue(trx, facts, reviewed.alert ?? alert, heldBy !== null, at, dependents);
      }
    });
    if (queued > 0) sender.wake();
  };

  const scheduleSweep = (): void => {
    if (stopping) return;
    sweepTimer = setTimeout(() => {
      void serialized(sweep)
        .catch((error: unknown) => log.error('reviewing alerts failed', { error }))
        .finally(scheduleSweep);
    }, sweepIntervalMs());
  };

  const flush = (): void => {
    if (batchTimer) clearTimeout(batchTimer);
    batchTimer = undefined;
    if (pending.length === 0) return;
    const batch = pending.splice(0, MAX_BATCH);
    if (pending.length > 0) flush();
    void serialized(() => applyWithRetries(batch));
  };

  const applyWithRetries = async (batch: Pending[]): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await applyEvents(batch.map((entry) => entry.event));
        for (const entry of batch) entry.resolve();
        return;
      } catch (error) {
        if (attempt >= 5 || stopping) {
          log.error('giving alert events back to the bus: applying them failed', { events: batch.length, attempt, error });
          for (const entry of batch) entry.reject(error);
          return;
        }
        const delay = cappedBackoffMs(100, 5_000, attempt);
        log.warn('applying alert events failed; retrying', { events: batch.length, attempt, retryInMs: delay, error });
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  const subscription: Subscription = await bus.subscribe('alert.events', { name: 'alerter', durable: true, prefetch: MAX_BATCH }, (event) => {
    const problem = eventProblem(event);
    if (problem) {
      // Redelivering it would not make it valid; dropping it keeps the queue moving.
      log.warn('dropping an invalid alert event', { problem, key: (event as { key?: unknown }).key });
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      pending.push({ event, resolve, reject });
      if (pending.length >= MAX_BATCH || stopping) flush();
      else if (!batchTimer) batchTimer = setTimeout(flush, batchWaitMs);
    });
  });
  scheduleSweep();
  log.info('alerter started', { receivers: config.receivers.length, smtp: options.mail.smtpUrl !== null, source: config.source });

  return {
    reloadConfig: (next) => {
      config = next;
      log.info('alerter configuration reloaded', { receivers: next.receivers.length, source: next.source });
    },
    stop: async () => {
      stopping = true;
      if (sweepTimer) clearTimeout(sweepTimer);
      const closing = subscription.close();
      flush();
      await closing;
      flush();
      await work;
      await sender.stop();
      log.info('alerter stopped');
    },
  };
}

/** The reasons an alert's notices are held back, as the API and the dashboard show them. */
function behindUpstream(by: { key: string; host: string }): string {
  return `reached through ${by.host}, which is down (${by.key})`;
}

function inhibitedBy(by: { key: string }): string {
  return `inhibited by ${by.key}`;
}

export function toNoticeAlert(alert: StoredAlert, dependents: readonly string[] = []): NoticeAlert {
  const notice: NoticeAlert = {
    key: alert.key,
    rule: alert.rule,
    host: alert.host,
    labels: alert.labels,
    severity: alert.severity,
    status: alert.state === 'resolved' ? 'resolved' : 'firing',
    summary: alert.summary,
    value: alert.value,
    threshold: alert.threshold,
    startsAt: alert.startsAt,
    endsAt: alert.endsAt,
  };
  if (dependents.length > 0) notice.dependents = [...dependents];
  return notice;
}

function eventProblem(event: AlertEvent): string | null {
  const e = event as Partial<Record<keyof AlertEvent, unknown>>;
  for (const field of ['key', 'rule', 'host', 'summary'] as const) if (typeof e[field] !== 'string' || (field !== 'summary' && e[field] === '')) return `${field} must be a non-empty string`;
  if (e.state !== 'pending' && e.state !== 'firing' && e.state !== 'resolved') return 'state must be pending, firing or resolved';
  if (e.severity !== 'info' && e.severity !== 'warning' && e.severity !== 'critical') return 'severity must be info, warning or critical';
  if (typeof e.at !== 'number' || !Number.isFinite(e.at) || typeof e.startsAt !== 'number' || !Number.isFinite(e.startsAt)) return 'at and startsAt must be times in milliseconds';
  if (!Array.isArray(e.receivers) || typeof e.labels !== 'object' || e.labels === null) return 'receivers must be a list and labels an object';
  if (e.dependents !== undefined && (!Array.isArray(e.dependents) || !e.dependents.every((host) => typeof host === 'string' && host !== ''))) {
    return 'dependents must be a list of host names';
  }
  return null;
}
