import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NoticeAlert } from '../../../lib/alerting/notify/notice.ts';
import { escapeWebex, renderWebexBody } from '../../../lib/alerting/notify/webex-body.ts';

function alert(host: string, over: Partial<NoticeAlert> = {}): NoticeAlert {
  return { key: `host_down|${host}`, rule: 'host_down', host, labels: {}, severity: 'critical', status: 'firing', summary: `${host} does not answer`, value: null, threshold: null, startsAt: 0, endsAt: null, ...over };
}

void test('the Webex body is the room and markdown: the subject in bold, a list item per alert, markdown escaped', () => {
  const body = renderWebexBody({ kind: 'firing', receiver: 'ops', alerts: [alert('web-1'), alert('web-2', { summary: '**bold** [link](https://evil.test) `code` #1' })] }, 'Y2lzY29zcGFyazovL3Jvb20');
  assert.deepEqual(body, {
    roomId: 'Y2lzY29zcGFyazovL3Jvb20',
    markdown: [
      '**\\[CRITICAL\\] host\\_down on 2 hosts \\(2 alerts\\)**',
      '- web-1: host\\_down — web-1 does not answer',
      '- web-2: host\\_down — \\*\\*bold\\*\\* \\[link\\]\\(https://evil.test\\) \\`code\\` \\#1',
    ].join('\n'),
  });
});

void test('no host name or summary can mention @all or a person: no < or > is left, and & stays text', () => {
  const body = renderWebexBody({ kind: 'firing', receiver: 'ops', alerts: [alert('<@all>', { summary: '<@personEmail:boss@example.com> &lt; <b>x</b>' })] }, 'r');
  assert.ok(!/[<>]/.test(body.markdown), body.markdown);
  assert.equal(body.markdown.split('\n')[1], '- &lt;@all&gt;: host\\_down — &lt;@personEmail:boss@example.com&gt; &amp;lt; &lt;b&gt;x&lt;/b&gt;');
  assert.equal(escapeWebex('a\\b'), 'a\\\\b');
});

void test('a large group stays within Webex\'s 7,439 bytes, counted as bytes: three for each \'—\'', () => {
  const alerts = Array.from({ length: 300 }, (_, i) => alert(`host-${i}`, { summary: '—'.repeat(150) }));
  const body = renderWebexBody({ kind: 'firing', receiver: 'ops', alerts }, 'r');
  const bytes = Buffer.byteLength(body.markdown);
  assert.ok(bytes <= 7439, `${bytes} bytes`);
  // Counted in characters the same text would have passed for less than half the limit.
  assert.ok(body.markdown.length < 7439 / 2, `${body.markdown.length} characters`);
  assert.ok(bytes > 6000, `${bytes} bytes: the message is filled, not cut short`);
  const shown = body.markdown.split('\n').filter((line) => line.startsWith('- ')).length;
  assert.equal(body.markdown.split('\n').at(-1), `…and ${300 - shown} more`);
  const entities = renderWebexBody({ kind: 'firing', receiver: 'ops', alerts: Array.from({ length: 300 }, (_, i) => alert(`h${i}`, { summary: '<&>'.repeat(100) })) }, 'r');
  assert.ok(Buffer.byteLength(entities.markdown) <= 7439);
  const many = renderWebexBody({ kind: 'firing', receiver: 'ops', alerts: Array.from({ length: 120 }, (_, i) => alert(`h${i}`)) }, 'r');
  assert.equal(many.markdown.split('\n').length, 52);
  assert.equal(many.markdown.split('\n').at(-1), '…and 70 more');
});
