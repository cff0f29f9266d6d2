import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoticeAlert } from '../../../lib/alerting/notify/notice.ts';
import { renderSlackBody } from '../../../lib/alerting/notify/slack-body.ts';

function alert(host: string, over: Partial<NoticeAlert> = {}): NoticeAlert {
  return { key: host, rule: 'host-down', host, labels: {}, severity: 'critical', status: 'firing', summary: `${host} does not answer`, value: null, threshold: null, startsAt: 0, endsAt: null, ...over };
}

void test('the Slack body is { text } with the subject in bold and one line per alert', () => {
  const body = renderSlackBody({ kind: 'firing', receiver: 'ops', alerts: [alert('a'), alert('b')] });
  assert.deepEqual(Object.keys(body), ['text']);
  assert.equal(body.text, '*[CRITICAL] host-down on 2 hosts (2 alerts)*\n• a: host-down — a does not answer\n• b: host-down — b does not answer');
});

void test('Slack control sequences in values are escaped, so a host name cannot ping @channel or forge a link', () => {
  const body = renderSlackBody({ kind: 'firing', receiver: 'ops', alerts: [alert('<!channel>', { summary: '<https://evil.test|click> & more' })] });
  assert.ok(!body.text.includes('<!channel>'));
  assert.ok(body.text.includes('&lt;!channel&gt;'));
  assert.ok(body.text.includes('&lt;https://evil.test|click&gt; &amp; more'));
});

void test('a very large group is cut to 50 lines with a count of the rest', () => {
  const alerts = Array.from({ length: 120 }, (_, i) => alert(`h${i}`));
  const lines = renderSlackBody({ kind: 'firing', receiver: 'ops', alerts }).text.split('\n');
  assert.equal(lines.length, 52);
  assert.equal(lines.at(-1), '…and 70 more');
});
