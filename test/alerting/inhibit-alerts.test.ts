import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Severity } from '../../lib/alerting/alert-event.ts';
import type { InhibitRule } from '../../lib/alerting/alerts-config.ts';
import { DEFAULT_ALERTS } from '../../lib/alerting/default-alerts.ts';
import { inhibitorOf, isInhibitSource, type InhibitSubject } from '../../lib/alerting/inhibit-alerts.ts';

function alert(rule: string, host: string, over: Partial<InhibitSubject> = {}): InhibitSubject {
  const labels = over.labels ?? {};
  const key = [rule, host, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)].join('|');
  return { key, rule, host, severity: 'critical' as Severity, labels, state: 'firing', ...over };
}

const hostDown: InhibitRule[] = DEFAULT_ALERTS.inhibitRules;

void test('by default a host that is down or pending down holds back its other alerts, not other hosts\'', () => {
  const check = alert('check_failing', 'web1', { labels: { id: 'http:https://web1/' } });
  assert.equal(inhibitorOf(hostDown, check, [alert('host_down', 'web1', { state: 'pending' })])?.rule, 'host_down');
  assert.equal(inhibitorOf(hostDown, check, [alert('host_down', 'web1')])?.rule, 'host_down');
  assert.equal(inhibitorOf(hostDown, check, [alert('host_down', 'web2')]), null, 'another host');
  assert.equal(inhibitorOf(hostDown, check, [alert('host_down', 'web1', { state: 'resolved' })]), null, 'over');
  assert.equal(inhibitorOf(hostDown, check, [alert('cpu_busy', 'web1')]), null, 'not a source');
  assert.equal(inhibitorOf([], check, [alert('host_down', 'web1')]), null, 'inhibit_rules: []');
  // The source never holds itself back.
  const down = alert('host_down', 'web1');
  assert.equal(inhibitorOf(hostDown, down, [down]), null);
});

void test('target and equal narrow what is held back; severity matchers on both sides', () => {
  const rules: InhibitRule[] = [{ source: { rules: ['filesystem_used'], severities: ['critical'] }, target: { rules: ['filesystem_full_soon'] }, equal: ['mountpoint'] }];
  const full = alert('filesystem_used', 'db1', { labels: { mountpoint: '/data' } });
  const soonData = alert('filesystem_full_soon', 'db1', { labels: { mountpoint: '/data' }, severity: 'warning' });
  const soonRoot = alert('filesystem_full_soon', 'db1', { labels: { mountpoint: '/' }, severity: 'warning' });
  assert.equal(inhibitorOf(rules, soonData, [full])?.key, full.key);
  assert.equal(inhibitorOf(rules, soonRoot, [full]), null, 'another mount point');
  assert.equal(inhibitorOf(rules, soonData, [{ ...full, severity: 'warning' }]), null, 'the source is only a warning');
  assert.equal(inhibitorOf(rules, alert('cpu_busy', 'db1'), [full]), null, 'not a target');
});

void test('alerts that are sources of a rule never hold each other back', () => {
  const rules: InhibitRule[] = [{ source: { severities: ['critical'] }, equal: [] }];
  const a = alert('cpu_busy', 'h');
  const b = alert('memory_used', 'h');
  assert.equal(inhibitorOf(rules, a, [a, b]), null);
  assert.equal(inhibitorOf(rules, b, [a, b]), null);
  assert.equal(inhibitorOf(rules, alert('swap_used', 'h', { severity: 'warning' }), [a, b])?.key, a.key, 'a warning is held back');
});

void test('isInhibitSource names the alerts the alerter applies first', () => {
  assert.equal(isInhibitSource(hostDown, { rule: 'host_down', severity: 'critical' }), true);
  assert.equal(isInhibitSource(hostDown, { rule: 'check_failing', severity: 'critical' }), false);
  assert.equal(isInhibitSource([], { rule: 'host_down', severity: 'critical' }), false);
});
