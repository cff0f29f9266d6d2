import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Notice } from '../../../lib/alerting/notify/notice.ts';
import { renderWebhookBody } from '../../../lib/alerting/notify/webhook-body.ts';

const notice: Notice = {
  kind: 'resolved',
  receiver: 'ops',
  alerts: [{ key: 'k', rule: 'r', host: 'h', labels: { a: 'b' }, severity: 'info', status: 'resolved', summary: 's', value: 1, threshold: 2, startsAt: 0, endsAt: 1000 }],
};

void test('each format gives its own body', () => {
  assert.deepEqual(renderWebhookBody(notice, 'json'), {
    source: 'vigil',
    kind: 'resolved',
    receiver: 'ops',
    alerts: [{ key: 'k', rule: 'r', host: 'h', labels: { a: 'b' }, severity: 'info', status: 'resolved', summary: 's', value: 1, threshold: 2, startsAt: '1970-01-01T00:00:00.000Z', endsAt: '1970-01-01T00:00:01.000Z' }],
  });
  assert.match((renderWebhookBody(notice, 'slack') as { text: string }).text, /^\*\[RESOLVED\] h: r\*/);
  assert.equal((renderWebhookBody(notice, 'alertmanager') as { version: string }).version, '4');
});
