// The default rules on service checks, check_failing and certificate_expiring, on synthetic poll
// results: per check, across failed polls of the host, with overrides, recovery, and checks that
// leave the inventory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertEvent } from '../../lib/alerting/alert-event.ts';
import type { AlertRule, AlertsConfig } from '../../lib/alerting/alerts-config.ts';
import { loadAlertsFile } from '../../lib/alerting/alerts-file.ts';
import { adoptStoredAlerts } from '../../lib/alerting/adopt-stored-alerts.ts';
import { DEFAULT_ALERTS } from '../../lib/alerting/default-alerts.ts';
import { createFleetState, evaluatePollResult } from '../../lib/alerting/evaluate-poll-result.ts';
import type { FleetState } from '../../lib/alerting/evaluate-poll-result.ts';
import type { HostSettings } from '../../lib/alerting/rule-state.ts';
import type { CheckResult } from '../../lib/checks/check-result.ts';
import type { PollResult } from '../../lib/poll/poll-messages.ts';
import { failure, sample, success } from './synthetic-sample.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const T0 = Date.UTC(2026, 10, 1);
const WEB = 'http:https://shop.example/health';
const DB = 'tcp:db.example:5432';
const NGINX = 'systemd:nginx.service';

const checkFailing = DEFAULT_ALERTS.rules.find((r) => r.name === 'check_failing') as AlertRule;
const certExpiring = DEFAULT_ALERTS.rules.find((r) => r.name === 'certificate_expiring') as AlertRule;

function config(...list: AlertRule[]): AlertsConfig {
  return { ...DEFAULT_ALERTS, rules: list };
}

function hostsOf(...list: Array<Partial<HostSettings> & { name: string }>): Map<string, HostSettings> {
  return new Map(list.map((h) => [h.name, { intervalSec: 10, alerting: null, via: [], ...h }]));
}

const ok = (id: string, fields: Partial<CheckResult> = {}): CheckResult => ({ id, kind: id.startsWith('http') ? 'http' : id.startsWith('tcp') ? 'tcp' : 'systemd', ok: true, ...fields });
const bad = (id: string, reason: CheckResult['reason'], message: string): CheckResult => ({ ...ok(id), ok: false, reason, message });

function withChecks(ts: number, checks: CheckResult[]): PollResult {
  return success(sample('web1', ts, { checks }));
}

function failedWithChecks(ts: number, checks: CheckResult[] | undefined): PollResult {
  const result = failure('web1', ts, 'refused');
  return checks === undefined ? result : { ...result, checks };
}

function feed(fleet: FleetState, rules: AlertsConfig, results: PollResult[], hosts = hostsOf({ name: 'web1' })): AlertEvent[] {
  return results.flatMap((r) => evaluatePollResult(fleet, r, rules, hosts, { downAfter: 3 }));
}

function brief(events: AlertEvent[]): string[] {
  return events.map((e) => `${e.state} ${e.rule} ${e.labels['id'] ?? ''} ${e.severity}`);
}

void test('check_failing fires per check on its second failed poll in a row, names the reason, and resolves on the first good result', () => {
  const fleet = createFleetState();
  const rules = config(checkFailing);
  const events = feed(fleet, rules, [
    withChecks(T0, [ok(WEB), ok(DB), ok(NGINX)]),
    withChecks(T0 + 10_000, [bad(WEB, 'status', 'status 503, expected 200-299'), ok(DB), bad(NGINX, 'failed', 'failed (failed)')]),
    // One bad poll between good ones raises nothing.
    withChecks(T0 + 20_000, [bad(WEB, 'timeout', 'no complete answer within 10 s'), bad(DB, 'refused', 'connect ECONNREFUSED'), ok(NGINX)]),
    withChecks(T0 + 30_000, [bad(WEB, 'status', 'status 503, expected 200-299'), ok(DB), ok(NGINX)]),
    withChecks(T0 + 40_000, [ok(WEB), ok(DB), ok(NGINX)]),
  ]);
  assert.deepEqual(brief(events), [
    `firing check_failing ${WEB} critical`,
    `resolved check_failing ${WEB} critical`,
  ]);
  const [firing, resolved] = events;
  assert.equal(firing?.key, `check_failing|web1|id=${WEB}`);
  assert.deepEqual(firing?.labels, { id: WEB });
  assert.equal(firing?.summary, `Service check failing ${WEB}: failed 2 polls in a row (timeout: no complete answer within 10 s)`);
  assert.deepEqual([firing?.value, firing?.threshold, firing?.at], [2, 2, T0 + 20_000]);
  assert.equal(resolved?.at, T0 + 40_000);
  assert.match(resolved?.summary ?? '', /answers again/);
});

void test('two failing checks raise two alerts; `polls` and per-check overrides apply', () => {
  const fleet = createFleetState();
  const rules = config({ ...checkFailing, polls: 3, items: { [DB]: { enabled: false } } });
  const hosts = hostsOf({ name: 'web1' });
  const failing = [bad(WEB, 'refused', 'refused'), bad(DB, 'refused', 'refused'), bad(NGINX, 'inactive', 'inactive (dead)')];
  const events = feed(fleet, rules, [0, 1, 2].map((i) => withChecks(T0 + i * 10_000, failing)), hosts);
  assert.deepEqual(brief(events), [`firing check_failing ${WEB} critical`, `firing check_failing ${NGINX} critical`]);
  assert.ok(events.every((event) => event.at === T0 + 20_000));

  // And from the host's vigil_thresholds: the nginx check does not alert on this host.
  const quiet = createFleetState();
  const overridden = hostsOf({ name: 'web1', alerting: { thresholds: { check_failing: { items: { [NGINX]: { enabled: false } } } } } });
  assert.deepEqual(brief(feed(quiet, config(checkFailing), [0, 1].map((i) => withChecks(T0 + i * 10_000, failing)), overridden)), [
    `firing check_failing ${WEB} critical`, `firing check_failing ${DB} critical`,
  ]);
});

