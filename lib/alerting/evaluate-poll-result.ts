// Every rule against one poll result, and the timer's view of the fleet (absence, hosts that
// left). The per-rule evaluations are pure; this file keeps their states in one FleetState,
// which it updates in place: the evaluator has one, and a test builds its own.
import type { AlertEvent } from './alert-event.ts';
import type { AlertRule, AlertsConfig } from './alerts-config.ts';
import { evaluateAbsentData, evaluateAbsentTick, initialAbsentState } from './evaluate-absent.ts';
import type { AbsentState } from './evaluate-absent.ts';
import { evaluateAnomaly, INITIAL_ANOMALY_STATE } from './evaluate-anomaly.ts';
import type { AnomalyState } from './evaluate-anomaly.ts';
import { evaluateHostDown, INITIAL_HOST_DOWN_STATE, isFailing } from './evaluate-host-down.ts';
import type { HostDownState } from './evaluate-host-down.ts';
import { evaluateHostKeyChanged, INITIAL_HOST_KEY_STATE } from './evaluate-host-key-changed.ts';
import type { HostKeyState } from './evaluate-host-key-changed.ts';
import { itemKey, itemLabels, metricValues } from './evaluate-metric.ts';
import type { MetricValue } from './evaluate-metric.ts';
import { evaluatePredictFull, INITIAL_PREDICT_FULL_STATE } from './evaluate-predict-full.ts';
import type { PredictFullState } from './evaluate-predict-full.ts';
import { DEFAULT_PROCESS_METRIC, evaluateProcessMissing } from './evaluate-process-missing.ts';
import { evaluateUnitFailed, failedUnitValues } from './evaluate-unit-failed.ts';
import { evaluateInterfaceDown, INITIAL_INTERFACE_DOWN_STATE, linkStateValues } from './evaluate-interface-down.ts';
import type { InterfaceDownState } from './evaluate-interface-down.ts';
import { evaluateReboot, INITIAL_REBOOT_STATE } from './evaluate-reboot.ts';
import type { RebootState } from './evaluate-reboot.ts';
import { evaluateThreshold, INITIAL_THRESHOLD_STATE } from './evaluate-threshold.ts';
import type { ThresholdState } from './evaluate-threshold.ts';
import { alertKey, resolvedEvent } from './rule-state.ts';
import type { AlertContext, AlertStateBase, Evaluation, HostSettings } from './rule-state.ts';
import { effectiveRule } from './rule-state-overrides.ts';
import type { Sample } from '../collect/sample.ts';
import type { CheckResult } from '../checks/check-result.ts';
import type { FailureReason, PollFailure, PollResult } from '../poll/poll-messages.ts';
import { checkLabels, evaluateCheckFailing, INITIAL_CHECK_FAILING_STATE } from './evaluate-check-failing.ts';
import type { CheckFailingState } from './evaluate-check-failing.ts';

export interface Tracked {
  rule: string;
  /** A rule renamed to another kind by a reload starts afresh, as its state has another shape. */
  kind: AlertRule['kind'];
  host: string;
  labels: Record<string, string>;
  state: AlertStateBase;
}

export interface FleetState {
  /** By alertKey. */
  alerts: Map<string, Tracked>;
  /** The alert keys of each host, to find its items and to forget a host that left. */
  byHost: Map<string, Set<string>>;
  /** Newest result time seen per host: an older one (a late redelivery) is not evaluated. */
  lastResultAt: Map<string, number>;
  /** Whether each host's newest result was a failure. */
  failing: Map<string, boolean>;
}

export function createFleetState(): FleetState {
  return { alerts: new Map(), byHost: new Map(), lastResultAt: new Map(), failing: new Map() };
}

export interface FleetOptions {
  /** Consecutive failures before host-down, for hosts without vigil_down_after. */
  downAfter: number;
}

export const DEFAULT_DOWN_AFTER = 3;

