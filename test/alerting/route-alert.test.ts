import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AlertRoute } from '../../lib/alerting/alerts-config.ts';
import { escalationOf, receiversOf } from '../../lib/alerting/route-alert.ts';

const routes: AlertRoute[] = [
  { groups: ['dbservers'], severities: ['critical'], receivers: ['pager'], continue: true },
  { groups: ['dbservers'], receivers: ['dba'], continue: false },
  { rules: ['gpu_temperature'], receivers: ['hpc'], continue: false },
];
const config = { routes, defaultReceivers: ['ops'] };
const alert = (rule: string, severity: 'info' | 'warning' | 'critical', receivers: string[] = []) => ({ rule, severity, receivers });

void test('a host in a routed group goes to the group\'s receivers, not to the defaults', () => {
  assert.deepEqual(receiversOf(config, alert('memory_used', 'warning'), ['dbservers', 'all']), ['dba']);
  assert.deepEqual(receiversOf(config, alert('memory_used', 'warning'), ['web']), ['ops']);
  assert.deepEqual(receiversOf(config, alert('memory_used', 'warning'), []), ['ops']);
});

void test('continue: true lets the routes below add theirs; the first match without it ends the search', () => {
  assert.deepEqual(receiversOf(config, alert('host_down', 'critical'), ['dbservers']), ['pager', 'dba']);
  // dbservers matched the second route and stopped there: the gpu route is never reached.
  assert.deepEqual(receiversOf(config, alert('gpu_temperature', 'warning'), ['dbservers']), ['dba']);
  assert.deepEqual(receiversOf(config, alert('gpu_temperature', 'warning'), ['hpc-nodes']), ['hpc']);
});

void test('a route whose matchers all match the alert, continue: true and nothing below: only its receivers', () => {
  const only = { routes: [{ severities: ['critical' as const], receivers: ['pager'], continue: true }], defaultReceivers: ['ops'] };
  assert.deepEqual(receiversOf(only, alert('x', 'critical'), []), ['pager']);
  assert.deepEqual(receiversOf(only, alert('x', 'warning'), []), ['ops']);
});

void test('a rule that names receivers keeps them, whatever groups the host is in', () => {
  assert.deepEqual(receiversOf(config, alert('host_key_changed', 'critical', ['security', 'security']), ['dbservers']), ['security']);
});

void test('escalationOf: the steps of the routes that take the alert, soonest first; the default ones when none does; none for a rule\'s own receivers', () => {
  const withSteps = {
    routes: [
      { groups: ['dbservers'], severities: ['critical' as const], receivers: ['pager'], continue: true, escalate: [{ afterMs: 3_600_000, receivers: ['cto'] }] },
      { groups: ['dbservers'], receivers: ['dba'], continue: false, escalate: [{ afterMs: 900_000, receivers: ['dba-lead'] }] },
      { groups: ['web'], receivers: ['web'], continue: false },
    ],
    defaultEscalate: [{ afterMs: 1_800_000, receivers: ['ops-lead'] }],
  };
  assert.deepEqual(escalationOf(withSteps, alert('host_down', 'critical'), ['dbservers']), [
    { afterMs: 900_000, receivers: ['dba-lead'] },
    { afterMs: 3_600_000, receivers: ['cto'] },
  ]);
  assert.deepEqual(escalationOf(withSteps, alert('memory_used', 'warning'), ['dbservers']), [{ afterMs: 900_000, receivers: ['dba-lead'] }]);
  assert.deepEqual(escalationOf(withSteps, alert('memory_used', 'warning'), ['web']), [], 'a route without escalate');
  assert.deepEqual(escalationOf(withSteps, alert('memory_used', 'warning'), ['lab']), [{ afterMs: 1_800_000, receivers: ['ops-lead'] }]);
  assert.deepEqual(escalationOf(withSteps, alert('host_key_changed', 'critical', ['security']), ['dbservers']), [], 'a rule of its own receivers and no escalate');
  const ruleSteps = [{ afterMs: 600_000, receivers: ['ciso'] }];
  const withRule = { ...withSteps, rules: [{ name: 'host_key_changed', kind: 'host-key-changed' as const, receivers: ['security'], escalate: ruleSteps }] };
  assert.deepEqual(escalationOf(withRule, alert('host_key_changed', 'critical', ['security']), ['dbservers']), ruleSteps, 'the rule\'s own');
});
