import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderEmail } from '../../../lib/alerting/notify/email-message.ts';
import type { Notice, NoticeAlert } from '../../../lib/alerting/notify/notice.ts';

const T = Date.parse('2025-03-01T12:00:00.000Z');

function alert(over: Partial<NoticeAlert> = {}): NoticeAlert {
  return { key: 'k', rule: 'cpu-high', host: 'web-1', labels: {}, severity: 'critical', status: 'firing', summary: 'CPU busy 97.2 % > 95 % for 2m', value: 97.2, threshold: 95, startsAt: T, endsAt: null, ...over };
}

const notice = (kind: Notice['kind'], alerts: NoticeAlert[]): Notice => ({ kind, receiver: 'ops', alerts });

void describe('e-mail message', () => {
  void test('one alert: [SEVERITY] host: rule, the summary and the time in the text', () => {
    const mail = renderEmail(notice('firing', [alert()]));
    assert.equal(mail.subject, '[CRITICAL] web-1: cpu-high');
    assert.match(mail.text, /^Vigil: 1 alert firing\n/);
    assert.match(mail.text, /- CRITICAL web-1: cpu-high\n {2}CPU busy 97.2 % > 95 % for 2m\n {2}since 2025-03-01T12:00:00.000Z/);
    assert.match(mail.html, /<td>web-1<\/td><td>cpu-high<\/td>/);
  });

  void test('a bastion\'s alert lists the hosts behind it, escaped in the HTML', () => {
    const mail = renderEmail(notice('firing', [alert({ rule: 'host_down', dependents: ['app-1', '<b>app-2</b>'] })]));
    assert.match(mail.text, /\n {2}Behind it \(their own alerts held back\): app-1, <b>app-2<\/b>\n/);
    assert.ok(mail.html.includes('<br>Behind it (their own alerts held back): app-1, &lt;b&gt;app-2&lt;/b&gt;</td>'), mail.html);
    assert.doesNotMatch(renderEmail(notice('firing', [alert()])).text, /Behind it/);
  });

  void test('subjects of reminders, recoveries, flapping and groups', () => {
    assert.equal(renderEmail(notice('reminder', [alert({ severity: 'warning' })])).subject, '[WARNING] web-1: cpu-high (still firing)');
    assert.equal(renderEmail(notice('resolved', [alert({ status: 'resolved', endsAt: T + 60_000 })])).subject, '[RESOLVED] web-1: cpu-high');
    assert.equal(renderEmail(notice('flapping', [alert()])).subject, '[FLAPPING] web-1: cpu-high');
    const sameRule = [alert({ host: 'a', severity: 'warning' }), alert({ host: 'b' }), alert({ host: 'c', severity: 'info' })];
    assert.equal(renderEmail(notice('firing', sameRule)).subject, '[CRITICAL] cpu-high on 3 hosts (3 alerts)');
    const mixed = [alert({ host: 'a', rule: 'disk-full', severity: 'warning' }), alert({ host: 'b' })];
    assert.equal(renderEmail(notice('firing', mixed)).subject, '[WARNING] a: disk-full and 1 more'.replace('WARNING', 'CRITICAL'));
    const mounts = [alert({ labels: { mount: '/' } }), alert({ labels: { mount: '/data' } })];
    assert.equal(renderEmail(notice('firing', mounts)).subject, '[CRITICAL] cpu-high on web-1 (2 alerts)');
  });

  void test('every value is escaped in the HTML, and kept as it is in the text', () => {
    const evil = alert({ host: '<img src=x onerror=alert(1)>', rule: 'r"&\'', labels: { '<b>': '</td><script>' }, summary: '<script>alert(2)</script>' });
    const mail = renderEmail(notice('firing', [evil]));
    assert.ok(!mail.html.includes('<img'));
    assert.ok(!mail.html.includes('<script>'));
    assert.ok(!mail.html.includes('</td><script'));
    assert.ok(mail.html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.ok(mail.html.includes('r&quot;&amp;&#39;'));
    assert.ok(mail.text.includes('<img src=x onerror=alert(1)>: r"&\''));
  });

  void test('a line break in a name cannot start a new header; long subjects are cut', () => {
    const mail = renderEmail(notice('firing', [alert({ host: 'web-1\r\nBcc: victim@example.test' })]));
    assert.ok(!/[\r\n]/.test(mail.subject));
    assert.equal(mail.subject, '[CRITICAL] web-1 Bcc: victim@example.test: cpu-high');
    const long = renderEmail(notice('firing', [alert({ host: 'h'.repeat(500) })]));
    assert.equal(long.subject.length, 200);
    assert.ok(long.subject.endsWith('…'));
  });

  void test('a notice without alerts is a programming error', () => {
    assert.throws(() => renderEmail(notice('firing', [])), /at least one alert/);
  });
});
