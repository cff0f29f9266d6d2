import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeGoogleChat, renderGoogleChatBody } from '../../../lib/alerting/notify/googlechat-body.ts';
import type { NoticeAlert } from '../../../lib/alerting/notify/notice.ts';

function alert(host: string, over: Partial<NoticeAlert> = {}): NoticeAlert {
  return { key: `host_down|${host}`, rule: 'host_down', host, labels: {}, severity: 'critical', status: 'firing', summary: `${host} does not answer`, value: null, threshold: null, startsAt: 0, endsAt: null, ...over };
}

void test('the Google Chat body is { text }: the subject in Chat\'s *bold* and a line per alert', () => {
  const body = renderGoogleChatBody({ kind: 'firing', receiver: 'ops', alerts: [alert('web-1'), alert('web-2')] });
  assert.deepEqual(body, { text: '*[CRITICAL] host_down on 2 hosts (2 alerts)*\n• web-1: host_down — web-1 does not answer\n• web-2: host_down — web-2 does not answer' });
  const resolved = renderGoogleChatBody({ kind: 'resolved', receiver: 'ops', alerts: [alert('web-1', { status: 'resolved' })] });
  assert.match(resolved.text, /^\*\[RESOLVED\] web-1: host_down\*\n/);
});

void test('no host name or summary can mention everyone or forge a link: Chat\'s <…> loses its angle brackets', () => {
  const body = renderGoogleChatBody({ kind: 'firing', receiver: 'ops', alerts: [alert('<users/all>', { summary: '<https://evil.test|click here> & 5 > 3' })] });
  assert.ok(!/[<>]/.test(body.text), body.text);
  assert.equal(body.text.split('\n')[1], '• ‹users/all›: host_down — ‹https://evil.test|click here› & 5 › 3');
  assert.equal(escapeGoogleChat('<users/123456789>'), '‹users/123456789›');
});

void test('a large group stays within Chat\'s 4,096 characters, at most 50 lines, with a count of the rest', () => {
  const long = renderGoogleChatBody({ kind: 'firing', receiver: 'ops', alerts: Array.from({ length: 300 }, (_, i) => alert(`host-${i}`, { summary: '<'.repeat(200) })) });
  assert.ok(long.text.length <= 4096, `${long.text.length} characters`);
  const shown = long.text.split('\n').filter((line) => line.startsWith('• ')).length;
  assert.ok(shown >= 10, `${shown} shown`);
  assert.equal(long.text.split('\n').at(-1), `…and ${300 - shown} more`);
  const many = renderGoogleChatBody({ kind: 'firing', receiver: 'ops', alerts: Array.from({ length: 120 }, (_, i) => alert(`h${i}`)) });
  const lines = many.text.split('\n');
  assert.equal(lines.length, 52);
  assert.equal(lines.at(-1), '…and 70 more');
});
