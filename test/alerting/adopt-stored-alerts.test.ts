import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from '../../lib/alerting/alert-event.ts';
import { adoptStoredAlerts, type StoredActiveAlert } from '../../lib/alerting/adopt-stored-alerts.ts';
import type { AlertsConfig, AlertRule } from '../../lib/alerting/alerts-config.ts';
import { DEFAULT_ALERTS } from '../../lib/alerting/default-alerts.ts';
import { activeAlerts, createFleetState, evaluateFleetTick, evaluatePollResult } from '../../lib/alerting/evaluate-poll-result.ts';
import type { FleetState } from '../../lib/alerting/evaluate-poll-result.ts';
import type { HostSettings } from '../../lib/alerting/rule-state.ts';
import type { Sample } from '../../lib/collect/sample.ts';
import { failure, sample, success } from './synthetic-sample.ts';

const T0 = Date.UTC(2025, 0, 1);
const cpu: AlertRule = { name: 'cpu_busy', kind: 'threshold', metric: 'cpuBusyPct', levels: { critical: 90 }, recoverAt: 80, forMs: 20_000, summary: 'CPU busy', unit: '%' };
const down: AlertRule = { name: 'host_down', kind: 'host-down', severity: 'critical' };
const config: AlertsConfig = { ...DEFAULT_ALERTS, rules: [cpu, down] };

function hostsOf(...list: Array<Partial<HostSettings> & { name: string }>): Map<string, HostSettings> {
  return new Map(list.map((h) => [h.name, { intervalSec: 10, alerting: null, via: [], ...h }]));
}

/** A row as the alerter stored it before the restart. */
function stored(rule: string, host: string, state: 'pending' | 'firing', startsAt: number): StoredActiveAlert {
  return {
    key: `${rule}|${host}`, rule, host, labels: {}, state, severity: 'critical', summary: `${rule} on ${host}`,
    value: 95, threshold: 90, receivers: [], startsAt, lastEventAt: startsAt,
  };
}

const brief = (events: AlertEvent[]): string[] => events.map((e) => `${e.state} ${e.rule} ${e.host}${e.dependents ? ` [${e.dependents.join(',')}]` : ''}`);

function cpuAt(fleet: FleetState, hosts: Map<string, HostSettings>, host: string, ts: number, cpuBusyPct: number): string[] {
  return brief(evaluatePollResult(fleet, success(sample(host, ts, { cpuBusyPct })), config, hosts, { downAfter: 2 }));
}

void test('a stored pending alert whose condition is over after the restart clears with the first result', () => {
  const hosts = hostsOf({ name: 'a' });
  const fleet = createFleetState();
  const adoption = adoptStoredAlerts(fleet, config, hosts, [stored('cpu_busy', 'a', 'pending', T0)], T0 + 60_000);
  assert.deepEqual(adoption, { adopted: 1, events: [] });
  assert.deepEqual(brief(activeAlerts(fleet)), ['pending cpu_busy a'], 're-published like any pending alert');
  const events = evaluatePollResult(fleet, success(sample('a', T0 + 70_000, { cpuBusyPct: 40 })), config, hosts, { downAfter: 2 });
  assert.deepEqual(brief(events), ['resolved cpu_busy a']);
  assert.match(events[0]?.summary ?? '', /cleared before it fired/);
  assert.deepEqual(activeAlerts(fleet), []);
});

void test('a stored pending alert still in breach does not fire early: `for` counts from the first result after the restart', () => {
  const hosts = hostsOf({ name: 'a' });
  const fleet = createFleetState();
  adoptStoredAlerts(fleet, config, hosts, [stored('cpu_busy', 'a', 'pending', T0)], T0 + 60_000);
  // 70 s after the breach began, but nobody saw the 20 s of `for` whole.
  assert.deepEqual(cpuAt(fleet, hosts, 'a', T0 + 70_000, 95), []);
  assert.deepEqual(cpuAt(fleet, hosts, 'a', T0 + 80_000, 95), []);
  const fired = evaluatePollResult(fleet, success(sample('a', T0 + 90_000, { cpuBusyPct: 95 })), config, hosts, { downAfter: 2 });
  assert.deepEqual(brief(fired), ['firing cpu_busy a']);
  assert.equal(fired[0]?.startsAt, T0 + 70_000, 'the firing alert starts where the watched breach did');
});

void test('a stored firing alert resolves when its value recovers, and is not announced again while it holds', () => {
  const hosts = hostsOf({ name: 'a' }, { name: 'b' });
  const fleet = createFleetState();
  adoptStoredAlerts(fleet, config, hosts, [stored('cpu_busy', 'a', 'firing', T0), stored('cpu_busy', 'b', 'firing', T0)], T0 + 60_000);
  assert.deepEqual(cpuAt(fleet, hosts, 'a', T0 + 70_000, 50), ['resolved cpu_busy a']);
  assert.deepEqual(cpuAt(fleet, hosts, 'b', T0 + 70_000, 97), []);
  assert.deepEqual(brief(activeAlerts(fleet)), ['firing cpu_busy b']);
});

