import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from '../../lib/alerting/alert-event.ts';
import type { AlertsConfig, AlertRule } from '../../lib/alerting/alerts-config.ts';
import { hostAlertingFromVars } from '../../lib/alerting/host-alerting-from-vars.ts';
import { DEFAULT_ALERTS } from '../../lib/alerting/default-alerts.ts';
import { activeAlerts, createFleetState, dependentsOf, evaluateFleetTick, evaluatePollResult } from '../../lib/alerting/evaluate-poll-result.ts';
import type { FleetState } from '../../lib/alerting/evaluate-poll-result.ts';
import type { HostSettings } from '../../lib/alerting/rule-state.ts';
import type { PollResult } from '../../lib/poll/poll-messages.ts';
import type { InterfaceRate } from '../../lib/collect/sample.ts';
import { failure, filesystem, sample, success } from './synthetic-sample.ts';

const T0 = Date.UTC(2025, 0, 1);

function rules(...list: AlertRule[]): AlertsConfig {
  return { ...DEFAULT_ALERTS, rules: list };
}

function hostsOf(...list: Array<Partial<HostSettings> & { name: string }>): Map<string, HostSettings> {
  return new Map(list.map((h) => [h.name, { intervalSec: 10, alerting: null, via: [], ...h }]));
}

function brief(events: AlertEvent[]): string[] {
  return events.map((e) => `${e.state} ${e.rule} ${e.host}${Object.values(e.labels).map((v) => ' ' + v).join('')} ${e.severity}${e.dependents ? ' [' + e.dependents.join(',') + ']' : ''}`);
}

function feed(fleet: FleetState, config: AlertsConfig, hosts: Map<string, HostSettings>, results: PollResult[], downAfter = 3): string[] {
  return results.flatMap((r) => brief(evaluatePollResult(fleet, r, config, hosts, { downAfter })));
}

const disk = DEFAULT_ALERTS.rules.find((r) => r.name === 'filesystem_used') as AlertRule;

void test('filesystem levels per mount, with per-mount overrides from alerts.yml and from the host', () => {
  const config = rules({ ...disk, items: { '/scratch': { levels: { warning: 99, critical: null } } } });
  const hosts = hostsOf({ name: 'db1', alerting: { thresholds: { filesystem_used: { items: { '/data': { levels: { warning: 95 } } } } } } });
  const fleet = createFleetState();
  const events = feed(fleet, config, hosts, [
    success(sample('db1', T0, { filesystems: [filesystem('/', 90), filesystem('/data', 90), filesystem('/scratch', 97)] })),
    success(sample('db1', T0 + 10_000, { filesystems: [filesystem('/', 96), filesystem('/data', 96), filesystem('/scratch', 99.5)] })),
  ]);
  assert.deepEqual(events, [
    'firing filesystem_used db1 / warning',
    'firing filesystem_used db1 / critical',
    // /data: the host moved warning to 95 and kept the rule's critical 95.
    'firing filesystem_used db1 /data critical',
    'firing filesystem_used db1 /scratch warning',
  ]);
});

void test('a host threshold change applies to the next sample; a host can switch a rule off', () => {
  const cpu = DEFAULT_ALERTS.rules.find((r) => r.name === 'cpu_busy') as AlertRule;
  const config = rules({ ...cpu, forMs: 0 });
  const fleet = createFleetState();
  let hosts = hostsOf({ name: 'a' });
  assert.deepEqual(feed(fleet, config, hosts, [success(sample('a', T0, { cpuBusyPct: 85 }))]), ['firing cpu_busy a warning']);
  hosts = hostsOf({ name: 'a', alerting: { thresholds: { cpu_busy: { levels: { warning: 90 }, recoverAt: 88 } } } });
  assert.deepEqual(feed(fleet, config, hosts, [success(sample('a', T0 + 10_000, { cpuBusyPct: 85 }))]), ['resolved cpu_busy a warning']);
  hosts = hostsOf({ name: 'a', alerting: { thresholds: { cpu_busy: { enabled: false } } } });
  assert.deepEqual(feed(fleet, config, hosts, [success(sample('a', T0 + 20_000, { cpuBusyPct: 99 }))]), []);
});