void test('web checks count on polls whose SSH failed; systemd checks left out of those keep their state', () => {
  const fleet = createFleetState();
  const rules = config(checkFailing);
  const events = feed(fleet, rules, [
    withChecks(T0, [bad(WEB, 'refused', 'refused'), bad(NGINX, 'failed', 'failed')]),
    // SSH down: no systemd result, the web check still failing.
    failedWithChecks(T0 + 10_000, [bad(WEB, 'refused', 'refused')]),
    failedWithChecks(T0 + 20_000, undefined),
    // nginx's second failure, after the polls without it: it fires now.
    withChecks(T0 + 30_000, [ok(WEB), bad(NGINX, 'failed', 'failed')]),
  ]);
  assert.deepEqual(brief(events), [
    `firing check_failing ${WEB} critical`,
    `resolved check_failing ${WEB} critical`,
    `firing check_failing ${NGINX} critical`,
  ]);
  assert.deepEqual(events.map((event) => event.at), [T0 + 10_000, T0 + 30_000, T0 + 30_000]);
});

void test('a check taken out of the inventory resolves with the next sample', () => {
  const fleet = createFleetState();
  const rules = config(checkFailing, certExpiring);
  const events = feed(fleet, rules, [
    withChecks(T0, [bad(DB, 'refused', 'refused'), ok(WEB, { certDaysLeft: 3 })]),
    withChecks(T0 + 10_000, [bad(DB, 'refused', 'refused'), ok(WEB, { certDaysLeft: 3 })]),
    // The host's checks are all gone (vigil_checks removed): no field at all.
    success(sample('web1', T0 + 20_000)),
  ]);
  assert.deepEqual(brief(events), [
    `firing certificate_expiring ${WEB} warning`,
    `firing check_failing ${DB} critical`,
    `resolved check_failing ${DB} critical`,
    `resolved certificate_expiring ${WEB} warning`,
  ]);
});

void test('certificate_expiring warns under 14 days per HTTPS check, holds while the check cannot read it, and resolves on a renewed certificate', () => {
  const fleet = createFleetState();
  const rules = config(certExpiring);
  const events = feed(fleet, rules, [
    withChecks(T0, [ok(WEB, { certDaysLeft: 15 }), ok(DB)]),
    withChecks(T0 + 10_000, [ok(WEB, { certDaysLeft: 13 }), ok(DB)]),
    // Timed out: no certificate read. Neither fired again nor resolved.
    withChecks(T0 + 20_000, [bad(WEB, 'timeout', 'timeout'), ok(DB)]),
    failedWithChecks(T0 + 30_000, [ok(WEB, { certDaysLeft: 12 }), ok(DB)]),
    withChecks(T0 + 40_000, [ok(WEB, { certDaysLeft: 89 }), ok(DB)]),
  ]);
  assert.deepEqual(brief(events), [`firing certificate_expiring ${WEB} warning`, `resolved certificate_expiring ${WEB} warning`]);
  assert.equal(events[0]?.summary, `TLS certificate expires in ${WEB} 13 days < 14 days`);
  assert.equal(events[1]?.at, T0 + 40_000);
});

void test('an expired certificate (negative days) on a failed poll fires too', () => {
  const fleet = createFleetState();
  const events = feed(fleet, config(certExpiring), [failedWithChecks(T0, [ok(WEB, { certDaysLeft: -2 })])]);
  assert.deepEqual(brief(events), [`firing certificate_expiring ${WEB} warning`]);
});

void test('a restarted evaluator takes back a firing check_failing alert, which the next good result resolves', () => {
  const fleet = createFleetState();
  const rules = config(checkFailing);
  const [firing] = feed(fleet, rules, [0, 1].map((i) => withChecks(T0 + i * 10_000, [bad(WEB, 'refused', 'refused')])));
  assert.ok(firing);
  const restarted = createFleetState();
  const { at, dependents: _dependents, ...stored } = firing;
  const adoption = adoptStoredAlerts(restarted, rules, hostsOf({ name: 'web1' }), [{ ...stored, lastEventAt: at }], T0 + 15_000);
  assert.equal(adoption.adopted, 1);
  assert.deepEqual(brief(feed(restarted, rules, [withChecks(T0 + 20_000, [ok(WEB)])])), [`resolved check_failing ${WEB} critical`]);
});

void test('alerts.yml reads check-failing rules with polls, and refuses a polls that is not a whole number of at least 1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-check-rules-'));
  try {
    const path = join(dir, 'alerts.yml');
    await writeFile(path, 'rules:\n  - { name: web_down, kind: check-failing, polls: 3, severity: warning }\n');
    const loaded = await loadAlertsFile(path);
    assert.deepEqual(loaded.rules, [{ name: 'web_down', kind: 'check-failing', polls: 3, severity: 'warning' }]);
    for (const polls of ['0', '1.5', 'two']) {
      await writeFile(path, `rules:\n  - { name: web_down, kind: check-failing, polls: ${polls} }\n`);
      await assert.rejects(loadAlertsFile(path), (error: Error) => /polls/.test(error.message), polls);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