void test('a bastion\'s stored host-down alert is re-published naming the hosts behind it, and resolves when it answers', () => {
  const hosts = hostsOf({ name: 'jump' }, { name: 'app1', via: ['jump'] }, { name: 'app2', via: ['jump'] });
  const fleet = createFleetState();
  adoptStoredAlerts(fleet, config, hosts, [stored('host_down', 'jump', 'firing', T0)], T0 + 60_000);
  assert.deepEqual(brief(activeAlerts(fleet)), ['firing host_down jump [app1,app2]']);
  // Hosts behind it still raise nothing of their own while it is down.
  for (const ts of [T0 + 70_000, T0 + 80_000, T0 + 90_000]) {
    assert.deepEqual(brief(evaluatePollResult(fleet, failure('app1', ts), config, hosts, { downAfter: 2 })), []);
  }
  assert.deepEqual(brief(evaluatePollResult(fleet, success(sample('jump', T0 + 95_000)), config, hosts, { downAfter: 2 })), ['resolved host_down jump [app1,app2]']);
});

void test('stored alerts of hosts that left, or of rules that went, resolve at the first tick', () => {
  const hosts = hostsOf({ name: 'stays' });
  const fleet = createFleetState();
  const adoption = adoptStoredAlerts(fleet, config, hosts, [
    stored('cpu_busy', 'gone', 'pending', T0),
    stored('swap_used', 'stays', 'firing', T0),
    stored('cpu_busy', 'stays', 'firing', T0),
  ], T0 + 60_000);
  assert.equal(adoption.adopted, 3);
  assert.deepEqual(brief(evaluateFleetTick(fleet, config, hosts, T0 + 61_000)).sort(), ['resolved cpu_busy gone', 'resolved swap_used stays']);
  assert.deepEqual(brief(activeAlerts(fleet)), ['firing cpu_busy stays']);
});

void test('a pending alert of a rule that is never pending (its kind changed) is resolved at once; tracked alerts are left alone', () => {
  const hosts = hostsOf({ name: 'a' }, { name: 'b' });
  const fleet = createFleetState();
  assert.deepEqual(cpuAt(fleet, hosts, 'a', T0, 95), ['pending cpu_busy a']);
  const withReboot: AlertsConfig = { ...config, rules: [...config.rules, { name: 'reboot', kind: 'reboot', forMs: 60_000 }] };
  const adoption = adoptStoredAlerts(fleet, withReboot, hosts, [stored('reboot', 'b', 'pending', T0), stored('cpu_busy', 'a', 'firing', T0 - 1000)], T0 + 1000);
  assert.equal(adoption.adopted, 0);
  assert.deepEqual(brief(adoption.events), ['resolved reboot b']);
  assert.deepEqual(brief(activeAlerts(fleet)), ['pending cpu_busy a'], 'what the evaluator knows wins over the table');
});

void test('a stored pending host_down carries its failures on: the next failure that reaches down-after fires, a good poll clears it', () => {
  const hosts = hostsOf({ name: 'a' }, { name: 'b' });
  const fleet = createFleetState();
  const pending = (host: string): StoredActiveAlert => ({ ...stored('host_down', host, 'pending', T0), value: 1, threshold: 2 });
  assert.deepEqual(adoptStoredAlerts(fleet, config, hosts, [pending('a'), pending('b')], T0 + 1000), { adopted: 2, events: [] });
  assert.deepEqual(brief(activeAlerts(fleet)), ['pending host_down a', 'pending host_down b']);
  const fired = evaluatePollResult(fleet, failure('a', T0 + 10_000), config, hosts, { downAfter: 2 });
  assert.deepEqual(brief(fired), ['firing host_down a']);
  assert.equal(fired[0]?.startsAt, T0, 'down since the first failure, before the restart');
  assert.deepEqual(brief(evaluatePollResult(fleet, success(sample('b', T0 + 10_000)), config, hosts, { downAfter: 2 })), ['resolved host_down b']);
});

void test('a stored firing interface_down is taken back: still down, it holds; up, it resolves', () => {
  const link: AlertRule = { name: 'interface_down', kind: 'interface-down', severity: 'warning', summary: 'Network link down' };
  const links: AlertsConfig = { ...DEFAULT_ALERTS, rules: [link] };
  const hosts = hostsOf({ name: 'a' });
  const fleet = createFleetState();
  const row: StoredActiveAlert = { ...stored('interface_down', 'a', 'firing', T0), key: 'interface_down|a|name=eth0', labels: { name: 'eth0' }, severity: 'warning', value: 1, threshold: 0 };
  assert.equal(adoptStoredAlerts(fleet, links, hosts, [row], T0 + 60_000).adopted, 1);
  const eth0 = (operState: 'up' | 'down'): Sample['interfaces'] => [{ name: 'eth0', rxBytesPerSec: 0, txBytesPerSec: 0, operState }];
  assert.deepEqual(brief(evaluatePollResult(fleet, success(sample('a', T0 + 70_000, { interfaces: eth0('down') })), links, hosts, { downAfter: 2 })), []);
  assert.deepEqual(brief(evaluatePollResult(fleet, success(sample('a', T0 + 80_000, { interfaces: eth0('up') })), links, hosts, { downAfter: 2 })), ['resolved interface_down a']);
});