/** The events of one poll result; `settings` are the hosts' settings by name. */
export function evaluatePollResult(
  fleet: FleetState,
  result: PollResult,
  config: AlertsConfig,
  settings: ReadonlyMap<string, HostSettings>,
  options: FleetOptions,
): AlertEvent[] {
  const host = result.host;
  const now = result.kind === 'sample' ? result.sample.ts : result.finishedAt;
  const previous = fleet.lastResultAt.get(host);
  if (previous !== undefined && now < previous) return [];
  fleet.lastResultAt.set(host, now);
  fleet.failing.set(host, result.kind === 'failure');
  const hostSettings = settings.get(host) ?? null;
  const alerting = hostSettings?.alerting ?? null;
  const failure: FailureReason | null = result.kind === 'failure' ? result.reason : null;
  const events: AlertEvent[] = [];

  for (const rule of config.rules) {
    const hostRule = effectiveRule(rule, alerting, '');
    switch (rule.kind) {
      case 'host-down': {
        if (!hostRule) {
          events.push(...forget(fleet, rule.name, host, {}, now));
          break;
        }
        const failing = (name: string): boolean => isFailing(stateOf<HostDownState>(fleet, rule.name, name, {}));
        // A parent's alert is out for this host once it fires naming it (the alerter then holds this host's alerts back).
        const firing = (name: string): boolean => stateOf<HostDownState>(fleet, rule.name, name, {})?.active?.dependents?.includes(host) === true;
        const failingBastion = hostSettings?.via.find(failing) ?? null;
        const parentsDown = hostSettings && failingBastion === null ? parentsCoverOf(hostSettings, failing, firing) : null;
        const dependents = dependentsOf(settings, host, failing);
        const downAfter = alerting?.downAfter ?? options.downAfter;
        const input = { failure, downAfter, failingBastion, dependents, parentsDown: parentsDown === null ? null : { parent: parentsDown, firing: firing(parentsDown) } };
        events.push(...step(fleet, rule, host, {}, now, INITIAL_HOST_DOWN_STATE, (state, ctx) => evaluateHostDown(state, input, hostRule, ctx)));
        break;
      }
      case 'host-key-changed':
        if (!hostRule) events.push(...forget(fleet, rule.name, host, {}, now));
        else events.push(...step<HostKeyState>(fleet, rule, host, {}, now, INITIAL_HOST_KEY_STATE, (state, ctx) => evaluateHostKeyChanged(state, failure, hostRule, ctx)));
        break;
      case 'absent': {
        const seen = rule.metric === undefined || (result.kind === 'sample' && (metricValues(result.sample, rule.metric)?.length ?? 0) > 0);
        if (!hostRule) events.push(...forget(fleet, rule.name, host, {}, now));
        else if (seen) events.push(...step<AbsentState>(fleet, rule, host, {}, now, initialAbsentState(now), (state, ctx) => evaluateAbsentData(state, ctx)));
        break;
      }
      case 'check-failing':
        events.push(...evaluateCheckResults(fleet, rule, result, alerting, now));
        break;
      default:
        if (result.kind === 'sample') events.push(...evaluateSampleRule(fleet, rule, result.sample, alerting, now));
        // A failed poll has no figures, but its HTTP and TCP checks ran: rules on them still apply.
        else if (isCheckMetric(rule) && result.checks !== undefined) events.push(...evaluateSampleRule(fleet, rule, checksOnly(result), alerting, now));
    }
  }
  return events;
}

/**
 * check-failing, one alert per check id. A sample lists all of the host's checks: one it no longer
 * lists was taken out of the inventory, and its alert resolves. A failed poll lists only the checks
 * that could run without the host's connection: the others (systemd) keep their state.
 */
function evaluateCheckResults(fleet: FleetState, rule: AlertRule, result: PollResult, alerting: HostSettings['alerting'], now: number): AlertEvent[] {
  const host = result.host;
  const checks: CheckResult[] = (result.kind === 'sample' ? result.sample.checks : result.checks) ?? [];
  const events: AlertEvent[] = [];
  const present = new Set<string>();
  for (const check of checks) {
    const labels = checkLabels(check);
    present.add(alertKey(rule.name, host, labels));
    const checkRule = effectiveRule(rule, alerting, itemKey(labels));
    if (!checkRule) events.push(...forget(fleet, rule.name, host, labels, now));
    else events.push(...step<CheckFailingState>(fleet, rule, host, labels, now, INITIAL_CHECK_FAILING_STATE, (state, ctx) => evaluateCheckFailing(state, check, checkRule, ctx)));
  }
  if (result.kind === 'sample') events.push(...forgetUnlisted(fleet, rule.name, host, present, now));
  return events;
}