void test('an item that disappears resolves; a sample without the section changes nothing', () => {
  const config = rules({ ...disk, forMs: 0 });
  const hosts = hostsOf({ name: 'a' });
  const fleet = createFleetState();
  assert.deepEqual(feed(fleet, config, hosts, [
    success(sample('a', T0, { filesystems: [filesystem('/', 10), filesystem('/mnt', 99)] })),
    success(sample('a', T0 + 10_000, { filesystems: [], missing: ['df'] })),
    success(sample('a', T0 + 20_000, { filesystems: [filesystem('/', 10)] })),
  ]), ['firing filesystem_used a /mnt critical', 'resolved filesystem_used a /mnt critical']);
});

void test('host down after N failures (the host setting wins), resolved by a good poll', () => {
  const config = rules({ name: 'host_down', kind: 'host-down', severity: 'critical' });
  const hosts = hostsOf({ name: 'a' }, { name: 'b', alerting: { downAfter: 5 } });
  const fleet = createFleetState();
  const results: PollResult[] = [];
  for (let i = 0; i < 5; i++) results.push(failure('a', T0 + i * 10_000), failure('b', T0 + i * 10_000));
  results.push(success(sample('a', T0 + 60_000)), success(sample('b', T0 + 60_000)));
  const events = results.map((r) => brief(evaluatePollResult(fleet, r, config, hosts, { downAfter: 3 })));
  // Pending from the first failure: what inhibit_rules hold the host's other alerts on.
  assert.deepEqual(events[0], ['pending host_down a critical']);
  assert.deepEqual(events[1], ['pending host_down b critical']);
  assert.deepEqual(events[4], ['firing host_down a critical']);
  assert.deepEqual(events[9], ['firing host_down b critical']);
  assert.deepEqual(events.flat(), [
    'pending host_down a critical', 'pending host_down b critical', 'firing host_down a critical', 'firing host_down b critical',
    'resolved host_down a critical', 'resolved host_down b critical',
  ]);
});

void test('a host that fails fewer polls than down-after is pending, and a good poll clears it', () => {
  const config = rules({ name: 'host_down', kind: 'host-down', severity: 'critical', summary: 'Host down' });
  const hosts = hostsOf({ name: 'a' });
  const fleet = createFleetState();
  const first = evaluatePollResult(fleet, failure('a', T0, 'timeout-connect'), config, hosts, { downAfter: 3 });
  assert.deepEqual(first.map((e) => [e.state, e.summary, e.value, e.threshold, e.startsAt]), [['pending', 'Host down: a failed 1 of 3 polls (timeout-connect)', 1, 3, T0]]);
  assert.deepEqual(feed(fleet, config, hosts, [failure('a', T0 + 10_000)]), [], 'still pending: nothing new to say');
  assert.deepEqual(activeAlerts(fleet).map((e) => [e.state, e.value, e.summary]), [['pending', 2, 'Host down: a failed 2 of 3 polls (timeout-connect)']], 're-published with the count so far');
  const cleared = evaluatePollResult(fleet, success(sample('a', T0 + 20_000)), config, hosts, { downAfter: 3 });
  assert.deepEqual(cleared.map((e) => [e.state, e.summary]), [['resolved', 'Host down: a failed 2 of 3 polls (timeout-connect) (cleared before it fired)']]);
  // The count starts again: two more failures are pending, not down.
  assert.deepEqual(feed(fleet, config, hosts, [failure('a', T0 + 30_000), failure('a', T0 + 40_000)]), ['pending host_down a critical']);
  const down = evaluatePollResult(fleet, failure('a', T0 + 50_000), config, hosts, { downAfter: 3 });
  assert.deepEqual(down.map((e) => [e.state, e.startsAt]), [['firing', T0 + 30_000]], 'down since its first failed poll');
  // With down-after 1 the first failure fires, with no pending before it.
  const fleet1 = createFleetState();
  assert.deepEqual(feed(fleet1, config, hosts, [failure('a', T0)], 1), ['firing host_down a critical']);
});

