// The typed content of alerts.yml (beside the inventory by default): rules, receivers and
// notification timing. lib/alerting/alerts-file.ts reads and validates the file into this.
import type { Severity } from './alert-event.ts';

export type RuleKind =
  /** A collected metric compared with levels, held `for` a duration, with a recovery level. */
  | 'threshold'
  /** No sample from a host for `for`. */
  | 'absent'
  /** The value is more than `k` standard deviations from its own rolling baseline over `window`. */
  | 'anomaly'
  /** A filesystem is predicted full within `hours` by a linear fit of its recent fill rate. */
  | 'predict-full'
  /** Consecutive failed polls reached the host's down-after count. */
  | 'host-down'
  /** The host presented a different SSH host key: a security alert, never merged into down. */
  | 'host-key-changed'
  /** A watched process pattern (vigil_processes) matched no process. */
  | 'process-missing'
  /** Uptime went backwards between two polls. */
  | 'reboot'
  /** A service check (vigil_checks) failed `polls` polls in a row; one alert per check. */
  | 'check-failing'
  /** A systemd unit is in the failed state; one alert per unit. */
  | 'unit-failed'
  /** A physical network interface's link, once seen up, is down; one alert per interface. */
  | 'interface-down';

export interface AlertRule {
  name: string;
  kind: RuleKind;
  /** Sample field or per-item path, e.g. 'cpuBusyPct', 'filesystems.usedPct', 'gpus.temperatureC'. */
  metric?: string;
  /** 'above' (default) breaches when value > level; 'below' when value < level. */
  direction?: 'above' | 'below';
  /** Levels by severity; at least one for a threshold rule. */
  levels?: Partial<Record<Severity, number>>;
  /** Hysteresis: the alert resolves only once the value is back past this level. */
  recoverAt?: number;
  forMs?: number;
  /** anomaly */
  k?: number;
  windowMs?: number;
  /** predict-full */
  hours?: number;
  /** check-failing: failed results in a row before it fires (default 2). */
  polls?: number;
  severity?: Severity;
  receivers?: string[];
  /** With `receivers`: the escalation of its alerts (AlertRoute.escalate). */
  escalate?: EscalationStep[];
  summary?: string;
  /** Printed after values in summaries: '%', '°C'. */
  unit?: string;
  /** Per item, keyed by the item's label value (a mount point, a GPU index, a process pattern). */
  items?: Record<string, RuleOverride>;
}

/** Changes to one rule for one item, host or group; what it leaves out stays as the rule says. */
export interface RuleOverride {
  /** false: the rule does not apply here. */
  enabled?: boolean;
  /** A level set to null is removed (e.g. no critical level on this mount). */
  levels?: Partial<Record<Severity, number | null>>;
  recoverAt?: number;
  forMs?: number;
}

export interface HostRuleOverride extends RuleOverride {
  items?: Record<string, RuleOverride>;
}

/** A host's alerting settings from its inventory variables (vigil_thresholds, vigil_down_after). */
export interface HostAlerting {
  /** Consecutive failed polls before host-down fires; absent: the evaluator's default. */
  downAfter?: number;
  /** By rule name. */
  thresholds?: Record<string, HostRuleOverride>;
  /** vigil_maintenance as written (parsed from text when the inventory is INI); the alerter reads it. */
  maintenance?: unknown;
  /** vigil_availability_target: the availability the host should keep, in percent (e.g. 99.9); availability reports judge against it. */
  availabilityTargetPct?: number;
  /** vigil_status_name: what the public status page calls the host instead of its inventory name. */
  statusName?: string;
  /**
   * vigil_parents: the inventory hosts this one is reached through on the network. While every one
   * of them is failing, a parent's alert names this host, whose own alerts are held back behind it
   * (its host_down fires after the parent's, recorded but not told).
   */
  parents?: string[];
}

export const WEBHOOK_FORMATS = [
  'json', 'slack', 'alertmanager', 'discord', 'msteams', 'telegram', 'ntfy', 'gotify', 'pushover', 'pagerduty', 'opsgenie', 'googlechat', 'webex',
] as const;

