import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoticeAlert } from '../../../lib/alerting/notify/notice.ts';
import { OPSGENIE_ALERTS_URL, opsgenieAlias, opsgenieCloseUrl, renderOpsgenieRequests, type OpsgenieCreateAlert } from '../../../lib/alerting/notify/opsgenie-alerts.ts';

const STARTED = Date.parse('2025-05-01T10:00:00Z');

function alert(host: string, over: Partial<NoticeAlert> = {}): NoticeAlert {
  return { key: `host_down|${host}`, rule: 'host_down', host, labels: {}, severity: 'critical', status: 'firing', summary: `${host} does not answer`, value: null, threshold: null, startsAt: STARTED, endsAt: null, ...over };
}

void test('firing: one create request per alert to the alerts URL, keyed by the alert\'s alias, with the GenieKey login', () => {
  const requests = renderOpsgenieRequests(
    {
      kind: 'firing',
      receiver: 'ops',
      alerts: [
        alert('web-1', { dependents: ['app-1', 'app-2'] }),
        alert('db-1', { rule: 'disk_full', key: 'disk_full|db-1|/data', labels: { mountpoint: '/data' }, severity: 'warning', summary: '/data is 97.5% full', value: 97.5, threshold: 90 }),
      ],
    },
    OPSGENIE_ALERTS_URL,
    'K3Y',
  );
  assert.deepEqual(requests, [
    {
      url: 'https://api.opsgenie.com/v2/alerts',
      headers: { Authorization: 'GenieKey K3Y' },
      body: {
        message: 'web-1: host_down — web-1 does not answer',
        alias: 'host_down|web-1',
        description: 'web-1: host_down — web-1 does not answer\nSeverity critical, firing since 2025-05-01T10:00:00.000Z.\nHosts reached through it (their alerts are held back): app-1, app-2.',
        priority: 'P1',
        source: 'Vigil',
        tags: ['host_down', 'critical', 'web-1'],
        details: { host: 'web-1', rule: 'host_down', severity: 'critical', started: '2025-05-01T10:00:00.000Z', behind_it: 'app-1, app-2' },
      },
    },
    {
      url: 'https://api.opsgenie.com/v2/alerts',
      headers: { Authorization: 'GenieKey K3Y' },
      body: {
        message: 'db-1: disk_full [mountpoint=/data] — /data is 97.5% full',
        alias: 'disk_full|db-1|/data',
        description: 'db-1: disk_full [mountpoint=/data] — /data is 97.5% full\nSeverity warning, firing since 2025-05-01T10:00:00.000Z.\nValue: 97.5 (threshold 90).',
        priority: 'P3',
        source: 'Vigil',
        tags: ['disk_full', 'warning', 'db-1'],
        details: { host: 'db-1', rule: 'disk_full', severity: 'warning', started: '2025-05-01T10:00:00.000Z', labels: 'mountpoint=/data', value: '97.5 (threshold 90)' },
      },
    },
  ]);
  const [info] = renderOpsgenieRequests({ kind: 'firing', receiver: 'ops', alerts: [alert('h', { severity: 'info' })] }, OPSGENIE_ALERTS_URL, 'K');
  assert.equal((info?.body as OpsgenieCreateAlert).priority, 'P5');
});

void test('resolved: a close by alias, the alias one encoded path segment, whatever the region or a trailing slash', () => {
  const resolved = renderOpsgenieRequests(
    { kind: 'resolved', receiver: 'ops', alerts: [alert('db-1', { key: 'disk_full|db-1|/data', rule: 'disk_full', status: 'resolved', summary: '/data at 70%', endsAt: Date.parse('2025-05-01T10:30:00Z') })] },
    'https://api.eu.opsgenie.com/v2/alerts',
    'EuK',
  );
  assert.deepEqual(resolved, [{
    url: 'https://api.eu.opsgenie.com/v2/alerts/disk_full%7Cdb-1%7C%2Fdata/close?identifierType=alias',
    headers: { Authorization: 'GenieKey EuK' },
    body: { source: 'Vigil', note: 'Resolved at 2025-05-01T10:30:00.000Z: db-1: disk_full — /data at 70%' },
  }]);
  assert.equal(opsgenieCloseUrl('http://127.0.0.1:9/og/', 'a b?c#d'), 'http://127.0.0.1:9/og/a%20b%3Fc%23d/close?identifierType=alias');
});

void test('Opsgenie\'s limits: message 130, description 15,000, tags 50, details 8,000 in all; a key over 512 becomes a digest the close finds', () => {
  const huge = alert('h'.repeat(300), {
    key: `check_failing|web-1|http:https://shop.example/${'a'.repeat(600)}`,
    summary: 'y'.repeat(20_000),
    labels: { check: 'z'.repeat(5_000) },
    value: 1,
    dependents: Array.from({ length: 1_000 }, (_, i) => `app-${i}.example`),
  });
  const [create] = renderOpsgenieRequests({ kind: 'firing', receiver: 'ops', alerts: [huge] }, OPSGENIE_ALERTS_URL, 'K');
  const body = create?.body as OpsgenieCreateAlert;
  assert.equal(body.message.length, 130);
  assert.ok(body.message.endsWith('…'));
  assert.equal(body.description.length, 15_000);
  assert.ok(body.tags.every((tag) => tag.length <= 50), JSON.stringify(body.tags.map((t) => t.length)));
  assert.ok(Object.entries(body.details).reduce((sum, [name, value]) => sum + name.length + value.length, 0) <= 8_000);
  assert.match(body.alias, /^vigil:sha256:[0-9a-f]{64}$/);
  assert.equal(body.alias, opsgenieAlias(huge.key));
  const [close] = renderOpsgenieRequests({ kind: 'resolved', receiver: 'ops', alerts: [{ ...huge, status: 'resolved' }] }, OPSGENIE_ALERTS_URL, 'K');
  assert.equal(close?.url, `${OPSGENIE_ALERTS_URL}/${encodeURIComponent(body.alias)}/close?identifierType=alias`);
  assert.ok(((close?.body as { note: string }).note).length <= 1_000);
  // A line break in a summary does not reach the one-line message.
  const [multi] = renderOpsgenieRequests({ kind: 'firing', receiver: 'ops', alerts: [alert('h', { summary: 'a\nb\tc' })] }, OPSGENIE_ALERTS_URL, 'K');
  assert.equal((multi?.body as OpsgenieCreateAlert).message, 'h: host_down — a b c');
});
