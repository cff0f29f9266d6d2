import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderAlertmanagerBody } from '../../../lib/alerting/notify/alertmanager-body.ts';
import type { NoticeAlert } from '../../../lib/alerting/notify/notice.ts';

const T = Date.parse('2025-03-01T12:00:00.000Z');

function alert(over: Partial<NoticeAlert> = {}): NoticeAlert {
  return { key: 'disk-full|db-1|/data', rule: 'disk-full', host: 'db-1', labels: { mount: '/data' }, severity: 'warning', status: 'firing', summary: '/data 91 % full', value: 91, threshold: 90, startsAt: T, endsAt: null, ...over };
}

void describe('Alertmanager webhook body (v4)', () => {
  void test('the hosts behind a bastion are an annotation', () => {
    const body = renderAlertmanagerBody({ kind: 'firing', receiver: 'ops', alerts: [alert({ dependents: ['app-1', 'app-2'] })] });
    assert.equal(body.alerts[0]?.annotations['dependents'], 'app-1,app-2');
    assert.equal(renderAlertmanagerBody({ kind: 'firing', receiver: 'ops', alerts: [alert()] }).alerts[0]?.annotations['dependents'], undefined);
  });

  void test('has every field an Alertmanager receiver reads', () => {
    const body = renderAlertmanagerBody({ kind: 'firing', receiver: 'ops', alerts: [alert(), alert({ key: 'other', host: 'db-2', summary: '/data 93 % full', value: 93 })] });
    assert.deepEqual(Object.keys(body).sort(), ['alerts', 'commonAnnotations', 'commonLabels', 'externalURL', 'groupKey', 'groupLabels', 'receiver', 'status', 'truncatedAlerts', 'version']);
    assert.equal(body.version, '4');
    assert.equal(body.status, 'firing');
    assert.equal(body.receiver, 'ops');
    assert.deepEqual(body.commonLabels, { mount: '/data', alertname: 'disk-full', severity: 'warning' });
    assert.deepEqual(body.commonAnnotations, { threshold: '90' });
    const [first] = body.alerts;
    assert.deepEqual(first, {
      status: 'firing',
      labels: { mount: '/data', alertname: 'disk-full', host: 'db-1', instance: 'db-1', severity: 'warning' },
      annotations: { summary: '/data 91 % full', value: '91', threshold: '90' },
      startsAt: '2025-03-01T12:00:00.000Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: '',
      fingerprint: first?.fingerprint,
    });
    assert.match(first?.fingerprint ?? '', /^[0-9a-f]{16}$/);
    assert.notEqual(first?.fingerprint, body.alerts[1]?.fingerprint);
  });

  void test('resolved alerts carry their end; the group is resolved when every alert is', () => {
    const body = renderAlertmanagerBody({ kind: 'resolved', receiver: 'ops', alerts: [alert({ status: 'resolved', endsAt: T + 90_000 })] });
    assert.equal(body.status, 'resolved');
    assert.equal(body.alerts[0]?.endsAt, '2025-03-01T12:01:30.000Z');
  });

  void test('the fingerprint of a key never changes', () => {
    const a = renderAlertmanagerBody({ kind: 'firing', receiver: 'x', alerts: [alert()] }).alerts[0]?.fingerprint;
    const b = renderAlertmanagerBody({ kind: 'resolved', receiver: 'y', alerts: [alert({ status: 'resolved', endsAt: T })] }).alerts[0]?.fingerprint;
    assert.equal(a, b);
  });
});
