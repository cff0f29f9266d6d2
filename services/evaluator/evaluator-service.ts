// Evaluates the alert rules as poll results arrive and publishes alerts starting and stopping
// to fire on 'alert.events'. A result is acknowledged only once its events are published, so
// a broker outage holds results back instead of losing alerts. State lives in memory: on start
// it takes back the pending and firing alerts the alerter stored (so that the first result
// after a restart can end them), re-learns everything else from new results, and re-publishes
// firing (and pending) alerts every few minutes so that a restarted alerter re-learns them too.
import { childResults } from '../../lib/poll/child-results.ts';
import { adoptStoredAlerts } from '../../lib/alerting/adopt-stored-alerts.ts';
import type { AlertEvent } from '../../lib/alerting/alert-event.ts';
import type { AlertsConfig } from '../../lib/alerting/alerts-config.ts';
import { EventStamps } from '../../lib/alerting/event-stamps.ts';
import {
  activeAlerts,
  createFleetState,
  DEFAULT_DOWN_AFTER,
  evaluateFleetTick,
  evaluatePollResult,
} from '../../lib/alerting/evaluate-poll-result.ts';
import type { HostSettings } from '../../lib/alerting/rule-state.ts';
import type { MessageBus, Subscription } from '../../lib/bus/message-bus.ts';
import type { VigilDb } from '../../lib/db/database.ts';
import { listActiveAlerts } from '../../lib/db/queries/list-alerts.ts';
import { selectHostsForEvaluation } from '../../lib/db/queries/select-hosts-for-evaluation.ts';
import type { Logger } from '../../lib/log.ts';
import { cappedBackoffMs } from '../../lib/capped-backoff.ts';

export interface EvaluatorOptions {
  bus: MessageBus;
  db: VigilDb;
  log: Logger;
  config: AlertsConfig;
  /** The clock of timer-driven evaluation (absence, re-publication); results carry their own time. */
  now?: () => number;
  /** Consecutive failed polls before host-down, for hosts without vigil_down_after. */
  downAfter?: number;
  /** How often host settings are re-read from the hosts table. */
  hostsRefreshMs?: number;
  /** How often absence is checked. */
  tickMs?: number;
  /** How often firing alerts are published again. */
  republishMs?: number;
  /** Attempts at publishing one result's events before the result is given back to the bus. */
  maxPublishAttempts?: number;
}

export interface Evaluator {
  /** Stops taking results, lets those in flight publish their events, and stops the timer. */
  stop(): Promise<void>;
  /** Takes new rules; alerts of rules that are gone resolve at the next tick. */
  reloadRules(config: AlertsConfig): void;
}

export async function startEvaluator(options: EvaluatorOptions): Promise<Evaluator> {
  const { bus, db, log } = options;
  const now = options.now ?? Date.now;
  const downAfter = options.downAfter ?? DEFAULT_DOWN_AFTER;
  const hostsRefreshMs = options.hostsRefreshMs ?? 2000;
  const tickMs = options.tickMs ?? 1000;
  const republishMs = options.republishMs ?? 5 * 60_000;
  const maxPublishAttempts = options.maxPublishAttempts ?? 5;

  let config = options.config;
  const fleet = createFleetState();
  // Loaded before the first result is taken, so that no result is judged without its host's settings.
  let hosts: Map<string, HostSettings> = await selectHostsForEvaluation(db);
  const adoption = adoptStoredAlerts(fleet, config, hosts, await listActiveAlerts(db), now());
  let lastRefresh = now();
  let lastRepublish = now();
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | undefined;

  const stamps = new EventStamps();
  // Stamped when made (synchronously), not when published: the order of stamps is the order of
  // decisions, whichever publish finishes first.
  const publishAll = async (unstamped: AlertEvent[]): Promise<void> => {
    const events = stamps.stamp(unstamped);
    for (const event of events) {
      for (let attempt = 1; ; attempt++) {
        try {
          await bus.publish('alert.events', event);
          break;
        } catch (error) {
          if (attempt >= maxPublishAttempts) throw error;
          log.warn('publishing an alert event failed; retrying', { key: event.key, attempt, error });
          await new Promise((resolve) => setTimeout(resolve, cappedBackoffMs(200, 5000, attempt)));
        }
      }
    }
  };

  const logEvents = (events: AlertEvent[]): void => {
    for (const event of events) log.info(`alert ${event.state}`, { key: event.key, severity: event.severity, summary: event.summary });
  };

  const tick = async (): Promise<void> => {
    const at = now();
    if (at - lastRefresh >= hostsRefreshMs) {
      try {
        hosts = await selectHostsForEvaluation(db);
        lastRefresh = at;
      } catch (error) {
        log.warn('reading host settings failed; keeping the previous ones', { error });
      }
    }
    const events = evaluateFleetTick(fleet, config, hosts, at);
    logEvents(events);
    if (at - lastRepublish >= republishMs) {
      lastRepublish = at;
      // Re-published with the time of this tick, so that the alerter sees they are still current.
      events.push(...activeAlerts(fleet).map((event) => ({ ...event, at })));
    }
    if (events.length === 0) return;
    try {
      await publishAll(events);
    } catch (error) {
      // The alerts stay active in memory: the next re-publication carries them again.
      log.error('publishing alert events failed', { events: events.length, error });
    }
  };

  const scheduleTick = (): void => {
    if (stopping) return;
    timer = setTimeout(() => {
      ticking = tick()
        .catch((error: unknown) => log.error('evaluator tick failed', { error }))
        .finally(() => {
          ticking = undefined;
          scheduleTick();
        });
    }, tickMs);
  };

  logEvents(adoption.events);
  await publishAll(adoption.events);
  const subscription: Subscription = await bus.subscribe('poll.results', { name: 'evaluator', durable: true, prefetch: 500 }, async (result) => {
    const events = evaluatePollResult(fleet, result, config, hosts, { downAfter });
    // A vCenter's hypervisors and VMs are entries of their own: the rules apply to each as to a host.
    for (const { result: child } of childResults(result)) events.push(...evaluatePollResult(fleet, child, config, hosts, { downAfter }));
    if (events.length === 0) return;
    logEvents(events);
    await publishAll(events);
  });
  scheduleTick();
  log.info('evaluator started', { rules: config.rules.length, source: config.source, hosts: hosts.size, downAfter, adoptedAlerts: adoption.adopted });

  return {
    reloadRules: (next) => {
      config = next;
      log.info('alert rules reloaded', { rules: next.rules.length, source: next.source });
    },
    stop: async () => {
      stopping = true;
      clearTimeout(timer);
      await subscription.close();
      await ticking;
      log.info('evaluator stopped');
    },
  };
}