/** Rules on `checks.…` metrics (certificate_expiring on checks.certDaysLeft). */
function isCheckMetric(rule: AlertRule): boolean {
  return rule.metric !== undefined && rule.metric.startsWith('checks.');
}

/** A failed poll as a sample holding nothing but its checks, for rules on check metrics alone (isCheckMetric). */
function checksOnly(result: PollFailure): Sample {
  return {
    host: result.host, ts: result.finishedAt, cpuBusyPct: null, cpuCount: null, memTotalBytes: null, memAvailableBytes: null, memUsedPct: null,
    swapTotalBytes: null, swapUsedBytes: null, load1: null, load5: null, load15: null, uptimeSec: null, netRxBytesPerSec: null, netTxBytesPerSec: null,
    diskUsedPctMax: null, filesystems: [], interfaces: [], missing: [], checks: result.checks ?? [],
  };
}

/** Resolves and drops the host's alerts of `rule` whose keys are not in `present`. */
function forgetUnlisted(fleet: FleetState, rule: string, host: string, present: ReadonlySet<string>, now: number): AlertEvent[] {
  const events: AlertEvent[] = [];
  for (const key of [...(fleet.byHost.get(host) ?? [])]) {
    const tracked = fleet.alerts.get(key);
    if (tracked && tracked.rule === rule && !present.has(key)) events.push(...forget(fleet, rule, host, tracked.labels, now));
  }
  return events;
}

function evaluateSampleRule(fleet: FleetState, rule: AlertRule, sample: Sample, alerting: HostSettings['alerting'], now: number): AlertEvent[] {
  const host = sample.host;
  if (rule.kind === 'reboot') {
    const hostRule = effectiveRule(rule, alerting, '');
    if (!hostRule) return forget(fleet, rule.name, host, {}, now);
    return step<RebootState>(fleet, rule, host, {}, now, INITIAL_REBOOT_STATE, (state, ctx) => evaluateReboot(state, { uptimeSec: sample.uptimeSec, rebooted: sample.rebooted, bootTime: sample.bootTime }, hostRule, ctx));
  }

  let values: Array<MetricValue & { level?: { usedBytes: number; availableBytes: number } }> | null;
  const unvalued: Array<Record<string, string>> = [];
  if (rule.kind === 'predict-full') values = fillLevels(sample, rule.metric ?? 'filesystems');
  else if (rule.kind === 'unit-failed') values = failedUnitValues(sample.failedUnits);
  else if (rule.kind === 'interface-down') values = linkStateValues(sample.interfaces);
  else values = metricValues(sample, rule.metric ?? (rule.kind === 'process-missing' ? DEFAULT_PROCESS_METRIC : ''), unvalued);
  // Still listed, without a figure this poll (a disk that served no write has no write latency):
  // its alert stays as it is, neither ended nor restarted.
  const present = new Set<string>(unvalued.map((labels) => alertKey(rule.name, host, labels)));
  if (isCheckMetric(rule)) {
    // A host's checks are all listed in each sample: no checks left is a list emptied (its alerts
    // resolve), not a section missing. A check listed without the figure (an HTTPS check that timed
    // out has no certificate days) keeps its alert as it is, neither fired nor resolved.
    values ??= [];
    for (const check of sample.checks ?? []) present.add(alertKey(rule.name, host, checkLabels(check)));
  }
  if (values === null) return [];

  const events: AlertEvent[] = [];
  for (const { labels, value, level } of values) {
    const key = alertKey(rule.name, host, labels);
    present.add(key);
    const itemRule = effectiveRule(rule, alerting, itemKey(labels));
    if (!itemRule) {
      events.push(...forget(fleet, rule.name, host, labels, now));
      continue;
    }
    switch (rule.kind) {
      case 'threshold':
        events.push(...step<ThresholdState>(fleet, rule, host, labels, now, INITIAL_THRESHOLD_STATE, (state, ctx) => evaluateThreshold(state, value, itemRule, ctx)));
        break;
      case 'process-missing':
        events.push(...step<ThresholdState>(fleet, rule, host, labels, now, INITIAL_THRESHOLD_STATE, (state, ctx) => evaluateProcessMissing(state, value, itemRule, ctx)));
        break;
      case 'interface-down':
        events.push(...step<InterfaceDownState>(fleet, rule, host, labels, now, INITIAL_INTERFACE_DOWN_STATE, (state, ctx) => evaluateInterfaceDown(state, value, itemRule, ctx)));
        break;
      case 'unit-failed':
        events.push(...step<ThresholdState>(fleet, rule, host, labels, now, INITIAL_THRESHOLD_STATE, (state, ctx) => evaluateUnitFailed(state, value, itemRule, ctx)));
        break;
      case 'anomaly':
        events.push(...step<AnomalyState>(fleet, rule, host, labels, now, INITIAL_ANOMALY_STATE, (state, ctx) => evaluateAnomaly(state, value, itemRule, ctx)));
        break;
      case 'predict-full':
        events.push(...step<PredictFullState>(fleet, rule, host, labels, now, INITIAL_PREDICT_FULL_STATE, (state, ctx) => evaluatePredictFull(state, level ?? null, itemRule, ctx)));
        break;
      default:
        break;
    }
  }
  // An item the section no longer lists (an unmounted filesystem, a removed GPU) cannot recover
  // by itself: its alert resolves and its state goes.
  events.push(...forgetUnlisted(fleet, rule.name, host, present, now));
  return events;
}