void test('a changed host key is its own alert and never counts toward down', () => {
  const config = rules({ name: 'host_down', kind: 'host-down' }, { name: 'host_key_changed', kind: 'host-key-changed' });
  const hosts = hostsOf({ name: 'a' });
  const fleet = createFleetState();
  const events = feed(fleet, config, hosts, [
    failure('a', T0, 'timeout-connect'),
    failure('a', T0 + 10_000, 'timeout-connect'),
    failure('a', T0 + 20_000, 'host-key-changed'),
    failure('a', T0 + 30_000, 'host-key-changed'),
    failure('a', T0 + 40_000, 'host-key-changed'),
    failure('a', T0 + 50_000, 'refused'),
    success(sample('a', T0 + 60_000)),
  ]);
  assert.deepEqual(events, [
    'pending host_down a critical',
    // The changed key ends the run of failures: what was pending clears.
    'resolved host_down a critical',
    'firing host_key_changed a critical',
    'pending host_down a critical',
    'resolved host_down a critical',
    'resolved host_key_changed a critical',
  ]);
});

void test('hosts behind a down bastion raise no down alert; the bastion names them', () => {
  const config = rules({ name: 'host_down', kind: 'host-down' });
  const hosts = hostsOf({ name: 'bastion' }, { name: 'app1', via: ['bastion'] }, { name: 'app2', via: ['bastion'] }, { name: 'other' });
  const fleet = createFleetState();
  const results: PollResult[] = [];
  // The hosts behind fail first (they are polled earlier in the interval), then the bastion.
  for (let i = 0; i < 4; i++) {
    results.push(failure('app1', T0 + i * 10_000), failure('app2', T0 + i * 10_000 + 1), failure('other', T0 + i * 10_000 + 2));
    results.push(failure('bastion', T0 + i * 10_000 + 5));
  }
  assert.deepEqual(feed(fleet, config, hosts, results), [
    'pending host_down app1 critical',
    'pending host_down app2 critical',
    'pending host_down other critical',
    'pending host_down bastion critical',
    // Once the bastion is failing, what the hosts behind it had pending is withdrawn.
    'resolved host_down app1 critical',
    'resolved host_down app2 critical',
    'firing host_down other critical',
    'firing host_down bastion critical [app1,app2]',
  ]);
  // The bastion comes back and app1 still fails: now it is app1's own outage.
  assert.deepEqual(feed(fleet, config, hosts, [success(sample('bastion', T0 + 50_000)), failure('app1', T0 + 50_001), success(sample('app2', T0 + 50_002))]), [
    'resolved host_down bastion critical [app1,app2]',
    'firing host_down app1 critical',
  ]);
});

void test('vigil_parents: a host behind parents that are all failing fires only after a parent does, which names it; one parent up is a path', () => {
  const config = rules({ name: 'host_down', kind: 'host-down' });
  const parents = (...names: string[]): Partial<HostSettings> => ({ alerting: { parents: names } });
  const hosts = hostsOf(
    { name: 'core' },
    { name: 'sw1', ...parents('core') },
    { name: 'sw2', ...parents('core') },
    { name: 'web1', ...parents('sw1', 'sw2') },
    { name: 'web2', ...parents('sw2') },
  );
  const fleet = createFleetState();
  // sw2 goes down: web2 goes with it; web1 still answers through sw1. web2 is polled first each round.
  const results: PollResult[] = [];
  for (let i = 0; i < 4; i++) {
    results.push(failure('web2', T0 + i * 10_000), success(sample('web1', T0 + i * 10_000 + 1)), failure('sw2', T0 + i * 10_000 + 5));
  }
  assert.deepEqual(feed(fleet, config, hosts, results), [
    'pending host_down web2 critical',
    'pending host_down sw2 critical',
    // web2's third failure came while sw2 was failing but not yet down: web2 waited.
    'firing host_down sw2 critical [web2]',
    // Down as well (availability and the status page count it), and named by sw2's alert, which the
    // alerter holds it back behind.
    'firing host_down web2 critical',
  ]);
  const web2 = activeAlerts(fleet).find((event) => event.host === 'web2');
  assert.equal(web2?.summary, 'host_down: web2 failed 4 polls in a row (timeout-connect); behind sw2, which is down');
  assert.equal(web2?.startsAt, T0, 'down since its first failed poll');
  // Then sw1 fails too, and web1 with it: both of web1's parents are failing. sw2's alert, already
  // firing, names web1 from its next failed poll, published at once; web1 is then down behind it,
  // without waiting for sw1's, which names web1 too when it fires.
  const more: PollResult[] = [];
  for (let i = 4; i < 8; i++) {
    more.push(failure('web1', T0 + i * 10_000), failure('web2', T0 + i * 10_000 + 1), failure('sw1', T0 + i * 10_000 + 4), failure('sw2', T0 + i * 10_000 + 5));
  }
  assert.deepEqual(feed(fleet, config, hosts, more), [
    'pending host_down web1 critical',
    'pending host_down sw1 critical',
    'firing host_down sw2 critical [web1,web2]',
    'firing host_down web1 critical',
    'firing host_down sw1 critical [web1]',
  ]);
  assert.deepEqual(brief(activeAlerts(fleet)).sort(), [
    'firing host_down sw1 critical [web1]',
    'firing host_down sw2 critical [web1,web2]',
    'firing host_down web1 critical',
    'firing host_down web2 critical',
  ]);
  // sw1 answers again: web1 is reached through it, so web1 still failing is its own outage now, and
  // sw2's alert no longer names it.
  assert.deepEqual(feed(fleet, config, hosts, [success(sample('sw1', T0 + 80_000)), failure('web1', T0 + 80_001), failure('sw2', T0 + 80_005)]), [
    'resolved host_down sw1 critical [web1]',
    'firing host_down sw2 critical [web2]',
  ]);
  assert.deepEqual(brief(activeAlerts(fleet)).sort(), ['firing host_down sw2 critical [web2]', 'firing host_down web1 critical', 'firing host_down web2 critical']);
});

