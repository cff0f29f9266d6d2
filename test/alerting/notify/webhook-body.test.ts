import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WebhookReceiver } from '../../../lib/alerting/alerts-config.ts';
import type { DiscordBody } from '../../../lib/alerting/notify/discord-body.ts';
import type { MsTeamsBody } from '../../../lib/alerting/notify/msteams-body.ts';
import type { Notice, NoticeAlert } from '../../../lib/alerting/notify/notice.ts';
import { ntfyTopic, type NtfyRequest } from '../../../lib/alerting/notify/ntfy-body.ts';
import { OPSGENIE_ALERTS_URL, type OpsgenieCreateAlert } from '../../../lib/alerting/notify/opsgenie-alerts.ts';
import { PAGERDUTY_EVENTS_URL, pagerDutyDedupKey, type PagerDutyEvent } from '../../../lib/alerting/notify/pagerduty-events.ts';
import type { TelegramBody } from '../../../lib/alerting/notify/telegram-body.ts';
import { PUSHOVER_MESSAGES_URL } from '../../../lib/alerting/notify/pushover-body.ts';
import { WEBEX_MESSAGES_URL } from '../../../lib/alerting/notify/webex-body.ts';
import { renderWebhookRequests, webhookFromTarget } from '../../../lib/alerting/notify/webhook-body.ts';

const notice: Notice = {
  kind: 'resolved',
  receiver: 'ops',
  alerts: [{ key: 'k', rule: 'r', host: 'h', labels: { a: 'b' }, severity: 'info', status: 'resolved', summary: 's', value: 1, threshold: 2, startsAt: 0, endsAt: 1000 }],
};

function alert(host: string, over: Partial<NoticeAlert> = {}): NoticeAlert {
  return { key: `host_down|${host}`, rule: 'host_down', host, labels: {}, severity: 'critical', status: 'firing', summary: `${host} does not answer`, value: null, threshold: null, startsAt: Date.parse('2025-05-01T10:00:00Z'), endsAt: null, ...over };
}

const one = (n: Notice, hook: WebhookReceiver): unknown => {
  const requests = renderWebhookRequests(n, hook);
  assert.equal(requests.length, 1);
  assert.equal(requests[0]?.url, hook.url);
  return requests[0]?.body;
};

void test('json, slack and alertmanager: one POST to the url, each in its own body', () => {
  assert.deepEqual(one(notice, { url: 'https://x.test/h', format: 'json' }), {
    source: 'vigil',
    kind: 'resolved',
    receiver: 'ops',
    alerts: [{ key: 'k', rule: 'r', host: 'h', labels: { a: 'b' }, severity: 'info', status: 'resolved', summary: 's', value: 1, threshold: 2, startsAt: '1970-01-01T00:00:00.000Z', endsAt: '1970-01-01T00:00:01.000Z' }],
  });
  assert.match((one(notice, { url: 'https://x.test/h', format: 'slack' }) as { text: string }).text, /^\*\[RESOLVED\] h: r\*/);
  assert.equal((one(notice, { url: 'https://x.test/h', format: 'alertmanager' }) as { version: string }).version, '4');
});

void test('discord: the subject in bold and a line per alert, mentions off and markdown escaped, so a host name cannot ping @everyone', () => {
  const body = one({ kind: 'firing', receiver: 'ops', alerts: [alert('web-1'), alert('@everyone', { summary: '**bold** [link](https://evil.test) <@&123>' })] }, { url: 'https://discord.test/api/webhooks/1/t', format: 'discord' }) as DiscordBody;
  assert.deepEqual(body.allowed_mentions, { parse: [] });
  const lines = body.content.split('\n');
  assert.equal(lines[0], '**\\[CRITICAL\\] host\\_down on 2 hosts \\(2 alerts\\)**');
  assert.equal(lines[1], '- web-1: host\\_down — web-1 does not answer');
  assert.equal(lines[2], '- \\@everyone: host\\_down — \\*\\*bold\\*\\* \\[link\\]\\(https://evil.test\\) \\<\\@&123\\>');
});