/** Per filesystem: used and available bytes, the inputs of a fill-rate prediction. */
function fillLevels(sample: Sample, path: string): Array<MetricValue & { level: { usedBytes: number; availableBytes: number } }> | null {
  const list = (sample as unknown as Record<string, unknown>)[path];
  if (!Array.isArray(list) || list.length === 0) return null;
  const out = [];
  for (const item of list as Array<Record<string, unknown>>) {
    const used = item['usedBytes'];
    const available = item['availableBytes'];
    if (typeof used !== 'number' || typeof available !== 'number') continue;
    out.push({ labels: itemLabels(item), value: used, level: { usedBytes: used, availableBytes: available } });
  }
  return out;
}

/**
 * The timer's evaluation: absence of data, and hosts that left the inventory (their alerts
 * resolve). `settings` must be the whole fleet, loaded at least once.
 */
export function evaluateFleetTick(fleet: FleetState, config: AlertsConfig, settings: ReadonlyMap<string, HostSettings>, now: number): AlertEvent[] {
  const events: AlertEvent[] = [];
  for (const [host, keys] of [...fleet.byHost]) {
    if (settings.has(host)) continue;
    for (const key of [...keys]) {
      const tracked = fleet.alerts.get(key);
      if (tracked) events.push(...forget(fleet, tracked.rule, host, tracked.labels, now));
    }
    fleet.byHost.delete(host);
    fleet.lastResultAt.delete(host);
    fleet.failing.delete(host);
  }
  const ruleKinds = new Map(config.rules.map((r) => [r.name, r.kind]));
  // A rule taken out of alerts.yml by a reload, or whose name now belongs to another kind: its
  // alerts resolve (the new kind's are raised afresh by its own evaluation).
  for (const tracked of [...fleet.alerts.values()]) {
    if (ruleKinds.get(tracked.rule) !== tracked.kind) events.push(...forget(fleet, tracked.rule, tracked.host, tracked.labels, now));
  }
  for (const rule of config.rules) {
    if (rule.kind !== 'absent') continue;
    for (const hostSettings of settings.values()) {
      const hostRule = effectiveRule(rule, hostSettings.alerting, '');
      if (!hostRule) {
        events.push(...forget(fleet, rule.name, hostSettings.name, {}, now));
        continue;
      }
      // Missing values of a metric while polls fail is host-down's business, not this rule's.
      if (rule.metric !== undefined && fleet.failing.get(hostSettings.name) === true) continue;
      events.push(...step<AbsentState>(fleet, rule, hostSettings.name, {}, now, initialAbsentState(now), (state, ctx) =>
        evaluateAbsentTick(state, hostRule, hostSettings.intervalSec, ctx)));
    }
  }
  return events;
}

/** The latest firing (or pending) event of every active alert, for the periodic re-publication. */
export function activeAlerts(fleet: FleetState): AlertEvent[] {
  const out: AlertEvent[] = [];
  for (const tracked of fleet.alerts.values()) {
    const current = tracked.state.active ?? tracked.state.pending;
    if (current) out.push(current);
  }
  return out;
}