void test('vigil_parents: of two parents both failing, the one whose alert is out naming the host first covers it; it need not wait for the other', () => {
  const config = rules({ name: 'host_down', kind: 'host-down' });
  // sw1 is declared down only after 10 failed polls.
  const hosts = hostsOf({ name: 'sw1', alerting: { downAfter: 10 } }, { name: 'sw2' }, { name: 'web', alerting: { parents: ['sw1', 'sw2'] } });
  const fleet = createFleetState();
  const results: PollResult[] = [];
  for (let i = 0; i < 4; i++) results.push(failure('web', T0 + i * 10_000), failure('sw1', T0 + i * 10_000 + 1), failure('sw2', T0 + i * 10_000 + 2));
  assert.deepEqual(feed(fleet, config, hosts, results), [
    'pending host_down web critical',
    'pending host_down sw1 critical',
    'pending host_down sw2 critical',
    'firing host_down sw2 critical [web]',
    'firing host_down web critical',
  ]);
  assert.match(activeAlerts(fleet).find((event) => event.host === 'web')?.summary ?? '', /; behind sw2, which is down$/);
});

void test('vigil_parents: a host that fails while its parent answers is down on its own, as without parents', () => {
  const config = rules({ name: 'host_down', kind: 'host-down' });
  const hosts = hostsOf({ name: 'sw' }, { name: 'web', alerting: { parents: ['sw'] } });
  const fleet = createFleetState();
  const results: PollResult[] = [];
  for (let i = 0; i < 3; i++) results.push(failure('web', T0 + i * 10_000), success(sample('sw', T0 + i * 10_000 + 1)));
  assert.deepEqual(feed(fleet, config, hosts, results), ['pending host_down web critical', 'firing host_down web critical']);
});

void test('dependentsOf: bastions\' hosts always, a parent\'s only while their other parents fail too', () => {
  const hosts = hostsOf(
    { name: 'jump' },
    { name: 'app', via: ['jump'] },
    { name: 'sw1' },
    { name: 'sw2' },
    { name: 'web1', alerting: { parents: ['sw1', 'sw2'] } },
    { name: 'web2', alerting: { parents: ['sw2'] } },
    { name: 'web3', via: ['jump'], alerting: { parents: ['sw2'] } },
  );
  assert.deepEqual(dependentsOf(hosts, 'jump', () => false), ['app', 'web3']);
  // As a restarted evaluator adopts sw2's alert: only the hosts sw2 alone stands for.
  assert.deepEqual(dependentsOf(hosts, 'sw2', () => false), ['web2', 'web3']);
  assert.deepEqual(dependentsOf(hosts, 'sw2', (name) => name === 'sw1'), ['web1', 'web2', 'web3']);
  assert.deepEqual(dependentsOf(hosts, 'web1', () => true), []);
});

