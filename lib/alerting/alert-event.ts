// What the rule evaluator tells the alerter: an alert became pending, started or stopped firing.
// Evaluation is stateless towards the alerter: it republishes 'firing' (and 'pending') for an
// alert that is still active (see AlertEvent.at), and the alerter deduplicates by key.

export type Severity = 'info' | 'warning' | 'critical';

export interface AlertEvent {
  /** Stable identity of one alert: rule + host + labels (e.g. the mount point). */
  key: string;
  rule: string;
  host: string;
  /** Distinguishes several alerts of one rule on one host, e.g. { mount: '/data' }. */
  labels: Record<string, string>;
  /**
   * pending: the condition holds but not yet for the rule's `for` (stored, never notified);
   * firing: it has lasted; resolved: it ended (a pending one that ends was never announced).
   */
  state: 'pending' | 'firing' | 'resolved';
  severity: Severity;
  /** The value that breached (or recovered), and the level it was compared against. */
  value: number | null;
  threshold: number | null;
  /** One line for people: "CPU busy 97.2 % > 95 % for 2m". Built from data, never from HTML. */
  summary: string;
  /** Milliseconds since the epoch when the condition began. */
  startsAt: number;
  /** Milliseconds since the epoch when this event was evaluated. */
  at: number;
  /** Receivers named by the rule (alerts.yml); empty: the alerter routes it (routes, then default receivers). */
  receivers: string[];
  /**
   * Hosts behind this one (SSH bastion): while this alert fires, their own alerts are held back
   * by the alerter, and this alert's notice names them instead.
   */
  dependents?: string[];
}