export interface WebhookReceiver {
  /** For pagerduty, pushover, opsgenie and webex, the service's own API unless the file gives another. */
  url: string;
  /**
   * json: Vigil's own body; slack: incoming-webhook text (Mattermost, Rocket.Chat too);
   * alertmanager: webhook v4 body; discord, msteams (a Workflows webhook's Adaptive Card),
   * telegram (sendMessage to chatId), ntfy (the url names the topic), gotify (the url carries the
   * application's token: /message?token=…), pushover (token and userKey, Pushover's url by
   * default), pagerduty (Events API v2, an event per alert with routingKey), opsgenie (Alert API
   * v2, an alert per alert with apiKey), googlechat (a space's incoming webhook), webex (a bot's
   * token, to roomId). lib/alerting/notify/webhook-body.ts renders them.
   */
  format: (typeof WEBHOOK_FORMATS)[number];
  /** pagerduty: the integration's routing key. */
  routingKey?: string;
  /** opsgenie: the API integration's key (sent as Authorization: GenieKey …). */
  apiKey?: string;
  /** telegram: the chat, group or channel id (a number, or @channelname). */
  chatId?: string;
  /** pushover: the application's API token; webex: the bot's access token. */
  token?: string;
  /** pushover: the user's (or group's) key. */
  userKey?: string;
  /** webex: the room (space) the bot posts to. */
  roomId?: string;
  /** Sent with every request: a receiver's login (Authorization: Bearer …, an ntfy key), as Alertmanager's http_config. */
  headers?: Record<string, string>;
}

export interface Receiver {
  name: string;
  email: string[];
  webhooks: WebhookReceiver[];
}

/**
 * Who hears of an alert whose rule names no receivers, by the host's inventory groups (and the
 * rule and severity), as Alertmanager routes do. lib/alerting/route-alert.ts applies them.
 */
export interface AlertRoute {
  /** The host is in one of these groups (the groups that list it and their ancestors). */
  groups?: string[];
  /** The alert is of one of these rules. */
  rules?: string[];
  /** The alert has one of these severities. */
  severities?: Severity[];
  receivers: string[];
  /** true: the routes below are checked too, and those that match add their receivers. */
  continue: boolean;
  /** Who else hears of a firing alert of this route that nobody has acknowledged for a while. */
  escalate?: EscalationStep[];
}

/**
 * One step of an escalation, as Zabbix's escalation steps and PagerDuty's escalation policies: if
 * the alert still fires, unacknowledged, `afterMs` after it started, these receivers are told too.
 */
export interface EscalationStep {
  afterMs: number;
  receivers: string[];
}

/** Which alerts an inhibit rule's source or target is: every matcher it sets must match, as a route's. */
export type AlertMatcher = Pick<AlertRoute, 'rules' | 'severities'>;

/**
 * While an alert matching `source` is pending or firing on a host, that host's alerts matching
 * `target` are held back: recorded, never notified (lib/alerting/inhibit-alerts.ts).
 */
export interface InhibitRule {
  source: AlertMatcher;
  /** Absent: every alert that does not match `source`. */
  target?: AlertMatcher;
  /** Labels (mountpoint, id, ...) that must be equal on both alerts besides the host. */
  equal: string[];
}

export interface AlertsConfig {
  /** The file it came from, for messages; null for the built-in defaults. */
  source: string | null;
  rules: AlertRule[];
  receivers: Receiver[];
  /** Checked in order for alerts of rules that name no receivers; the first match decides (see AlertRoute.continue). */
  routes: AlertRoute[];
  /** Receivers of alerts that neither their rule nor a route sends anywhere. */
  defaultReceivers: string[];
  /** The escalation of alerts that reach the default receivers (AlertRoute.escalate). */
  defaultEscalate: EscalationStep[];
  /** Alerts firing within this window for the same receiver go out as one message. */
  groupWaitMs: number;
  /**
   * A new message for a receiver (channel, target and kind) that had one less than this long ago
   * is due this long after that one instead of after groupWaitMs: a storm gives one follow-up.
   * 0: no such wait.
   */
  groupIntervalMs: number;
  /** A still-firing, unacknowledged alert is re-sent after this long. Default 4 h. */
  repeatIntervalMs: number;
  /** Flap detection: more than `flapMaxChanges` state changes within `flapWindowMs` = flapping. */
  flapWindowMs: number;
  flapMaxChanges: number;
  /** Alerts that hold back others of the same host (a host that is down: its checks failing). */
  inhibitRules: InhibitRule[];
}