void test('reboot: uptime going backwards fires, and it resolves `for` after the boot', () => {
  const config = rules({ name: 'reboot', kind: 'reboot', forMs: 600_000, severity: 'info' });
  const hosts = hostsOf({ name: 'a' });
  const fleet = createFleetState();
  const events = feed(fleet, config, hosts, [
    success(sample('a', T0, { uptimeSec: 86_400 })),
    success(sample('a', T0 + 10_000, { uptimeSec: 86_410 })),
    success(sample('a', T0 + 120_000, { uptimeSec: 30 })),
    success(sample('a', T0 + 300_000, { uptimeSec: 210 })),
    success(sample('a', T0 + 700_000, { uptimeSec: 610 })),
  ]);
  assert.deepEqual(events, ['firing reboot a info', 'resolved reboot a info']);
  // The worker's own verdict counts too.
  assert.deepEqual(feed(fleet, config, hosts, [success(sample('a', T0 + 710_000, { uptimeSec: 620, rebooted: true, bootTime: T0 + 90_000 }))]), ['firing reboot a info']);
});

void test('process missing: a watched pattern with no match', () => {
  const config = rules(DEFAULT_ALERTS.rules.find((r) => r.kind === 'process-missing') as AlertRule);
  const hosts = hostsOf({ name: 'a' });
  const fleet = createFleetState();
  const processes = (nginx: number, cron: number) => ({ running: 1, total: 100, topCpu: [], topMemory: [], matches: [{ pattern: 'nginx', count: nginx }, { pattern: 'cron', count: cron }] });
  assert.deepEqual(feed(fleet, config, hosts, [
    success(sample('a', T0, { processes: processes(4, 1) })),
    success(sample('a', T0 + 10_000, { processes: processes(0, 1) })),
    success(sample('a', T0 + 20_000, { processes: processes(0, 1) })),
    success(sample('a', T0 + 30_000, { processes: null })),
    success(sample('a', T0 + 40_000, { processes: processes(2, 1) })),
  ]), ['firing process_missing a nginx critical', 'resolved process_missing a nginx critical']);
});

void test('unit failed: one alert per failed systemd unit, kept through polls that do not read units, resolved when the unit is no longer failed', () => {
  const config = rules(DEFAULT_ALERTS.rules.find((r) => r.kind === 'unit-failed') as AlertRule);
  // As an inventory writes it: vigil_thresholds: {unit_failed: {flaky.service: false}}.
  const { alerting } = hostAlertingFromVars({ vigil_thresholds: { unit_failed: { 'flaky.service': false } } }, (name, message) => assert.fail(`${name}: ${message}`));
  const hosts = hostsOf({ name: 'a' }, { name: 'b', alerting: alerting ?? null });
  const fleet = createFleetState();
  assert.deepEqual(feed(fleet, config, hosts, [
    success(sample('a', T0, { failedUnits: [] })),
    success(sample('a', T0 + 10_000, { failedUnits: ['nginx.service', 'backup.timer'] })),
    // A light poll carries no failedUnits; a host without systemctl has null: neither ends anything.
    success(sample('a', T0 + 20_000, {})),
    success(sample('a', T0 + 30_000, { failedUnits: null })),
    success(sample('a', T0 + 40_000, { failedUnits: ['nginx.service', 'backup.timer'] })),
    success(sample('a', T0 + 70_000, { failedUnits: ['backup.timer'] })),
    success(sample('a', T0 + 130_000, { failedUnits: [] })),
  ]), [
    'firing unit_failed a nginx.service warning',
    'firing unit_failed a backup.timer warning',
    'resolved unit_failed a nginx.service warning',
    'resolved unit_failed a backup.timer warning',
  ]);
  // A unit the host's vigil_thresholds leaves out never fires; the others on that host do.
  assert.deepEqual(feed(fleet, config, hosts, [success(sample('b', T0, { failedUnits: ['flaky.service', 'db.service'] }))]), ['firing unit_failed b db.service warning']);
  const [event] = evaluatePollResult(createFleetState(), success(sample('a', T0, { failedUnits: ['nginx.service'] })), config, hosts, { downAfter: 3 });
  assert.equal(event?.summary, 'systemd unit failed nginx.service');
});