void test('discord: a large group stays within 2,000 characters and counts what did not fit', () => {
  const alerts = Array.from({ length: 300 }, (_, i) => alert(`host-${i}`, { summary: 'x'.repeat(40) }));
  const body = one({ kind: 'firing', receiver: 'ops', alerts }, { url: 'https://discord.test/w', format: 'discord' }) as DiscordBody;
  assert.ok(body.content.length <= 2000, `${body.content.length} characters`);
  const lines = body.content.split('\n');
  const shown = lines.filter((l) => l.startsWith('- ')).length;
  assert.equal(lines.at(-1), `…and ${300 - shown} more`);
  assert.ok(shown >= 20 && shown <= 30, `${shown} shown`);
});

void test('telegram: HTML to the chat id, escaped, without link previews, within 4,096 characters', () => {
  const body = one({ kind: 'firing', receiver: 'ops', alerts: [alert('<b>web</b> & co')] }, { url: 'https://api.telegram.org/bot1:T/sendMessage', format: 'telegram', chatId: '-1001234567890' }) as TelegramBody;
  assert.deepEqual(body, {
    chat_id: '-1001234567890',
    text: '<b>[CRITICAL] &lt;b&gt;web&lt;/b&gt; &amp; co: host_down</b>\n• &lt;b&gt;web&lt;/b&gt; &amp; co: host_down — &lt;b&gt;web&lt;/b&gt; &amp; co does not answer',
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  });
  const many = one({ kind: 'firing', receiver: 'ops', alerts: Array.from({ length: 500 }, (_, i) => alert(`<${i}>`, { summary: '&'.repeat(100) })) }, { url: 'https://t.test/s', format: 'telegram', chatId: '1' }) as TelegramBody;
  assert.ok(many.text.length <= 4096, `${many.text.length} characters`);
  assert.match(many.text, /\n…and \d+ more$/);
  assert.throws(() => renderWebhookRequests(notice, { url: 'https://t.test/s', format: 'telegram' }), /no chat_id/);
});