/**
 * The parent whose alert covers this host's, when every one of its vigil_parents is failing: the
 * first whose alert is out naming it, else the first. One parent up of two is a path still open,
 * as Checkmk and Nagios judge it.
 */
export function parentsCoverOf(host: HostSettings, failing: (name: string) => boolean, firing: (name: string) => boolean): string | null {
  const parents = host.alerting?.parents ?? [];
  if (parents.length === 0 || !parents.every(failing)) return null;
  return parents.find(firing) ?? (parents[0] as string);
}

/**
 * The hosts `host` covers, by name: those reached through it (it is on their `via`), and those
 * whose vigil_parents include it while every one of their parents is failing.
 */
export function dependentsOf(settings: ReadonlyMap<string, HostSettings>, host: string, failing: (name: string) => boolean): string[] {
  const below = belowIndexOf(settings).get(host);
  if (below === undefined) return [];
  const covered = [...below.via];
  for (const child of below.parents) {
    if (!covered.includes(child.name) && (child.alerting?.parents ?? []).every((parent) => parent === host || failing(parent))) covered.push(child.name);
  }
  return covered.sort();
}

interface Below {
  /** Hosts with this one on their `via`. */
  via: string[];
  /** Hosts with this one among their vigil_parents. */
  parents: HostSettings[];
}

/**
 * Who is below each host, built once per settings map (the evaluator reads a new one every few
 * seconds): host_down asks with every poll, and a scan of 10,000 hosts each time would add up.
 */
const belowIndexes = new WeakMap<ReadonlyMap<string, HostSettings>, Map<string, Below>>();

function belowIndexOf(settings: ReadonlyMap<string, HostSettings>): Map<string, Below> {
  const known = belowIndexes.get(settings);
  if (known !== undefined) return known;
  const index = new Map<string, Below>();
  const entry = (name: string): Below => {
    let below = index.get(name);
    if (below === undefined) index.set(name, (below = { via: [], parents: [] }));
    return below;
  };
  for (const host of settings.values()) {
    for (const upstream of new Set(host.via)) entry(upstream).via.push(host.name);
    for (const parent of host.alerting?.parents ?? []) entry(parent).parents.push(host);
  }
  belowIndexes.set(settings, index);
  return index;
}

/** Keeps an alert's state in the fleet, under its key and its host. */
export function track(fleet: FleetState, key: string, tracked: Tracked): void {
  fleet.alerts.set(key, tracked);
  let keys = fleet.byHost.get(tracked.host);
  if (!keys) fleet.byHost.set(tracked.host, (keys = new Set()));
  keys.add(key);
}

function stateOf<S extends AlertStateBase>(fleet: FleetState, rule: string, host: string, labels: Record<string, string>): S | undefined {
  return fleet.alerts.get(alertKey(rule, host, labels))?.state as S | undefined;
}

function step<S extends AlertStateBase>(
  fleet: FleetState,
  rule: AlertRule,
  host: string,
  labels: Record<string, string>,
  now: number,
  initial: S,
  evaluate: (state: S, ctx: AlertContext) => Evaluation<S>,
): AlertEvent[] {
  const key = alertKey(rule.name, host, labels);
  const tracked = fleet.alerts.get(key);
  // A reload that gave the rule's name to another kind: what the old kind raised resolves first,
  // else the new state would replace an active alert that nothing ever ends.
  const retired = tracked !== undefined && tracked.kind !== rule.kind ? forget(fleet, rule.name, host, labels, now) : [];
  const previous = tracked?.kind === rule.kind ? (tracked.state as S) : initial;
  const { state, events } = evaluate(previous, { host, labels, now });
  track(fleet, key, { rule: rule.name, kind: rule.kind, host, labels, state });
  return retired.length > 0 ? [...retired, ...events] : events;
}

/** Drops an alert's state, resolving it if it was active or pending. */
function forget(fleet: FleetState, rule: string, host: string, labels: Record<string, string>, now: number): AlertEvent[] {
  const key = alertKey(rule, host, labels);
  const tracked = fleet.alerts.get(key);
  if (!tracked) return [];
  fleet.alerts.delete(key);
  fleet.byHost.get(host)?.delete(key);
  const current = tracked.state.active ?? tracked.state.pending;
  return current ? [resolvedEvent(current, now, null)] : [];
}