void test('interface down: a physical link that was up goes down; a port never up, software interfaces and polls without link states change nothing', () => {
  const config = rules(DEFAULT_ALERTS.rules.find((r) => r.kind === 'interface-down') as AlertRule);
  const hosts = hostsOf({ name: 'a' });
  const fleet = createFleetState();
  const link = (name: string, operState: InterfaceRate['operState'], more: Partial<InterfaceRate> = {}): InterfaceRate =>
    ({ name, rxBytesPerSec: 0, txBytesPerSec: 0, ...(operState && { operState }), ...more });
  const links = (eth0: InterfaceRate['operState'], eth1: InterfaceRate['operState']): InterfaceRate[] => [
    link('lo', 'unknown', { loopback: true, virtual: true }), link('eth0', eth0), link('eth1', eth1), link('veth1a2b', 'down', { virtual: true }),
  ];
  assert.deepEqual(feed(fleet, config, hosts, [
    // eth1 was never cabled: down from the start, never an alert.
    success(sample('a', T0, { interfaces: links('up', 'down') })),
    success(sample('a', T0 + 10_000, { interfaces: links('down', 'down') })),
    // A worker's first poll of the host has no rates yet, and an old script no link states: nothing ends.
    success(sample('a', T0 + 20_000, { interfaces: [] })),
    success(sample('a', T0 + 30_000, { interfaces: [link('eth0', undefined), link('eth1', undefined)] })),
    // dormant is neither up nor down.
    success(sample('a', T0 + 40_000, { interfaces: links('dormant', 'down') })),
    success(sample('a', T0 + 50_000, { interfaces: links('up', 'down') })),
    success(sample('a', T0 + 60_000, { interfaces: links('up', 'up') })),
    success(sample('a', T0 + 70_000, { interfaces: links('up', 'lowerlayerdown') })),
  ]), ['firing interface_down a eth0 warning', 'resolved interface_down a eth0 warning', 'firing interface_down a eth1 warning']);
  const [event] = evaluatePollResult(fleet, success(sample('a', T0 + 80_000, { interfaces: links('down', 'lowerlayerdown') })), config, hosts, { downAfter: 3 });
  assert.equal(event?.summary, 'Network link down eth0');
});

void test('clock skew: a host\'s clock a minute or more off, either way, for 2 minutes; back within 30 s, resolved; no offset known, nothing changes', () => {
  const config = rules(DEFAULT_ALERTS.rules.find((r) => r.name === 'clock_skew') as AlertRule);
  const hosts = hostsOf({ name: 'ahead' }, { name: 'behind' });
  const fleet = createFleetState();
  const polls = (host: string, offsets: Array<number | null>): PollResult[] => offsets.map((clockOffsetSec, i) => success(sample(host, T0 + i * 60_000, { clockOffsetSec })));
  assert.deepEqual(feed(fleet, config, hosts, polls('ahead', [2, 75, 80, null, 90, 45, 20])), ['pending clock_skew ahead warning', 'firing clock_skew ahead warning', 'resolved clock_skew ahead warning']);
  const events = feed(fleet, config, hosts, polls('behind', [-1, -600, -601, -602]));
  assert.deepEqual(events, ['pending clock_skew behind warning', 'firing clock_skew behind warning']);
  const [firing] = evaluatePollResult(createFleetState(), success(sample('behind', T0, { clockOffsetSec: -600 })), { ...config, rules: [{ ...config.rules[0]!, forMs: 0 }] }, hosts, { downAfter: 3 });
  assert.match(firing?.summary ?? '', /^Clock off by 600 s > 60 s/);
});