void test('msteams: one Adaptive Card, the title coloured by severity (green once resolved), markdown escaped', () => {
  const body = one({ kind: 'firing', receiver: 'ops', alerts: [alert('web-1', { summary: '[click](https://evil.test) *now*' })] }, { url: 'https://prod.workflows.test/x', format: 'msteams' }) as MsTeamsBody;
  assert.equal(body.type, 'message');
  const card = body.attachments[0]?.content;
  assert.equal(body.attachments[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
  assert.equal(card?.type, 'AdaptiveCard');
  assert.deepEqual(card?.body.map((b) => [b.text, b.color ?? null]), [
    ['\\[CRITICAL\\] web\\-1: host\\_down', 'Attention'],
    ['- web\\-1: host\\_down — \\[click\\]\\(https://evil.test\\) \\*now\\*', null],
  ]);
  const done = one(notice, { url: 'https://prod.workflows.test/x', format: 'msteams' }) as MsTeamsBody;
  assert.equal(done.attachments[0]?.content.body[0]?.color, 'Good');
});

void test('ntfy: JSON to the server\'s root with the url\'s topic, priority from the severity, an emoji tag', () => {
  const [request] = renderWebhookRequests({ kind: 'firing', receiver: 'ops', alerts: [alert('web-1')] }, { url: 'https://ntfy.sh/vigil-alerts', format: 'ntfy' }) as NtfyRequest[];
  assert.deepEqual(request, {
    url: 'https://ntfy.sh/',
    body: { topic: 'vigil-alerts', title: '[CRITICAL] web-1: host_down', message: 'web-1: host_down — web-1 does not answer', priority: 5, tags: ['rotating_light'] },
  });
  const [warning] = renderWebhookRequests({ kind: 'firing', receiver: 'ops', alerts: [alert('a', { severity: 'warning' })] }, { url: 'https://ntfy.sh/t', format: 'ntfy' }) as NtfyRequest[];
  assert.equal(warning?.body.priority, 4);
  const [resolved] = renderWebhookRequests(notice, { url: 'https://ntfy.sh/t', format: 'ntfy' }) as NtfyRequest[];
  assert.deepEqual([resolved?.body.priority, resolved?.body.tags], [3, ['white_check_mark']]);
  // A server under a path keeps it; a query string is not the topic's.
  assert.deepEqual(ntfyTopic('https://example.org/ntfy/ops?x=1'), { root: 'https://example.org/ntfy/', topic: 'ops' });
  assert.equal(ntfyTopic('https://ntfy.sh/'), null);
  assert.equal(ntfyTopic('https://ntfy.sh/bad topic!'), null);
});

void test('pagerduty: an event per alert keyed by the alert, trigger while firing and resolve once resolved, to the Events API v2 by default', () => {
  const firing = renderWebhookRequests(
    { kind: 'firing', receiver: 'ops', alerts: [alert('web-1', { dependents: ['app-1'] }), alert('db-1', { rule: 'disk_full', key: 'disk_full|db-1|/data', labels: { mountpoint: '/data' }, severity: 'warning', value: 97.5, threshold: 90 })] },
    { url: PAGERDUTY_EVENTS_URL, format: 'pagerduty', routingKey: 'R0UT1NGKEY' },
  );
  assert.deepEqual(firing.map((r) => r.url), [PAGERDUTY_EVENTS_URL, PAGERDUTY_EVENTS_URL]);
  assert.deepEqual(firing.map((r) => r.body), [
    {
      routing_key: 'R0UT1NGKEY', event_action: 'trigger', dedup_key: 'host_down|web-1',
      payload: { summary: 'web-1: host_down — web-1 does not answer', source: 'web-1', severity: 'critical', timestamp: '2025-05-01T10:00:00.000Z', class: 'host_down', custom_details: { labels: {}, value: null, threshold: null, behind_it: ['app-1'] } },
    },
    {
      routing_key: 'R0UT1NGKEY', event_action: 'trigger', dedup_key: 'disk_full|db-1|/data',
      payload: { summary: 'db-1: disk_full [mountpoint=/data] — db-1 does not answer', source: 'db-1', severity: 'warning', timestamp: '2025-05-01T10:00:00.000Z', class: 'disk_full', custom_details: { labels: { mountpoint: '/data' }, value: 97.5, threshold: 90 } },
    },
  ]);
  const resolved = renderWebhookRequests({ kind: 'resolved', receiver: 'ops', alerts: [alert('web-1', { status: 'resolved', endsAt: 1 })] }, { url: 'http://127.0.0.1:9/pd', format: 'pagerduty', routingKey: 'K' });
  assert.deepEqual(resolved, [{ url: 'http://127.0.0.1:9/pd', body: { routing_key: 'K', event_action: 'resolve', dedup_key: 'host_down|web-1' } }]);
  // PagerDuty keeps 255 characters of a dedup key: a longer alert key becomes a digest, the same each time.
  const long = `check_failing|web-1|http:https://shop.example/${'a'.repeat(300)}`;
  assert.match(pagerDutyDedupKey(long), /^vigil:sha256:[0-9a-f]{64}$/);
  assert.equal(pagerDutyDedupKey(long), pagerDutyDedupKey(long));
  assert.notEqual(pagerDutyDedupKey(long), pagerDutyDedupKey(`${long}b`));
  const summary = ((renderWebhookRequests({ kind: 'firing', receiver: 'ops', alerts: [alert('h', { summary: 'y'.repeat(2000) })] }, { url: PAGERDUTY_EVENTS_URL, format: 'pagerduty', routingKey: 'K' })[0]?.body as PagerDutyEvent).payload?.summary ?? '');
  assert.equal(summary.length, 1024);
  assert.throws(() => renderWebhookRequests(notice, { url: PAGERDUTY_EVENTS_URL, format: 'pagerduty' }), /no routing_key/);
});

void test('gotify: plain text, priority from the severity; any format carries the receiver\'s headers on each of its requests', () => {
  const firing: Notice = { kind: 'firing', receiver: 'ops', alerts: [alert('web-1'), alert('web-2', { severity: 'warning' })] };
  assert.deepEqual(one(firing, { url: 'https://gotify.example/message?token=AbC', format: 'gotify' }), {
    title: '[CRITICAL] host_down on 2 hosts (2 alerts)',
    message: 'web-1: host_down — web-1 does not answer\nweb-2: host_down — web-2 does not answer',
    priority: 8,
    extras: { 'client::display': { contentType: 'text/plain' } },
  });
  assert.equal((one(notice, { url: 'https://g.test/message?token=x', format: 'gotify' }) as { priority: number }).priority, 2);
  const headers = { Authorization: 'Bearer tk_1' };
  const paged = renderWebhookRequests(firing, { url: PAGERDUTY_EVENTS_URL, format: 'pagerduty', routingKey: 'K', headers });
  assert.deepEqual(paged.map((r) => r.headers), [headers, headers]);
  assert.equal(renderWebhookRequests(firing, { url: 'https://x.test/h', format: 'json' })[0]?.headers, undefined);
});

void test('an alert with a very long summary is cut, not left out, and no escape is cut in half', () => {
  const long: Notice = { kind: 'firing', receiver: 'ops', alerts: [alert('web-1', { summary: '<&>'.repeat(2000) })] };
  const telegram = one(long, { url: 'https://t.test/s', format: 'telegram', chatId: '1' }) as TelegramBody;
  const line = telegram.text.split('\n')[1] ?? '';
  assert.match(line, /^• web-1: host_down — (&lt;&amp;&gt;)+&lt;?(&amp;)?…$/, line.slice(-40));
  assert.ok(telegram.text.length <= 4096);
  const discord = one(long, { url: 'https://d.test/w', format: 'discord' }) as DiscordBody;
  assert.ok(discord.content.split('\n')[1]?.startsWith('- web-1: host\\_down — '), discord.content.slice(0, 80));
  assert.ok(!discord.content.includes('…and'), 'the one alert is listed');
});

void test('pushover: the receiver\'s token and user key, within Pushover\'s limits, priority high for critical and low once resolved', () => {
  const many: Notice = { kind: 'firing', receiver: 'ops', alerts: Array.from({ length: 40 }, (_, i) => alert(`web-${i}`)) };
  const body = one(many, { url: PUSHOVER_MESSAGES_URL, format: 'pushover', token: 'aTok', userKey: 'uKey' }) as { token: string; user: string; title: string; message: string; priority: number };
  assert.deepEqual([body.token, body.user, body.priority, body.title], ['aTok', 'uKey', 1, '[CRITICAL] host_down on 40 hosts (40 alerts)']);
  assert.ok(body.message.length <= 1024);
  assert.match(body.message, /\n…and 30 more$/);
  assert.equal((one(notice, { url: PUSHOVER_MESSAGES_URL, format: 'pushover', token: 'a', userKey: 'u' }) as { priority: number }).priority, -1);
  assert.throws(() => renderWebhookRequests(notice, { url: PUSHOVER_MESSAGES_URL, format: 'pushover', token: 'a' }), /needs token and user_key/);
});

void test('opsgenie: a request per alert with the GenieKey login beside the receiver\'s headers, create while firing and close once resolved', () => {
  const hook = { url: OPSGENIE_ALERTS_URL, format: 'opsgenie', apiKey: '0psK3y', headers: { 'X-Team': 'ops' } } as const;
  const firing = renderWebhookRequests({ kind: 'firing', receiver: 'ops', alerts: [alert('web-1'), alert('web-2', { severity: 'warning' })] }, hook);
  assert.deepEqual(firing.map((r) => [r.url, r.headers, (r.body as OpsgenieCreateAlert).alias, (r.body as OpsgenieCreateAlert).priority]), [
    [OPSGENIE_ALERTS_URL, { 'X-Team': 'ops', Authorization: 'GenieKey 0psK3y' }, 'host_down|web-1', 'P1'],
    [OPSGENIE_ALERTS_URL, { 'X-Team': 'ops', Authorization: 'GenieKey 0psK3y' }, 'host_down|web-2', 'P3'],
  ]);
  const resolved = renderWebhookRequests({ kind: 'resolved', receiver: 'ops', alerts: [alert('web-1', { status: 'resolved' })] }, { url: 'http://127.0.0.1:9/og', format: 'opsgenie', apiKey: 'K' });
  assert.deepEqual(resolved.map((r) => [r.url, r.headers]), [['http://127.0.0.1:9/og/host_down%7Cweb-1/close?identifierType=alias', { Authorization: 'GenieKey K' }]]);
  assert.throws(() => renderWebhookRequests(notice, { url: OPSGENIE_ALERTS_URL, format: 'opsgenie' }), /no api_key/);
});

void test('googlechat: one POST to the space\'s url with { text }; webex: to the messages API with the bot\'s token as Bearer', () => {
  const firing: Notice = { kind: 'firing', receiver: 'ops', alerts: [alert('web-1')] };
  const space = 'https://chat.googleapis.com/v1/spaces/AAA/messages?key=K&token=T';
  assert.deepEqual(renderWebhookRequests(firing, { url: space, format: 'googlechat' }), [{ url: space, body: { text: '*[CRITICAL] web-1: host_down*\n• web-1: host_down — web-1 does not answer' } }]);
  assert.deepEqual(renderWebhookRequests(firing, { url: WEBEX_MESSAGES_URL, format: 'webex', token: 'b0t', roomId: 'R00M' }), [{
    url: WEBEX_MESSAGES_URL,
    body: { roomId: 'R00M', markdown: '**\\[CRITICAL\\] web-1: host\\_down**\n- web-1: host\\_down — web-1 does not answer' },
    headers: { Authorization: 'Bearer b0t' },
  }]);
  assert.throws(() => renderWebhookRequests(notice, { url: WEBEX_MESSAGES_URL, format: 'webex', token: 'b0t' }), /needs token and room_id/);
  assert.throws(() => renderWebhookRequests(notice, { url: WEBEX_MESSAGES_URL, format: 'webex', roomId: 'R' }), /needs token and room_id/);
});

void test('a queued notification\'s target gives back its webhook; a broken one is an error naming what is wrong', () => {
  const hook = { url: 'https://x.test/h', format: 'pushover', token: 't', userKey: 'u', headers: { 'X-A': 'b' } };
  assert.deepEqual(webhookFromTarget(hook), hook);
  assert.deepEqual(webhookFromTarget({ url: OPSGENIE_ALERTS_URL, format: 'opsgenie', apiKey: 'k' }), { url: OPSGENIE_ALERTS_URL, format: 'opsgenie', apiKey: 'k' });
  assert.deepEqual(webhookFromTarget({ url: WEBEX_MESSAGES_URL, format: 'webex', token: 't', roomId: 'r' }), { url: WEBEX_MESSAGES_URL, format: 'webex', token: 't', roomId: 'r' });
  assert.deepEqual(webhookFromTarget({ url: WEBEX_MESSAGES_URL, format: 'webex', token: 't', roomId: 7 }), { url: WEBEX_MESSAGES_URL, format: 'webex', token: 't' });
  assert.deepEqual(webhookFromTarget({ url: 'https://x.test/h', format: 'slack', headers: { a: 1 }, chatId: 5 }), { url: 'https://x.test/h', format: 'slack' });
  assert.throws(() => webhookFromTarget({ format: 'json' }), /has no URL/);
  assert.throws(() => webhookFromTarget({ url: 'https://x.test/h', format: 'fax' }), /unknown format "fax"/);
});