void test('absent: no result for `for` (at least three intervals) fires from the timer; data resolves', () => {
  const config = rules({ name: 'no_data', kind: 'absent', forMs: 60_000 });
  const hosts = hostsOf({ name: 'fast' }, { name: 'slow', intervalSec: 60 });
  const fleet = createFleetState();
  assert.deepEqual(brief(evaluateFleetTick(fleet, config, hosts, T0)), []);
  feed(fleet, config, hosts, [failure('fast', T0 + 5_000)]);
  assert.deepEqual(brief(evaluateFleetTick(fleet, config, hosts, T0 + 64_000)), []);
  assert.deepEqual(brief(evaluateFleetTick(fleet, config, hosts, T0 + 65_000)), ['firing no_data fast warning']);
  assert.deepEqual(brief(evaluateFleetTick(fleet, config, hosts, T0 + 179_000)), []);
  assert.deepEqual(brief(evaluateFleetTick(fleet, config, hosts, T0 + 180_000)), ['firing no_data slow warning']);
  assert.deepEqual(feed(fleet, config, hosts, [success(sample('fast', T0 + 181_000))]), ['resolved no_data fast warning']);
});

void test('a host that leaves the inventory has its alerts resolved', () => {
  const config = rules({ name: 'host_down', kind: 'host-down' });
  const fleet = createFleetState();
  feed(fleet, config, hostsOf({ name: 'a' }), [failure('a', T0), failure('a', T0 + 1), failure('a', T0 + 2)]);
  assert.deepEqual(brief(evaluateFleetTick(fleet, config, hostsOf(), T0 + 10)), ['resolved host_down a critical']);
  assert.equal(fleet.alerts.size, 0);
});

void test('a result older than one already evaluated is ignored', () => {
  const config = rules({ name: 'host_down', kind: 'host-down' });
  const fleet = createFleetState();
  const hosts = hostsOf({ name: 'a' });
  assert.deepEqual(feed(fleet, config, hosts, [success(sample('a', T0 + 100)), failure('a', T0), failure('a', T0 + 1), failure('a', T0 + 2)]), []);
});

void test('generic metric paths: nested lists labelled by index, and per-core values', async () => {
  const { metricValues } = await import('../../lib/alerting/evaluate-metric.ts');
  const gpu = (index: number, temperatureC: number | null) => ({
    index, uuid: `GPU-${index}`, name: 'A100', utilizationPct: null, memoryUtilizationPct: null, memoryUsedBytes: null, memoryTotalBytes: null, temperatureC, powerDrawW: null, powerLimitW: null,
  });
  const s = sample('g', T0, { gpus: [gpu(0, 70), gpu(1, null)], perCoreBusyPct: [10, 90], swapTotalBytes: 1000, swapUsedBytes: 600, load1: 5, cpuCount: 2 });
  assert.deepEqual(metricValues(s, 'gpus.temperatureC'), [{ labels: { index: '0' }, value: 70 }]);
  assert.deepEqual(metricValues(s, 'perCoreBusyPct'), [{ labels: { index: '0' }, value: 10 }, { labels: { index: '1' }, value: 90 }]);
  assert.deepEqual(metricValues(s, 'swapUsedPct'), [{ labels: {}, value: 60 }]);
  assert.deepEqual(metricValues(s, 'loadPerCore'), [{ labels: {}, value: 2.5 }]);
  assert.equal(metricValues(s, 'memUsedPct'), null);
  assert.equal(metricValues(s, 'processes.matches.count'), null);
  assert.equal(metricValues(sample('g', T0), 'gpus.temperatureC'), null);
});

void test('a pending alert is re-published like a firing one, and resolves when its host leaves or its rule goes', () => {
  const cpu = DEFAULT_ALERTS.rules.find((r) => r.name === 'cpu_busy') as AlertRule;
  const config = rules(cpu);
  const fleet = createFleetState();
  const hosts = hostsOf({ name: 'a' }, { name: 'b' });
  assert.deepEqual(feed(fleet, config, hosts, [
    success(sample('a', T0, { cpuBusyPct: 85 })),
    success(sample('b', T0, { cpuBusyPct: 85 })),
  ]), ['pending cpu_busy a warning', 'pending cpu_busy b warning']);
  assert.deepEqual(brief(activeAlerts(fleet)), ['pending cpu_busy a warning', 'pending cpu_busy b warning']);
  assert.deepEqual(brief(evaluateFleetTick(fleet, config, hostsOf({ name: 'b' }), T0 + 5_000)), ['resolved cpu_busy a warning']);
  assert.deepEqual(brief(evaluateFleetTick(fleet, rules(), hostsOf({ name: 'b' }), T0 + 6_000)), ['resolved cpu_busy b warning']);
  assert.deepEqual(activeAlerts(fleet), []);
});

void test('a reload that gives a rule\'s name to another kind resolves what the old kind raised', () => {
  const cpu = { ...(DEFAULT_ALERTS.rules.find((r) => r.name === 'cpu_busy') as AlertRule), forMs: 0 };
  const hosts = hostsOf({ name: 'a' }, { name: 'b' });
  const fleet = createFleetState();
  assert.deepEqual(feed(fleet, rules(cpu), hosts, [
    success(sample('a', T0, { cpuBusyPct: 85 })),
    success(sample('b', T0, { cpuBusyPct: 85 })),
  ]), ['firing cpu_busy a warning', 'firing cpu_busy b warning']);
  // The same name, now a reboot rule: a's next sample resolves the threshold alert before the new kind
  // evaluates; b sends nothing, and the tick resolves its alert.
  const reboot = { ...(DEFAULT_ALERTS.rules.find((r) => r.kind === 'reboot') as AlertRule), name: 'cpu_busy' };
  assert.deepEqual(feed(fleet, rules(reboot), hosts, [success(sample('a', T0 + 10_000, { cpuBusyPct: 85 }))]), ['resolved cpu_busy a warning']);
  assert.deepEqual(brief(evaluateFleetTick(fleet, rules(reboot), hosts, T0 + 11_000)), ['resolved cpu_busy b warning']);
  assert.deepEqual(activeAlerts(fleet), []);
});

void test('the shipped disk latency rules: over 20 ms for 15 minutes is pending first, then a warning; back at 15 ms it resolves', () => {
  const shipped = DEFAULT_ALERTS.rules.filter((r) => r.name === 'disk_read_latency' || r.name === 'disk_write_latency');
  assert.equal(shipped.length, 2);
  const config = rules(...shipped);
  const fleet = createFleetState();
  const hosts = hostsOf({ name: 'db2' });
  const disks = (writeLatencyMs: number | null) => [{ name: 'sdb', readBytesPerSec: 0, writeBytesPerSec: 4096, readIops: 0, writeIops: 1, busyPct: 5, readLatencyMs: null, writeLatencyMs }];
  const minute = 60_000;
  const at = (minutes: number, latency: number | null) => success(sample('db2', T0 + minutes * minute, { disks: disks(latency) }));
  assert.deepEqual(feed(fleet, config, hosts, [at(0, 30)]), ['pending disk_write_latency db2 sdb warning']);
  // Quiet minutes in between (no write, no latency) neither end nor restart the 15 minutes.
  assert.deepEqual(feed(fleet, config, hosts, [at(5, null), at(10, 25), at(14, 40)]), []);
  assert.deepEqual(feed(fleet, config, hosts, [at(15, 35)]), ['firing disk_write_latency db2 sdb warning']);
  assert.deepEqual(feed(fleet, config, hosts, [at(16, 18)]), [], 'still above the recovery level');
  assert.deepEqual(feed(fleet, config, hosts, [at(17, 15)]), ['resolved disk_write_latency db2 sdb warning']);
});

void test('disk latency alerts per disk (disks.readLatencyMs); a disk with no read in the interval has no value and raises nothing', () => {
  const config = rules({ name: 'disk_read_latency', kind: 'threshold', metric: 'disks.readLatencyMs', levels: { warning: 100 }, recoverAt: 50, forMs: 0, summary: 'Disk read latency', unit: 'ms' });
  const fleet = createFleetState();
  const hosts = hostsOf({ name: 'db1' });
  const rate = (name: string, readLatencyMs: number | null) => ({ name, readBytesPerSec: 0, writeBytesPerSec: 0, readIops: 1, writeIops: 0, busyPct: 1, readLatencyMs, writeLatencyMs: null });
  assert.deepEqual(feed(fleet, config, hosts, [
    success(sample('db1', T0, { disks: [rate('sda', 150), rate('sdb', null), rate('sdc', 3)] })),
    success(sample('db1', T0 + 10_000, { disks: [rate('sda', 40), rate('sdb', 500), rate('sdc', 3)] })),
  ]), ['firing disk_read_latency db1 sda warning', 'resolved disk_read_latency db1 sda warning', 'firing disk_read_latency db1 sdb warning']);
});
