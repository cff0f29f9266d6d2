import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { randomBytes } from 'node:crypto';
import { connect } from 'amqplib';
import { sql } from 'kysely';
import type { AlertEvent } from '../../../lib/alerting/alert-event.ts';
import type { AlertsConfig, WebhookReceiver } from '../../../lib/alerting/alerts-config.ts';
import { DEFAULT_ALERTS } from '../../../lib/alerting/default-alerts.ts';
import type { AlertmanagerBody } from '../../../lib/alerting/notify/alertmanager-body.ts';
import type { DiscordBody } from '../../../lib/alerting/notify/discord-body.ts';
import type { MsTeamsBody } from '../../../lib/alerting/notify/msteams-body.ts';
import type { GoogleChatBody } from '../../../lib/alerting/notify/googlechat-body.ts';
import type { NtfyRequest } from '../../../lib/alerting/notify/ntfy-body.ts';
import type { OpsgenieCloseAlert, OpsgenieCreateAlert } from '../../../lib/alerting/notify/opsgenie-alerts.ts';
import type { PagerDutyEvent } from '../../../lib/alerting/notify/pagerduty-events.ts';
import type { SlackBody } from '../../../lib/alerting/notify/slack-body.ts';
import type { TelegramBody } from '../../../lib/alerting/notify/telegram-body.ts';
import type { WebexBody } from '../../../lib/alerting/notify/webex-body.ts';
import { connectAmqpBus } from '../../../lib/bus/amqp-bus.ts';
import { TOPIC_NAMES } from '../../../lib/bus/amqp-topology.ts';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import { ackAlert } from '../../../lib/db/queries/ack-alert.ts';
import { expireSilence } from '../../../lib/db/queries/expire-silence.ts';
import { insertSilence } from '../../../lib/db/queries/insert-silence.ts';
import { listAlertHistory } from '../../../lib/db/queries/list-alert-history.ts';
import { listNotifications } from '../../../lib/db/queries/list-notifications.ts';
import { silentLogger } from '../../../lib/log.ts';
import { startAlerter, type Alerter, type AlerterOptions } from '../../../services/alerter/alerter-service.ts';
import { startEvaluator } from '../../../services/evaluator/evaluator-service.ts';
import type { CheckResult } from '../../../lib/checks/check-result.ts';
import type { PollResult } from '../../../lib/poll/poll-messages.ts';
import { failure, sample, success } from '../../alerting/synthetic-sample.ts';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startHttpReceiver, type HttpReceiver } from './http-receiver.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

const FROM = 'vigil@monitor.test';
const QUIET_MS = 900;

function firing(host: string, rule: string, extra: Partial<AlertEvent> = {}): AlertEvent {
  const at = Date.now();
  return {
    key: `${rule}|${host}`,
    rule,
    host,
    labels: {},
    state: 'firing',
    severity: 'critical',
    value: 97.5,
    threshold: 95,
    summary: `${rule} on ${host}: 97.5 > 95`,
    startsAt: at - 60_000,
    at,
    receivers: [],
    ...extra,
  };
}

function resolved(host: string, rule: string, extra: Partial<AlertEvent> = {}): AlertEvent {
  return firing(host, rule, { state: 'resolved', value: 10, summary: `${rule} on ${host} recovered`, ...extra });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

void describe('alerter service (PostgreSQL, real SMTP server and HTTP receiver)', () => {
  let testDb: TestDatabase;
  let smtp: SmtpSink;
  let hooks: HttpReceiver;
  let bus: MemoryBus;
  const running: Alerter[] = [];

  const config = (over: Partial<AlertsConfig> = {}): AlertsConfig => ({
    source: null,
    rules: [],
    receivers: [
      {
        name: 'ops',
        email: ['ops@example.test', 'oncall@example.test'],
        webhooks: [
          { url: `${hooks.url}/slack`, format: 'slack' },
          { url: `${hooks.url}/am`, format: 'alertmanager' },
        ],
      },
      { name: 'db-team', email: ['db@example.test'], webhooks: [{ url: `${hooks.url}/json`, format: 'json' }] },
    ],
    routes: [],
    defaultReceivers: ['ops'],
    defaultEscalate: [],
    groupWaitMs: 300,
    // Off, so that each test's later alerts are told after group_wait; the group_interval tests set it.
    groupIntervalMs: 0,
    repeatIntervalMs: 60_000,
    flapWindowMs: 3_000,
    flapMaxChanges: 4,
    inhibitRules: [],
    ...over,
  });

  const start = async (over: Partial<AlerterOptions> = {}): Promise<Alerter> => {
    const alerter = await startAlerter({
      bus,
      db: testDb.db,
      log: silentLogger,
      config: config(),
      mail: { smtpUrl: smtp.url, from: FROM },
      sender: { retryDelayMs: 100, maxRetryDelayMs: 400, pollIntervalMs: 200 },
      ...over,
    });
    running.push(alerter);
    return alerter;
  };

  const stop = async (alerter: Alerter): Promise<void> => {
    running.splice(running.indexOf(alerter), 1);
    await alerter.stop();
  };

  /** An alerter whose one receiver, oncall, has these webhooks; the second request to `failingPath` answers 500, once. */
  const startOncall = async (webhooks: WebhookReceiver[], failingPath: string): Promise<void> => {
    hooks.answer = (path, earlier) => (path === failingPath && earlier === 1 ? 500 : 200);
    await start({ config: config({ receivers: [{ name: 'oncall', email: [], webhooks }], defaultReceivers: ['oncall'] }) });
  };

  /** Every queued notification went out, the firing one in `format` at its second attempt, after the 500. */
  const assertSentAfterOne500 = async (format: WebhookReceiver['format']): Promise<void> => {
    // The receiver has the last request before the sender records it as sent: under load a row can
    // still read "sending" a moment after the request arrived (seen on CI), so wait for the records.
    const notifications = await waitFor('every notification recorded as sent', 10_000, async () => {
      const listed = await listNotifications(testDb.db, { limit: 50 });
      // Thrown, not returned: on a timeout waitFor reports the last one, with every row's state.
      assert.ok(listed.every((n) => n.status === 'sent'), JSON.stringify(listed.map((n) => [n.target['format'], n.status, n.lastError])));
      return listed;
    }, 50);
    const row = notifications.find((n) => n.target['format'] === format && n.kind === 'firing');
    assert.equal(row?.attempts, 2);
    assert.match(row?.lastError ?? '', /answered 500/);
  };

  const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
  const hooksAt = (path: string) => hooks.requests.filter((r) => r.path === path && r.status === 200);

  before(async () => {
    testDb = await createTestDatabase('postgres');
    smtp = await startSmtpSink({ user: 'vigil', password: 's3cret pass' });
    hooks = await startHttpReceiver();
  });

  beforeEach(async () => {
    for (const alerter of running.splice(0)) await alerter.stop();
    await bus?.close();
    bus = new MemoryBus();
    // CASCADE: tables of other features (live polls) refer to hosts.
    await sql`TRUNCATE alerts, alert_history, alert_episodes, silences, notifications, hosts CASCADE`.execute(testDb.db);
    smtp.mails.length = 0;
    hooks.requests.length = 0;
    hooks.answer = () => 200;
  });

  after(async () => {
    for (const alerter of running.splice(0)) await alerter.stop();
    await bus?.close();
    await hooks?.close();
    await smtp?.close();
    await testDb?.close();
  });

  void test('alerts firing together go out as one message per channel, listing every one of them', async () => {
    await start();
    const hosts = Array.from({ length: 20 }, (_, i) => `rack-${String(i).padStart(2, '0')}`);
    for (const host of hosts) await bus.publish('alert.events', firing(host, 'host-down'));
    await waitFor('the grouped mail', 10_000, () => (smtp.mails.length > 0 ? true : undefined));
    await waitFor('both webhooks', 10_000, () => (hooksAt('/slack').length > 0 && hooksAt('/am').length > 0 ? true : undefined));
    // The evaluator re-publishes still-firing alerts: that is no news.
    for (const host of hosts) await bus.publish('alert.events', firing(host, 'host-down'));
    await sleep(QUIET_MS);

    assert.equal(smtp.mails.length, 1, 'one mail for twenty alerts');
    const mail = smtp.mails[0]!;
    assert.equal(mail.subject, '[CRITICAL] host-down on 20 hosts (20 alerts)');
    assert.deepEqual(mail.to.sort(), ['oncall@example.test', 'ops@example.test']);
    assert.equal(mail.from, FROM);
    for (const host of hosts) {
      assert.ok(mail.text.includes(`CRITICAL ${host}: host-down`), `the text lists ${host}`);
      assert.ok(mail.html.includes(`<td>${host}</td>`), `the HTML lists ${host}`);
    }

    assert.equal(hooksAt('/slack').length, 1);
    const slack = hooksAt('/slack')[0]!;
    assert.match(slack.contentType, /^application\/json/);
    const slackText = (slack.body as SlackBody).text;
    assert.match(slackText, /^\*\[CRITICAL\] host-down on 20 hosts/);
    for (const host of hosts) assert.ok(slackText.includes(`• ${host}: host-down`));

    assert.equal(hooksAt('/am').length, 1);
    const am = hooksAt('/am')[0]!.body as AlertmanagerBody;
    assert.equal(am.version, '4');
    assert.equal(am.status, 'firing');
    assert.equal(am.receiver, 'ops');
    assert.deepEqual(am.groupLabels, {});
    assert.deepEqual(am.commonLabels, { alertname: 'host-down', severity: 'critical' });
    assert.equal(am.alerts.length, 20);
    assert.deepEqual(am.alerts.map((a) => a.labels['host']).sort(), hosts);
    for (const alert of am.alerts) {
      assert.equal(alert.status, 'firing');
      assert.equal(alert.endsAt, '0001-01-01T00:00:00Z');
      assert.match(alert.startsAt, /^\d{4}-\d\d-\d\dT/);
      assert.match(alert.fingerprint, /^[0-9a-f]{16}$/);
      assert.match(alert.annotations['summary'] ?? '', /^host-down on rack-/);
    }
  });

  void describe('group_interval (the alerter\'s clock driven by the test, mail through the real SMTP server)', () => {
    const GROUP_WAIT = 200;
    const GROUP_INTERVAL = 2_000;
    let clock = 0;
    const startStorm = async (): Promise<void> => {
      clock = Date.now();
      await start({
        now: () => clock,
        config: config({
          groupWaitMs: GROUP_WAIT,
          groupIntervalMs: GROUP_INTERVAL,
          receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }, { name: 'db-team', email: ['db@example.test'], webhooks: [] }],
        }),
      });
    };
    /** Publishes at `at` on the alerter's clock and waits until the alerter has applied it. */
    const fireAt = async (at: number, event: AlertEvent): Promise<void> => {
      clock = at;
      await bus.publish('alert.events', event);
      await waitFor(`${event.key} applied`, 10_000, async () =>
        ((await testDb.db.selectFrom('alerts').select('state').where('key', '=', event.key).executeTakeFirst())?.state === event.state ? true : undefined), 20);
    };
    const hostsIn = (mail: { text: string }, hosts: string[]): string[] => hosts.filter((host) => mail.text.includes(`CRITICAL ${host}: host-down`));
    /**
     * Moves the clock to a message's due time and holds it there until the sender has recorded the
     * message sent: its sent_at, which the next message's due time counts from, is then exact.
     */
    const sendDueAt = async (at: number, sent: number): Promise<void> => {
      clock = at;
      await waitFor(`${sent} messages recorded as sent`, 10_000, async () =>
        ((await listNotifications(testDb.db, { limit: 100 })).filter((n) => n.status === 'sent').length >= sent ? true : undefined), 20);
    };

    void test('20 alerts for one receiver over 1.4 s: one mail after group_wait, one follow-up group_interval later listing the rest', async () => {
      await startStorm();
      const t0 = clock;
      const hosts = Array.from({ length: 20 }, (_, i) => `sw-${String(i).padStart(2, '0')}`);
      for (const [i, host] of hosts.entries()) {
        if (i * 75 >= GROUP_WAIT && smtp.mails.length === 0) await sendDueAt(t0 + GROUP_WAIT, 1);
        await fireAt(t0 + i * 75, firing(host, 'host-down'));
      }
      const first = mailsTo('ops@example.test')[0];
      assert.ok(first);
      const queued = await listNotifications(testDb.db, { limit: 10 });
      assert.deepEqual(queued.map((n) => [n.status, n.alertKeys.length, n.status === 'pending' ? n.nextAttemptAt - t0 : null]).reverse(),
        [['sent', 3, null], ['pending', 17, GROUP_WAIT + GROUP_INTERVAL]]);
      assert.equal(smtp.mails.length, 1, 'nothing more before group_interval has passed');

      await sendDueAt(t0 + GROUP_WAIT + GROUP_INTERVAL, 2);
      const followUp = mailsTo('ops@example.test')[1];
      assert.ok(followUp);
      assert.equal(smtp.mails.length, 2, smtp.mails.map((m) => m.subject).join(' | '));
      assert.ok((await listNotifications(testDb.db, { limit: 10 })).every((n) => n.status === 'sent'), 'nothing left to send');
      // Fired before the first message was due (t0, +75, +150 ms): in it; every later one in the follow-up.
      assert.equal(first.subject, '[CRITICAL] host-down on 3 hosts (3 alerts)');
      assert.deepEqual(hostsIn(first, hosts), hosts.slice(0, 3));
      assert.equal(followUp.subject, '[CRITICAL] host-down on 17 hosts (17 alerts)');
      assert.deepEqual(hostsIn(followUp, hosts), hosts.slice(3));
    });

    void test('another receiver\'s alert is told after group_wait while the first receiver\'s follow-up still waits', async () => {
      await startStorm();
      const t0 = clock;
      await fireAt(t0, firing('sw-a', 'host-down'));
      await sendDueAt(t0 + GROUP_WAIT, 1);
      await fireAt(t0 + 500, firing('sw-b', 'host-down'));
      await fireAt(t0 + 500, firing('db-1', 'disk-full', { receivers: ['db-team'] }));
      await sendDueAt(t0 + 500 + GROUP_WAIT, 2);
      const dbMail = mailsTo('db@example.test')[0];
      assert.ok(dbMail);
      assert.equal(dbMail.subject, '[CRITICAL] db-1: disk-full');
      const waiting = (await listNotifications(testDb.db, { limit: 10 })).filter((n) => n.status === 'pending');
      assert.deepEqual(waiting.map((n) => [n.receiver, n.alertKeys, n.nextAttemptAt - t0]), [['ops', ['host-down|sw-b'], GROUP_WAIT + GROUP_INTERVAL]]);
      assert.equal(mailsTo('ops@example.test').length, 1);

      await sendDueAt(t0 + GROUP_WAIT + GROUP_INTERVAL, 3);
      assert.deepEqual(mailsTo('ops@example.test').map((m) => m.subject), ['[CRITICAL] sw-a: host-down', '[CRITICAL] sw-b: host-down']);
    });
  });

  void test('each time an alert fires is an episode, from its start to its end, with its rule\'s kind; pending that clears is none', async () => {
    await start({ config: config({ rules: [{ name: 'host_down', kind: 'host-down' }] }) });
    const t0 = Date.now();
    await bus.publish('alert.events', firing('web-7', 'host_down', { startsAt: t0 - 30_000, at: t0 }));
    await bus.publish('alert.events', firing('web-7', 'host_down', { startsAt: t0 - 30_000, at: t0 + 1 })); // re-published: no news
    await bus.publish('alert.events', resolved('web-7', 'host_down', { at: t0 + 2_000 }));
    await bus.publish('alert.events', firing('web-7', 'host_down', { startsAt: t0 + 3_000, at: t0 + 4_000 }));
    await bus.publish('alert.events', firing('web-7', 'cpu-high', { labels: { core: '1' }, key: 'cpu-high|web-7|1', startsAt: t0, at: t0 }));
    await bus.publish('alert.events', firing('web-8', 'host_down', { state: 'pending', startsAt: t0, at: t0 }));
    await bus.publish('alert.events', resolved('web-8', 'host_down', { at: t0 + 1_000 }));
    const rows = await waitFor('three episodes', 10_000, async () => {
      const found = await testDb.db.selectFrom('alert_episodes').selectAll().orderBy('id').execute();
      return found.length >= 3 ? found : undefined;
    });
    await sleep(QUIET_MS);
    const episodes = await testDb.db.selectFrom('alert_episodes').selectAll().orderBy('id').execute();
    assert.equal(episodes.length, rows.length);
    assert.deepEqual(episodes.map((e) => [e.alert_key, e.rule, e.kind, e.host, e.labels, new Date(e.started_at).getTime() - t0, e.ended_at === null ? null : new Date(e.ended_at).getTime() - t0]), [
      ['host_down|web-7', 'host_down', 'host-down', 'web-7', {}, -30_000, 2_000],
      ['host_down|web-7', 'host_down', 'host-down', 'web-7', {}, 3_000, null],
      // A rule the alerts file does not name (here: the test's config has only host_down) has no kind.
      ['cpu-high|web-7|1', 'cpu-high', null, 'web-7', { core: '1' }, 0, null],
    ]);
  });

  void test('one alert: fired, then resolved, each told once on every channel; rule receivers replace the default', async () => {
    await start();
    await bus.publish('alert.events', firing('web-1', 'cpu-high'));
    await bus.publish('alert.events', firing('db-1', 'disk-full', { labels: { mount: '/data' }, severity: 'warning', receivers: ['db-team'] }));
    await waitFor('two mails', 10_000, () => (smtp.mails.length >= 2 ? true : undefined));
    assert.deepEqual(mailsTo('ops@example.test').map((m) => m.subject), ['[CRITICAL] web-1: cpu-high']);
    assert.deepEqual(mailsTo('db@example.test').map((m) => m.subject), ['[WARNING] db-1: disk-full']);
    assert.match(mailsTo('db@example.test')[0]!.text, /WARNING db-1: disk-full \[mount=\/data\]/);

    await bus.publish('alert.events', resolved('web-1', 'cpu-high'));
    await bus.publish('alert.events', resolved('db-1', 'disk-full', { labels: { mount: '/data' }, severity: 'warning', receivers: ['db-team'] }));
    await waitFor('two recovery mails', 10_000, () => (smtp.mails.length >= 4 ? true : undefined));
    await waitFor('the resolved webhooks', 10_000, () => (hooksAt('/am').length >= 2 && hooksAt('/json').length >= 2 ? true : undefined));
    // A late resolved is a duplicate, not news.
    await bus.publish('alert.events', resolved('web-1', 'cpu-high'));
    await sleep(QUIET_MS);

    assert.deepEqual(mailsTo('ops@example.test').map((m) => m.subject), ['[CRITICAL] web-1: cpu-high', '[RESOLVED] web-1: cpu-high']);
    assert.deepEqual(mailsTo('db@example.test').map((m) => m.subject), ['[WARNING] db-1: disk-full', '[RESOLVED] db-1: disk-full']);
    const am = hooksAt('/am').map((r) => r.body as AlertmanagerBody);
    assert.deepEqual(am.map((b) => b.status), ['firing', 'resolved']);
    assert.notEqual(am[1]!.alerts[0]!.endsAt, '0001-01-01T00:00:00Z');
    const json = hooksAt('/json').map((r) => r.body as { kind: string; alerts: Array<{ labels: Record<string, string> }> });
    assert.deepEqual(json.map((b) => b.kind), ['firing', 'resolved']);
    assert.deepEqual(json[0]!.alerts[0]!.labels, { mount: '/data' });
    const history = await listAlertHistory(testDb.db, { limit: 100, key: 'cpu-high|web-1' });
    assert.deepEqual(history.map((h) => h.event).filter((e) => e === 'firing' || e === 'resolved').reverse(), ['firing', 'resolved']);
    assert.ok(history.some((h) => h.event === 'notified'), 'deliveries are in the history');
  });

  void test('routes by inventory group: a dbservers host\'s alerts reach only the dba address, grouped per receiver; others go to the default', async () => {
    const groupsOf: Record<string, string[]> = { 'db-1': ['dbservers', 'datacenter'], 'db-2': ['dbservers'], 'web-1': ['web', 'datacenter'] };
    for (const [name, groups] of Object.entries(groupsOf)) {
      await testDb.db.insertInto('hosts').values({ name, address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify(groups), interval_sec: 10 }).execute();
    }
    await start({
      config: config({
        receivers: [
          { name: 'ops', email: ['ops@example.test'], webhooks: [] },
          { name: 'dba', email: ['dba@example.test'], webhooks: [] },
          { name: 'db-team', email: ['db@example.test'], webhooks: [] },
        ],
        routes: [{ groups: ['dbservers'], receivers: ['dba'], continue: false }],
      }),
    });
    await bus.publish('alert.events', firing('db-1', 'cpu-high'));
    await bus.publish('alert.events', firing('web-1', 'cpu-high'));
    await bus.publish('alert.events', firing('db-2', 'cpu-high'));
    // A rule that names its receivers keeps them on a dbservers host too.
    await bus.publish('alert.events', firing('db-1', 'disk-full', { receivers: ['db-team'] }));
    await waitFor('three mails', 10_000, () => (smtp.mails.length >= 3 ? true : undefined));
    await sleep(QUIET_MS);

    assert.equal(smtp.mails.length, 3, smtp.mails.map((m) => `${m.to.join(',')}: ${m.subject}`).join(' | '));
    const dba = mailsTo('dba@example.test');
    assert.equal(dba.length, 1, 'the two dbservers alerts went out together, as one message to dba');
    assert.deepEqual(dba[0]!.to, ['dba@example.test']);
    assert.equal(dba[0]!.subject, '[CRITICAL] cpu-high on 2 hosts (2 alerts)');
    assert.match(dba[0]!.text, /CRITICAL db-1: cpu-high/);
    assert.match(dba[0]!.text, /CRITICAL db-2: cpu-high/);
    assert.doesNotMatch(dba[0]!.text, /web-1/);
    assert.match(dba[0]!.text, /Receiver: dba/);
    assert.deepEqual(mailsTo('ops@example.test').map((m) => [m.to, m.subject]), [[['ops@example.test'], '[CRITICAL] web-1: cpu-high']]);
    assert.deepEqual(mailsTo('db@example.test').map((m) => m.subject), ['[CRITICAL] db-1: disk-full']);

    // The recovery is routed the same way.
    await bus.publish('alert.events', resolved('db-1', 'cpu-high'));
    await waitFor('the recovery mail', 10_000, () => (smtp.mails.length >= 4 ? true : undefined));
    await sleep(QUIET_MS);
    assert.deepEqual(mailsTo('dba@example.test').map((m) => m.subject), ['[CRITICAL] cpu-high on 2 hosts (2 alerts)', '[RESOLVED] db-1: cpu-high']);
    assert.equal(smtp.mails.length, 4);
  });

  void test('a still-firing alert is reminded about after repeat_interval, and no more once acknowledged', async () => {
    await start({ config: config({ repeatIntervalMs: 1_000, receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] }) });
    await bus.publish('alert.events', firing('web-2', 'mem-high'));
    await waitFor('the firing mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    await waitFor('a reminder', 10_000, () => (smtp.mails.length >= 2 ? true : undefined));
    assert.equal(smtp.mails[1]!.subject, '[CRITICAL] web-2: mem-high (still firing)');
    assert.match(smtp.mails[1]!.text, /still firing/);

    const acked = await ackAlert(testDb.db, 'mem-high|web-2', { by: 'alice', comment: 'looking into it', at: Date.now() });
    assert.equal(acked.ok, true);
    const count = smtp.mails.length;
    await sleep(2_500);
    assert.equal(smtp.mails.length, count, 'no reminder after the ack');
    const history = await listAlertHistory(testDb.db, { limit: 100, key: 'mem-high|web-2' });
    const ack = history.find((h) => h.event === 'acked');
    assert.equal(ack?.actor, 'alice');
    assert.equal(ack?.comment, 'looking into it');

    // Acknowledged or not, the recovery is told.
    await bus.publish('alert.events', resolved('web-2', 'mem-high'));
    await waitFor('the recovery mail', 10_000, () => (smtp.mails.some((m) => m.subject.startsWith('[RESOLVED]')) ? true : undefined));
  });

  void test('escalation: an alert nobody acknowledges is told to the next step\'s receivers once it is due, and its recovery too; an acknowledged one is not escalated', async () => {
    await start({
      config: config({
        receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }, { name: 'lead', email: ['lead@example.test'], webhooks: [] }],
        defaultEscalate: [{ afterMs: 2_000, receivers: ['lead'] }],
      }),
      sweepIntervalMs: 200,
    });
    const startsAt = Date.now();
    await bus.publish('alert.events', firing('web-1', 'cpu-high', { startsAt }));
    await bus.publish('alert.events', firing('web-2', 'disk-full', { startsAt }));
    await waitFor('the first mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    assert.deepEqual(mailsTo('lead@example.test'), [], 'not yet');
    assert.equal((await ackAlert(testDb.db, 'disk-full|web-2', { by: 'alice', comment: 'mine', at: Date.now() })).ok, true);

    await waitFor('the escalation', 10_000, () => (mailsTo('lead@example.test').length >= 1 ? true : undefined));
    await sleep(QUIET_MS + 1_000);
    const lead = mailsTo('lead@example.test');
    assert.deepEqual(lead.map((m) => m.subject), ['[CRITICAL] web-1: cpu-high (escalated: not acknowledged)'], 'once, and only the unacknowledged alert');
    assert.match(lead[0]!.text, /still firing and not acknowledged: escalated to you/);
    const history = await listAlertHistory(testDb.db, { limit: 20, key: 'cpu-high|web-1' });
    const escalated = history.find((h) => h.event === 'escalated');
    assert.deepEqual(escalated?.details, { steps: 1, to: 1, receivers: ['lead'] });
    assert.ok((escalated?.at ?? 0) >= startsAt + 2_000, `escalated at ${String(escalated?.at)}, not before its step's 2 s`);
    const row = await testDb.db.selectFrom('alerts').select('escalated_steps').where('key', '=', 'cpu-high|web-1').executeTakeFirst();
    assert.equal(row?.escalated_steps, 1);

    // Both recover: the lead hears of the one it was told of, ops of both.
    await bus.publish('alert.events', resolved('web-1', 'cpu-high'));
    await bus.publish('alert.events', resolved('web-2', 'disk-full'));
    await waitFor('the recoveries', 10_000, () => (mailsTo('lead@example.test').length >= 2 ? true : undefined));
    await sleep(QUIET_MS);
    assert.deepEqual(mailsTo('lead@example.test').map((m) => m.subject), ['[CRITICAL] web-1: cpu-high (escalated: not acknowledged)', '[RESOLVED] web-1: cpu-high']);
    assert.ok(mailsTo('ops@example.test').some((m) => m.subject.startsWith('[RESOLVED]') && m.text.includes('web-2')));
  });

  void test('escalation of a rule that names its own receivers, with no route or default escalating: its own steps', async () => {
    const rule = { name: 'key-changed', kind: 'host-key-changed' as const, receivers: ['ops'], escalate: [{ afterMs: 1_500, receivers: ['lead'] }] };
    await start({
      config: config({
        rules: [rule],
        receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }, { name: 'lead', email: ['lead@example.test'], webhooks: [] }],
      }),
      sweepIntervalMs: 200,
    });
    await bus.publish('alert.events', firing('web-3', 'key-changed', { startsAt: Date.now(), receivers: ['ops'] }));
    await waitFor('the escalation', 10_000, () => (mailsTo('lead@example.test').length >= 1 ? true : undefined));
    assert.deepEqual(mailsTo('lead@example.test').map((m) => m.subject), ['[CRITICAL] web-3: key-changed (escalated: not acknowledged)']);
  });

  void test('silences mute notices, never the state; a recovery of an alert told before the silence is still told', async () => {
    await testDb.db.insertInto('hosts').values({ name: 'edge-1', address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify(['edge']), interval_sec: 10 }).execute();
    await start({ config: config({ receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] }) });
    const now = Date.now();
    await insertSilence(testDb.db, { matchers: { group: 'edge' }, startsAt: now - 1000, endsAt: now + 3_600_000, comment: 'switch swap', createdBy: 'bob' });

    // Fired under the silence: recorded, not told; its recovery is not told either.
    await bus.publish('alert.events', firing('edge-1', 'host-down'));
    await waitFor('the alert to be recorded', 10_000, async () => {
      const row = await testDb.db.selectFrom('alerts').select('state').where('key', '=', 'host-down|edge-1').executeTakeFirst();
      return row?.state === 'firing' ? true : undefined;
    });
    await bus.publish('alert.events', resolved('edge-1', 'host-down'));
    await waitFor('the recovery to be recorded', 10_000, async () => {
      const row = await testDb.db.selectFrom('alerts').select('state').where('key', '=', 'host-down|edge-1').executeTakeFirst();
      return row?.state === 'resolved' ? true : undefined;
    });

    // Told before a silence by host, recovered under it: the recovery is told.
    await bus.publish('alert.events', firing('web-3', 'cpu-high'));
    await waitFor('the firing mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    const silence = await insertSilence(testDb.db, { matchers: { host: 'web-3' }, startsAt: Date.now() - 1000, endsAt: Date.now() + 3_600_000, comment: 'reboot', createdBy: 'bob' });
    await bus.publish('alert.events', firing('web-3', 'disk-full'));
    await bus.publish('alert.events', resolved('web-3', 'cpu-high'));
    await waitFor('the recovery mail', 10_000, () => (smtp.mails.length >= 2 ? true : undefined));
    await sleep(QUIET_MS);

    assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] web-3: cpu-high', '[RESOLVED] web-3: cpu-high']);
    const edge = await listAlertHistory(testDb.db, { limit: 10, key: 'host-down|edge-1' });
    assert.deepEqual(edge.map((h) => h.event).reverse(), ['firing', 'resolved']);
    assert.equal(edge.at(-1)?.details['muted'], true);
    const disk = await testDb.db.selectFrom('alerts').select(['notified_firing', 'held_back_by']).where('key', '=', 'disk-full|web-3').executeTakeFirst();
    assert.deepEqual(disk, { notified_firing: false, held_back_by: `silence ${silence.id}` });
  });

  void test('a maintenance window from the inventory mutes its host, and only its host', async () => {
    for (const name of ['backup-1', 'backup-2']) {
      await testDb.db.insertInto('hosts').values({ name, address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify(['backup']), interval_sec: 10 }).execute();
    }
    // All day, every day, in the host's time zone: whenever the test runs, backup-1 is in maintenance.
    const allDay = { maintenance: [{ start: '00:00', end: '24:00', timezone: 'Europe/Berlin' }] };
    await sql`UPDATE hosts SET alerting = ${JSON.stringify(allDay)}::json WHERE name = 'backup-1'`.execute(testDb.db);
    await start({ config: config({ receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] }) });
    await bus.publish('alert.events', firing('backup-1', 'disk-full'));
    await bus.publish('alert.events', firing('backup-2', 'disk-full'));
    await waitFor('the mail for backup-2', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    await sleep(QUIET_MS);
    assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] backup-2: disk-full']);
    const muted = await testDb.db.selectFrom('alerts').select(['state', 'notified_firing', 'held_back_by']).where('key', '=', 'disk-full|backup-1').executeTakeFirst();
    assert.deepEqual(muted, { state: 'firing', notified_firing: false, held_back_by: 'a maintenance window of its host' }, 'evaluated and recorded, not told');
  });

  void test('an alert whose silence ends while it still fires is told then', async () => {
    await start({ config: config({ receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] }), sweepIntervalMs: 200 });
    const silence = await insertSilence(testDb.db, { matchers: { rule: 'load-high' }, startsAt: Date.now() - 1000, endsAt: Date.now() + 1_500, comment: 'batch job', createdBy: 'carol' });
    await bus.publish('alert.events', firing('batch-1', 'load-high'));
    await sleep(800);
    assert.equal(smtp.mails.length, 0, 'muted while the silence lasts');
    await waitFor('the mail once the silence has ended', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    assert.ok(Date.now() >= silence.endsAt);
    assert.equal(smtp.mails[0]!.subject, '[CRITICAL] batch-1: load-high');
  });

  void test('a flapping alert is told once, then nothing until it settles', async () => {
    await start({ config: config({ flapWindowMs: 2_000, flapMaxChanges: 3, receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] }), sweepIntervalMs: 200 });
    const flip = async (state: 'firing' | 'resolved'): Promise<void> => {
      await bus.publish('alert.events', state === 'firing' ? firing('nas-1', 'nfs-latency') : resolved('nas-1', 'nfs-latency'));
      await sleep(120);
    };
    await flip('firing');
    await waitFor('the firing mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    for (let i = 0; i < 3; i++) {
      await flip('resolved');
      await flip('firing');
    }
    await waitFor('the flapping mail', 10_000, () => (smtp.mails.some((m) => m.subject.startsWith('[FLAPPING]')) ? true : undefined));
    const flappingAt = smtp.mails.length;
    for (let i = 0; i < 3; i++) {
      await flip('resolved');
      await flip('firing');
    }
    // Settles firing: no change for the flap window, then one notice saying it fires.
    await waitFor('the settled notice', 15_000, () => (smtp.mails.length > flappingAt ? true : undefined));
    await sleep(QUIET_MS);

    const subjects = smtp.mails.map((m) => m.subject);
    assert.equal(subjects.filter((s) => s.startsWith('[FLAPPING]')).length, 1, subjects.join(' | '));
    assert.equal(subjects.at(-1), '[CRITICAL] nas-1: nfs-latency', subjects.join(' | '));
    assert.equal(smtp.mails.length, flappingAt + 1, subjects.join(' | '));
    const history = await listAlertHistory(testDb.db, { limit: 200, key: 'nfs-latency|nas-1' });
    assert.ok(history.some((h) => h.event === 'flapping'));
    assert.ok(history.some((h) => h.event === 'settled'));
  });

  void test('with `for`, a breach is pending first and told only once it lasted; one that ends while pending is never told', async () => {
    const opsByMail = { receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] };
    // In the inventory: the evaluator resolves the alerts of hosts that are not.
    for (const name of ['steady-1', 'blip-1']) {
      await testDb.db.insertInto('hosts').values({ name, address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify([]), interval_sec: 10 }).execute();
    }
    await start({ config: config(opsByMail) });
    const rules: AlertsConfig = {
      ...config(opsByMail),
      rules: [{ name: 'cpu-high', kind: 'threshold', metric: 'cpuBusyPct', levels: { critical: 90 }, recoverAt: 80, forMs: 20_000, summary: 'CPU busy', unit: '%' }],
    };
    const evaluator = await startEvaluator({ bus, db: testDb.db, log: silentLogger, config: rules, tickMs: 50 });
    const stateOf = async (host: string): Promise<string | undefined> =>
      (await testDb.db.selectFrom('alerts').select('state').where('key', '=', `cpu-high|${host}`).executeTakeFirst())?.state;
    try {
      // Results carry their own times: 10 s apart without waiting for them.
      const t0 = Date.now();
      await bus.publish('poll.results', success(sample('steady-1', t0, { cpuBusyPct: 95 })));
      await bus.publish('poll.results', success(sample('blip-1', t0, { cpuBusyPct: 95 })));
      await waitFor('both pending', 10_000, async () => ((await stateOf('steady-1')) === 'pending' && (await stateOf('blip-1')) === 'pending' ? true : undefined));
      await bus.publish('poll.results', success(sample('steady-1', t0 + 10_000, { cpuBusyPct: 96 })));
      await bus.publish('poll.results', success(sample('blip-1', t0 + 10_000, { cpuBusyPct: 40 })));
      await waitFor('the blip cleared', 10_000, async () => ((await stateOf('blip-1')) === 'resolved' ? true : undefined));
      await sleep(QUIET_MS);
      assert.equal(smtp.mails.length, 0, 'nothing is told while pending, nor when a pending alert clears');
      assert.equal(await stateOf('steady-1'), 'pending');

      await bus.publish('poll.results', success(sample('steady-1', t0 + 20_000, { cpuBusyPct: 97 })));
      await waitFor('the firing mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
      await bus.publish('poll.results', success(sample('steady-1', t0 + 30_000, { cpuBusyPct: 50 })));
      await waitFor('the recovery mail', 10_000, () => (smtp.mails.length >= 2 ? true : undefined));
      await sleep(QUIET_MS);
      assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] steady-1: cpu-high', '[RESOLVED] steady-1: cpu-high']);
      const row = await testDb.db.selectFrom('alerts').select(['starts_at', 'state_changes']).where('key', '=', 'cpu-high|steady-1').executeTakeFirstOrThrow();
      assert.equal(new Date(row.starts_at).getTime(), t0, 'the alert started when the breach did, not when it fired');
      assert.equal((row.state_changes as unknown as number[]).length, 1, 'pending to firing is not a change that counts towards flapping');
      const steady = await listAlertHistory(testDb.db, { limit: 20, key: 'cpu-high|steady-1' });
      assert.deepEqual(steady.map((h) => h.event).filter((e) => e !== 'notified').reverse(), ['pending', 'firing', 'resolved']);
      const blip = await listAlertHistory(testDb.db, { limit: 20, key: 'cpu-high|blip-1' });
      assert.deepEqual(blip.map((h) => h.event).reverse(), ['pending', 'cleared']);
    } finally {
      await evaluator.stop();
    }
  });

  void test('a bastion\'s alert speaks for the hosts behind it: one notice naming them, their own held back until it resolves', async () => {
    const options = { config: config({ groupWaitMs: 1_500 }), sweepIntervalMs: 200 };
    let alerter = await start(options);
    const down = (host: string, extra: Partial<AlertEvent> = {}): AlertEvent =>
      firing(host, 'host_down', { summary: `${host} failed 3 polls in a row`, value: 3, threshold: 3, ...extra });
    const up = (host: string): AlertEvent => resolved(host, 'host_down', { value: 0 });
    // Two hosts behind the bastion were declared down before it was: their notices wait out the group window.
    await bus.publish('alert.events', down('app-1'));
    await bus.publish('alert.events', down('app-2'));
    await waitFor('their notices queued', 5_000, async () => ((await listNotifications(testDb.db, { limit: 10 })).length > 0 ? true : undefined));
    await bus.publish('alert.events', down('jump-1', { dependents: ['app-1', 'app-2', 'app-3'], summary: 'jump-1 failed 3 polls in a row; unreachable behind it: app-1, app-2, app-3' }));
    await waitFor('the bastion mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    await waitFor('the bastion webhook', 10_000, () => (hooksAt('/am').length >= 1 ? true : undefined));
    // Reported down after the bastion: held back too.
    await bus.publish('alert.events', down('app-3'));
    await sleep(QUIET_MS + 1_500);

    assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] jump-1: host_down'], 'one notice, for the bastion');
    assert.match(smtp.mails[0]!.text, /Behind it \(their own alerts held back\): app-1, app-2, app-3/);
    assert.match(smtp.mails[0]!.html, /Behind it \(their own alerts held back\): app-1, app-2, app-3/);
    const am = hooksAt('/am').map((r) => r.body as AlertmanagerBody);
    assert.equal(am.length, 1);
    assert.deepEqual(am[0]!.alerts.map((a) => [a.labels['host'], a.annotations['dependents']]), [['jump-1', 'app-1,app-2,app-3']]);
    for (const host of ['app-1', 'app-2', 'app-3']) {
      const row = await testDb.db.selectFrom('alerts').select(['state', 'notified_firing', 'held_back_by']).where('key', '=', `host_down|${host}`).executeTakeFirst();
      assert.deepEqual(row, { state: 'firing', notified_firing: false, held_back_by: 'reached through jump-1, which is down (host_down|jump-1)' }, `${host}: recorded, not told`);
      const history = await listAlertHistory(testDb.db, { limit: 20, key: `host_down|${host}` });
      const dependent = history.find((h) => h.event === 'dependent');
      assert.equal(dependent?.details['on'], 'host_down|jump-1', host);
    }

    // The cover is in the database: a restarted alerter holds back the next host behind the bastion too.
    await stop(alerter);
    alerter = await start(options);
    await bus.publish('alert.events', down('app-4'));
    await bus.publish('alert.events', down('jump-1', { dependents: ['app-1', 'app-2', 'app-3', 'app-4'] }));
    await sleep(QUIET_MS + 1_500);
    assert.equal(smtp.mails.length, 1, smtp.mails.map((m) => m.subject).join(' | '));

    // The bastion is back and app-1 with it; app-2, app-3 and app-4 still fail on their own: now they are told.
    await bus.publish('alert.events', up('jump-1'));
    await bus.publish('alert.events', up('app-1'));
    await waitFor('the recovery and the hosts still down', 15_000, () => (smtp.mails.length >= 3 ? true : undefined));
    await sleep(QUIET_MS + 1_500);
    assert.deepEqual(smtp.mails.map((m) => m.subject).sort(), [
      '[CRITICAL] host_down on 3 hosts (3 alerts)',
      '[CRITICAL] jump-1: host_down',
      '[RESOLVED] jump-1: host_down',
    ]);
    const late = smtp.mails.find((m) => m.subject === '[CRITICAL] host_down on 3 hosts (3 alerts)')!;
    for (const host of ['app-2', 'app-3', 'app-4']) assert.ok(late.text.includes(`CRITICAL ${host}: host_down`), host);
    assert.ok(!late.text.includes('app-1'), 'app-1 recovered with the bastion and was never told');
  });

  void test('vigil_parents from the hosts table: a switch that goes down speaks for the host behind it, which is down but held back, not for one with a second path', async () => {
    const opsByMail = { receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] };
    const parentsOf: Record<string, string[] | null> = { 'sw-1': null, 'sw-2': null, 'web-1': ['sw-1'], 'web-2': ['sw-1', 'sw-2'] };
    for (const [name, parents] of Object.entries(parentsOf)) {
      await testDb.db.insertInto('hosts').values({
        name, address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify([]), interval_sec: 10, ...(parents && { alerting: JSON.stringify({ parents }) }),
      }).execute();
    }
    const rules: AlertsConfig = { ...DEFAULT_ALERTS, ...opsByMail, defaultReceivers: ['ops'], groupWaitMs: 300, groupIntervalMs: 0 };
    await start({ config: rules, sweepIntervalMs: 200 });
    const evaluator = await startEvaluator({ bus, db: testDb.db, log: silentLogger, config: rules, tickMs: 50 });
    const stateOf = async (key: string) => testDb.db.selectFrom('alerts').select(['state', 'notified_firing', 'held_back_by']).where('key', '=', key).executeTakeFirst();
    try {
      const t0 = Date.now();
      // sw-1 dies: web-1 (behind it alone) and web-2 (also behind sw-2) stop answering too, for
      // web-2 a fault of its own, since sw-2 is up. web-1 is polled before sw-1 each round.
      for (let i = 0; i < 4; i++) {
        for (const host of ['web-1', 'web-2', 'sw-1']) await bus.publish('poll.results', failure(host, t0 + i * 10_000, 'timeout-connect'));
        await bus.publish('poll.results', success(sample('sw-2', t0 + i * 10_000)));
      }
      await waitFor('the mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
      await waitFor('web-1 firing', 10_000, async () => ((await stateOf('host_down|web-1'))?.state === 'firing' ? true : undefined));
      await sleep(QUIET_MS + 500);
      // Both down within the group window: one mail, sw-1 naming web-1 behind it, web-2 on its own.
      assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] host_down on 2 hosts (2 alerts)']);
      const text = smtp.mails[0]!.text;
      assert.match(text, /- CRITICAL sw-1: host_down\n.*unreachable behind it: web-1\n  Behind it \(their own alerts held back\): web-1\n/);
      assert.match(text, /- CRITICAL web-2: host_down\n  Host down: web-2 failed 3 polls in a row \(timeout-connect\)\n/);
      assert.ok(!/CRITICAL web-1/.test(text), 'web-1 is not told on its own');
      // web-1 is down too, from its first failed poll, for availability and the status page; recorded, not told.
      assert.deepEqual(await stateOf('host_down|web-1'), { state: 'firing', notified_firing: false, held_back_by: 'reached through sw-1, which is down (host_down|sw-1)' });
      const episode = await testDb.db.selectFrom('alert_episodes').select(['started_at', 'ended_at']).where('alert_key', '=', 'host_down|web-1').executeTakeFirst();
      assert.equal(new Date(episode!.started_at).getTime(), t0);
      assert.equal(episode!.ended_at, null);
      assert.deepEqual(await stateOf('host_down|web-2'), { state: 'firing', notified_firing: true, held_back_by: null });

      // sw-1 is back and web-1 with it: sw-1's recovery is told, web-1's outage never was, nor its end.
      await bus.publish('poll.results', success(sample('web-1', t0 + 40_000)));
      await bus.publish('poll.results', success(sample('sw-1', t0 + 40_001)));
      await waitFor('the recovery mail', 10_000, () => (smtp.mails.length >= 2 ? true : undefined));
      await sleep(QUIET_MS + 500);
      assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] host_down on 2 hosts (2 alerts)', '[RESOLVED] sw-1: host_down']);
      assert.equal((await stateOf('host_down|web-1'))?.state, 'resolved');
        } finally {
      await evaluator.stop();
    }
  });

  void test('a host that goes down with its web check: one notice, "host down"; the check is held back, and told only if it still fails once the host answers', async () => {
    const opsByMail = { receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] };
    for (const name of ['web-1', 'web-2']) {
      await testDb.db.insertInto('hosts').values({ name, address: '127.0.0.1', connection: 'ssh', groups: JSON.stringify([]), interval_sec: 10 }).execute();
    }
    // The built-in rules and inhibition: host_down after 3 failed polls, check_failing after 2.
    const rules: AlertsConfig = { ...DEFAULT_ALERTS, ...opsByMail, defaultReceivers: ['ops'], groupWaitMs: 300, groupIntervalMs: 0 };
    await start({ config: rules, sweepIntervalMs: 200 });
    const evaluator = await startEvaluator({ bus, db: testDb.db, log: silentLogger, config: rules, tickMs: 50 });
    const check = (ok: boolean): CheckResult[] => [{ id: 'http:https://shop/', kind: 'http', ok, ...(ok ? {} : { reason: 'timeout' as const, message: 'no answer in 5 s' }) }];
    const down = (host: string, ts: number): PollResult => ({ ...failure(host, ts, 'timeout-connect'), checks: check(false) });
    const up = (host: string, ts: number, ok: boolean): PollResult => success(sample(host, ts, { checks: check(ok) }));
    const stateOf = async (key: string) => testDb.db.selectFrom('alerts').select(['state', 'notified_firing', 'held_back_by']).where('key', '=', key).executeTakeFirst();
    try {
      const t0 = Date.now();
      // web-1 is powered off: SSH and its web check fail together, three polls in a row.
      for (let i = 0; i < 3; i++) await bus.publish('poll.results', down('web-1', t0 + i * 10_000));
      await waitFor('the host_down mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
      await sleep(QUIET_MS);
      assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] web-1: host_down']);
      assert.deepEqual(
        await stateOf('check_failing|web-1|id=http:https://shop/'),
        { state: 'firing', notified_firing: false, held_back_by: 'inhibited by host_down|web-1' },
        'recorded, not told, and why',
      );
      assert.equal((await stateOf('host_down|web-1'))?.held_back_by, null);
      const history = await listAlertHistory(testDb.db, { limit: 20, key: 'check_failing|web-1|id=http:https://shop/' });
      // It fired on the second poll, while host_down was pending (not yet down): held back from the start.
      assert.equal(history.find((h) => h.event === 'inhibited')?.details['by'], 'host_down|web-1');
      assert.equal(history.find((h) => h.event === 'firing')?.details['muted'], true);

      // It answers again and the shop with it: only host_down's recovery is told.
      await bus.publish('poll.results', up('web-1', t0 + 30_000, true));
      await waitFor('the recovery mail', 10_000, () => (smtp.mails.length >= 2 ? true : undefined));
      await sleep(QUIET_MS);
      assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] web-1: host_down', '[RESOLVED] web-1: host_down']);
      assert.deepEqual(await stateOf('check_failing|web-1|id=http:https://shop/'), { state: 'resolved', notified_firing: false, held_back_by: null });

      // web-2 misses one poll, then answers with its shop still down: the check was held while the
      // host was pending down, and is told once host_down cleared (by the next sweep).
      smtp.mails.length = 0;
      await bus.publish('poll.results', up('web-2', t0, false));
      await bus.publish('poll.results', down('web-2', t0 + 10_000));
      await waitFor('the check firing', 10_000, async () => ((await stateOf('check_failing|web-2|id=http:https://shop/'))?.state === 'firing' ? true : undefined));
      await sleep(QUIET_MS);
      assert.equal(smtp.mails.length, 0, 'held back while web-2 is pending down');
      await bus.publish('poll.results', up('web-2', t0 + 20_000, false));
      await waitFor('the check mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
      await sleep(QUIET_MS);
      assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] web-2: check_failing']);
      assert.deepEqual(await stateOf('check_failing|web-2|id=http:https://shop/'), { state: 'firing', notified_firing: true, held_back_by: null }, 'told, and no longer held');
      assert.equal((await stateOf('host_down|web-2'))?.state, 'resolved', 'the pending host_down cleared, never told');
    } finally {
      await evaluator.stop();
    }
  });

  void test('an inhibit source that starts withdraws its host\'s queued notices; inhibit_rules: [] holds nothing back', async () => {
    const inhibit: AlertsConfig['inhibitRules'] = [{ source: { rules: ['host_down'] }, equal: [] }];
    let alerter = await start({ config: config({ groupWaitMs: 1_500, inhibitRules: inhibit }), sweepIntervalMs: 200 });
    const check = firing('db-1', 'check_failing', { key: 'check_failing|db-1|id=tcp:db-1:5432', labels: { id: 'tcp:db-1:5432' } });
    await bus.publish('alert.events', check);
    await waitFor('its notice queued', 5_000, async () => ((await listNotifications(testDb.db, { limit: 10 })).length > 0 ? true : undefined));
    await bus.publish('alert.events', firing('db-1', 'host_down', { state: 'pending', summary: 'db-1 failed 1 of 3 polls' }));
    await sleep(QUIET_MS + 1_500);
    assert.equal(smtp.mails.length, 0, 'the check\'s notice was withdrawn before it went');
    const history = await listAlertHistory(testDb.db, { limit: 20, key: check.key });
    assert.deepEqual(history.find((h) => h.event === 'inhibited')?.details, { by: 'host_down|db-1', withdrawnNotice: true });
    const heldBack = async (): Promise<string | null | undefined> =>
      (await testDb.db.selectFrom('alerts').select('held_back_by').where('key', '=', check.key).executeTakeFirst())?.held_back_by;
    assert.equal(await heldBack(), 'inhibited by host_down|db-1');

    // The host answered (host_down cleared) and the check still fails: told now.
    await bus.publish('alert.events', resolved('db-1', 'host_down', { state: 'resolved', value: 0 }));
    await waitFor('the check mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    await sleep(QUIET_MS);
    assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] db-1: check_failing']);
    assert.equal(await heldBack(), null);

    // Without inhibition the same pair is told separately.
    await stop(alerter);
    smtp.mails.length = 0;
    alerter = await start({ config: config({ groupWaitMs: 300, inhibitRules: [] }) });
    await bus.publish('alert.events', firing('db-2', 'host_down', { state: 'pending' }));
    await bus.publish('alert.events', firing('db-2', 'check_failing', { key: 'check_failing|db-2|id=tcp:db-2:5432', labels: { id: 'tcp:db-2:5432' } }));
    await waitFor('the check mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    await sleep(QUIET_MS);
    assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] db-2: check_failing']);
  });

  void test('an alert told before its host went down is held back while it is, and no longer once it answers; nothing is told twice', async () => {
    await start({ config: config({ inhibitRules: [{ source: { rules: ['host_down'] }, equal: [] }] }), sweepIntervalMs: 200 });
    const disk = firing('db-3', 'disk-full');
    await bus.publish('alert.events', disk);
    await waitFor('its mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    const heldBack = async (): Promise<string | null | undefined> =>
      (await testDb.db.selectFrom('alerts').select('held_back_by').where('key', '=', disk.key).executeTakeFirst())?.held_back_by;
    await bus.publish('alert.events', firing('db-3', 'host_down', { state: 'pending' }));
    await waitFor('held back', 10_000, async () => ((await heldBack()) === 'inhibited by host_down|db-3' ? true : undefined));
    await bus.publish('alert.events', resolved('db-3', 'host_down', { value: 0 }));
    // Nothing new happens to disk-full itself: the sweep sees that its reason is over.
    await waitFor('no longer held back', 10_000, async () => ((await heldBack()) === null ? true : undefined));
    await sleep(QUIET_MS);
    assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] db-3: disk-full'], 'told once; the pending host_down never');
  });

  void test('a silence made for an alert already told shows as its reason within a sweep, and goes when the silence is expired', async () => {
    await start({ sweepIntervalMs: 200 });
    const load = firing('batch-7', 'load-high');
    await bus.publish('alert.events', load);
    await waitFor('its mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    const heldBack = async (): Promise<string | null | undefined> =>
      (await testDb.db.selectFrom('alerts').select('held_back_by').where('key', '=', load.key).executeTakeFirst())?.held_back_by;
    assert.equal(await heldBack(), null);
    // No event for the alert follows (the evaluator re-publishes every 5 minutes): the sweep alone must see the silence.
    const silence = await insertSilence(testDb.db, { matchers: { host: 'batch-7' }, startsAt: Date.now() - 1000, endsAt: Date.now() + 3_600_000, comment: 'reindex', createdBy: 'bob' });
    await waitFor('held back by the silence', 10_000, async () => ((await heldBack()) === `silence ${silence.id}` ? true : undefined));
    await expireSilence(testDb.db, silence.id, Date.now());
    await waitFor('no longer held back', 10_000, async () => ((await heldBack()) === null ? true : undefined));
    await sleep(QUIET_MS);
    assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] batch-7: load-high'], 'told once');
  });

  void test('SMTP down while an alert fires: retried with backoff, delivered exactly once when it is back', async () => {
    await smtp.stop();
    try {
      await start({ config: config({ receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] }) });
      await bus.publish('alert.events', firing('app-1', 'http-5xx'));
      const failing = await waitFor('three failed attempts', 15_000, async () => {
        const [row] = await listNotifications(testDb.db, { limit: 1 });
        return row && row.attempts >= 3 && row.status !== 'sent' ? row : undefined;
      });
      assert.match(failing.lastError ?? '', /ECONNREFUSED|connect/i);
    } finally {
      await smtp.start();
    }
    await waitFor('the mail after the outage', 15_000, () => (smtp.mails.length >= 1 ? true : undefined));
    await sleep(QUIET_MS);
    assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] app-1: http-5xx']);
    const [row] = await listNotifications(testDb.db, { limit: 1 });
    assert.equal(row?.status, 'sent');
    assert.ok((row?.attempts ?? 0) >= 4);
  });

  void test('alerter stopped and restarted on the same database: the queued message is sent once, nothing is re-sent', async () => {
    const first = await start({ config: config({ groupWaitMs: 2_000, receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] }) });
    for (let i = 0; i < 10; i++) await bus.publish('alert.events', firing(`node-${i}`, 'ntp-drift'));
    await waitFor('the notification to be queued', 5_000, async () => ((await listNotifications(testDb.db, { limit: 5 })).length > 0 ? true : undefined));
    // Stopped inside the group window: the message is in the outbox, not yet sent.
    await stop(first);
    assert.equal(smtp.mails.length, 0);

    await start({ config: config({ groupWaitMs: 2_000, receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] }) });
    await waitFor('the grouped mail from the restarted alerter', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    // The evaluator keeps re-publishing; the restarted alerter knows these alerts were told.
    for (let i = 0; i < 10; i++) await bus.publish('alert.events', firing(`node-${i}`, 'ntp-drift'));
    await sleep(QUIET_MS + 1_000);
    assert.equal(smtp.mails.length, 1);
    assert.equal(smtp.mails[0]!.subject, '[CRITICAL] ntp-drift on 10 hosts (10 alerts)');
  });

  void test('on RabbitMQ: events published while the alerter is down are applied after its restart, without a duplicate', async () => {
    const prefix = `vigil-alerter-test-${randomBytes(4).toString('hex')}`;
    const amqp = await connectAmqpBus({ url: 'amqp://guest:guest@127.0.0.1:5672', prefix, log: silentLogger });
    try {
      const options = { bus: amqp, config: config({ receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] }) };
      const first = await start(options);
      await amqp.publish('alert.events', firing('mq-1', 'cpu-high'));
      await waitFor('the firing mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
      await stop(first);
      // While it is down: a republished firing (no news) and a recovery (news), kept by the durable queue.
      await amqp.publish('alert.events', firing('mq-1', 'cpu-high'));
      await amqp.publish('alert.events', resolved('mq-1', 'cpu-high'));
      await sleep(300);
      assert.equal(smtp.mails.length, 1);
      await start(options);
      await waitFor('the recovery mail', 10_000, () => (smtp.mails.length >= 2 ? true : undefined));
      await sleep(QUIET_MS);
      assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] mq-1: cpu-high', '[RESOLVED] mq-1: cpu-high']);
    } finally {
      for (const alerter of running.splice(0)) await alerter.stop();
      await amqp.close();
      // The durable queue and the exchange would otherwise stay on the broker.
      const connection = await connect('amqp://guest:guest@127.0.0.1:5672');
      const channel = await connection.createChannel();
      await channel.deleteQueue(`${prefix}.alert.events.alerter`);
      for (const topic of TOPIC_NAMES) await channel.deleteExchange(`${prefix}.${topic}`);
      await connection.close();
    }
  });

  void test('a webhook answering 500 is retried and does not hold up the mail', async () => {
    hooks.answer = (path, earlier) => (path === '/slack' && earlier < 3 ? 500 : 200);
    await start();
    await bus.publish('alert.events', firing('lb-1', 'backend-down'));
    await waitFor('the mail', 10_000, () => (smtp.mails.length >= 1 ? true : undefined));
    await waitFor('the slack webhook to get through', 15_000, () => (hooksAt('/slack').length >= 1 ? true : undefined));
    const failed = hooks.requests.filter((r) => r.path === '/slack' && r.status === 500);
    assert.equal(failed.length, 3);
    assert.ok(smtp.mails[0]!.receivedAt < hooksAt('/slack')[0]!.receivedAt);
    // The receiver has answered; the alerter records the delivery just after.
    const slackRow = await waitFor('the slack notification marked sent', 5_000, async () =>
      (await listNotifications(testDb.db, { limit: 10 })).find((n) => n.channel === 'webhook' && n.target['format'] === 'slack' && n.status === 'sent'),
    );
    assert.equal(slackRow?.attempts, 4);
    assert.match(slackRow?.lastError ?? '', /answered 500/);
    assert.equal(hooksAt('/slack').length, 1);
    assert.equal(hooksAt('/am').length, 1);
  });

  void test('chat and paging formats: PagerDuty gets an event per alert, repeated whole after a failure with the same keys; Telegram, ntfy, Discord and Teams their bodies', async () => {
    // The second PagerDuty event of the first notice fails once: the retry sends both again.
    await startOncall([
      { url: `${hooks.url}/pd`, format: 'pagerduty', routingKey: 'R0UT1NG' },
      { url: `${hooks.url}/bot1:T/sendMessage`, format: 'telegram', chatId: '-100200' },
      { url: `${hooks.url}/ntfy/vigil-ops`, format: 'ntfy', headers: { Authorization: 'Bearer tk_ntfy' } },
      { url: `${hooks.url}/gotify/message?token=AppTok`, format: 'gotify' },
      { url: `${hooks.url}/pushover`, format: 'pushover', token: 'aTok', userKey: 'uKey' },
      { url: `${hooks.url}/discord`, format: 'discord' },
      { url: `${hooks.url}/teams`, format: 'msteams' },
    ], '/pd');
    await bus.publish('alert.events', firing('web-1', 'cpu-high'));
    await bus.publish('alert.events', firing('web-2', 'cpu-high'));
    await waitFor('both PagerDuty events through', 15_000, () => (hooksAt('/pd').length >= 3 ? true : undefined));
    const pd = (): PagerDutyEvent[] => hooks.requests.filter((r) => r.path === '/pd').map((r) => r.body as PagerDutyEvent);
    assert.deepEqual(pd().map((e) => `${e.event_action} ${e.dedup_key}`), ['trigger cpu-high|web-1', 'trigger cpu-high|web-2', 'trigger cpu-high|web-1', 'trigger cpu-high|web-2']);
    assert.ok(pd().every((e) => e.routing_key === 'R0UT1NG' && e.payload?.severity === 'critical'));

    await bus.publish('alert.events', resolved('web-1', 'cpu-high'));
    await bus.publish('alert.events', resolved('web-2', 'cpu-high'));
    await waitFor('the resolve events', 15_000, () => (hooksAt('/pd').length >= 5 ? true : undefined));
    assert.deepEqual(pd().slice(4).map((e) => `${e.event_action} ${e.dedup_key} ${e.payload === undefined}`), ['resolve cpu-high|web-1 true', 'resolve cpu-high|web-2 true']);

    await waitFor('the chat messages', 10_000, () => (hooksAt('/ntfy/').length >= 2 && hooksAt('/teams').length >= 2 && hooksAt('/gotify/message?token=AppTok').length >= 2 && hooksAt('/pushover').length >= 2 ? true : undefined));
    const telegram = hooksAt('/bot1:T/sendMessage').map((r) => r.body as TelegramBody);
    assert.deepEqual(telegram.map((b) => [b.chat_id, b.text.split('\n')[0]]), [['-100200', '<b>[CRITICAL] cpu-high on 2 hosts (2 alerts)</b>'], ['-100200', '<b>[RESOLVED] cpu-high on 2 hosts (2 alerts)</b>']]);
    assert.ok(hooksAt('/ntfy/').every((r) => r.headers['authorization'] === 'Bearer tk_ntfy'), 'the receiver\'s login went with each request');
    assert.deepEqual(hooksAt('/gotify/message?token=AppTok').map((r) => (r.body as { priority: number }).priority), [8, 2]);
    assert.deepEqual(hooksAt('/pushover').map((r) => { const b = r.body as { token: string; user: string; priority: number }; return [b.token, b.user, b.priority]; }), [['aTok', 'uKey', 1], ['aTok', 'uKey', -1]]);
    const ntfy = hooksAt('/ntfy/').map((r) => r.body as NtfyRequest['body']);
    assert.deepEqual(ntfy.map((b) => [b.topic, b.priority, b.tags[0]]), [['vigil-ops', 5, 'rotating_light'], ['vigil-ops', 3, 'white_check_mark']]);
    assert.match((hooksAt('/discord')[0]?.body as DiscordBody).content, /^\*\*\\\[CRITICAL\\\] cpu-high on 2 hosts \\\(2 alerts\\\)\*\*\n- web-1: cpu-high/);
    assert.equal((hooksAt('/teams')[1]?.body as MsTeamsBody).attachments[0]?.content.body[0]?.color, 'Good');
    await assertSentAfterOne500('pagerduty');
  });

  void test('Opsgenie gets an alert per alert with the GenieKey login, created again whole after a failure and closed by alias; Google Chat and Webex their messages', async () => {
    // The second create of the first notice fails once: the retry sends both again, which Opsgenie folds into the open alerts.
    await startOncall([
      { url: `${hooks.url}/og`, format: 'opsgenie', apiKey: '0psK3y' },
      { url: `${hooks.url}/v1/spaces/AAA/messages?key=K&token=T`, format: 'googlechat' },
      { url: `${hooks.url}/v1/messages`, format: 'webex', token: 'b0tT0k', roomId: 'R00M' },
    ], '/og');
    await bus.publish('alert.events', firing('web-1', 'cpu-high'));
    await bus.publish('alert.events', firing('web-2', 'cpu-high'));
    await waitFor('both Opsgenie alerts created', 15_000, () => (hooksAt('/og').length >= 3 ? true : undefined));
    const creates = hooks.requests.filter((r) => r.path === '/og');
    assert.deepEqual(creates.map((r) => [r.status, (r.body as OpsgenieCreateAlert).alias]), [[200, 'cpu-high|web-1'], [500, 'cpu-high|web-2'], [200, 'cpu-high|web-1'], [200, 'cpu-high|web-2']]);
    for (const { body } of creates) {
      const alert = body as OpsgenieCreateAlert;
      assert.deepEqual([alert.priority, alert.source, alert.tags[0]], ['P1', 'Vigil', 'cpu-high']);
      assert.match(alert.message, /^web-[12]: cpu-high — cpu-high on web-[12]: 97\.5 > 95$/);
    }

    await bus.publish('alert.events', resolved('web-1', 'cpu-high'));
    await bus.publish('alert.events', resolved('web-2', 'cpu-high'));
    const closes = ['/og/cpu-high%7Cweb-1/close?identifierType=alias', '/og/cpu-high%7Cweb-2/close?identifierType=alias'];
    await waitFor('both alerts closed', 15_000, () => (closes.every((path) => hooksAt(path).length === 1) ? true : undefined));
    for (const path of closes) {
      const close = hooksAt(path)[0]!.body as OpsgenieCloseAlert;
      assert.equal(close.source, 'Vigil');
      assert.match(close.note, /^Resolved at \d{4}-\d\d-\d\dT[^:]+:\d\d:\d\d\.\d{3}Z: web-[12]: cpu-high — cpu-high on web-[12] recovered$/);
    }
    const opsgenie = hooks.requests.filter((r) => r.path.startsWith('/og'));
    assert.equal(opsgenie.length, 6);
    assert.ok(opsgenie.every((r) => r.headers['authorization'] === 'GenieKey 0psK3y' && /^application\/json/.test(r.contentType)), 'each request carries the api_key as GenieKey');

    await waitFor('the chat messages', 10_000, () => (hooksAt('/v1/spaces/AAA/messages?key=K&token=T').length >= 2 && hooksAt('/v1/messages').length >= 2 ? true : undefined));
    assert.deepEqual(hooksAt('/v1/spaces/AAA/messages?key=K&token=T').map((r) => (r.body as GoogleChatBody).text.split('\n')[0]), ['*[CRITICAL] cpu-high on 2 hosts (2 alerts)*', '*[RESOLVED] cpu-high on 2 hosts (2 alerts)*']);
    const webex = hooksAt('/v1/messages');
    assert.ok(webex.every((r) => r.headers['authorization'] === 'Bearer b0tT0k'), 'the bot\'s token went as Bearer');
    assert.deepEqual(webex.map((r) => { const b = r.body as WebexBody; return [b.roomId, b.markdown.split('\n')[0]]; }), [['R00M', '**\\[CRITICAL\\] cpu-high on 2 hosts \\(2 alerts\\)**'], ['R00M', '**\\[RESOLVED\\] cpu-high on 2 hosts \\(2 alerts\\)**']]);

    await assertSentAfterOne500('opsgenie');
  });

  void test('without VIGIL_SMTP_URL the e-mail is recorded as failed, and webhooks still go out', async () => {
    await start({ mail: { smtpUrl: null, from: FROM } });
    await bus.publish('alert.events', firing('web-9', 'cpu-high'));
    await waitFor('the webhooks', 10_000, () => (hooksAt('/slack').length >= 1 && hooksAt('/am').length >= 1 ? true : undefined));
    const email = (await listNotifications(testDb.db, { limit: 10 })).find((n) => n.channel === 'email');
    assert.equal(email?.status, 'failed');
    assert.match(email?.lastError ?? '', /VIGIL_SMTP_URL/);
  });

  void test('end to end: from a published alert event to the mail in the inbox', async (t) => {
    // With the group window of the tests, and with none: the second is the alerter's own cost.
    for (const groupWaitMs of [300, 0]) {
      const alerter = await start({ config: config({ groupWaitMs, receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }] }) });
      const latencies: number[] = [];
      for (let i = 0; i < 5; i++) {
        const before = smtp.mails.length;
        const published = Date.now();
        await bus.publish('alert.events', firing(`e2e-${groupWaitMs}-${i}`, 'cpu-high'));
        await waitFor('the mail', 10_000, () => (smtp.mails.length > before ? true : undefined), 5);
        latencies.push(smtp.mails.at(-1)!.receivedAt - published);
      }
      await stop(alerter);
      latencies.sort((a, b) => a - b);
      t.diagnostic(`publish → mail received, groupWaitMs ${groupWaitMs}: median ${latencies[2]} ms, max ${latencies[4]} ms (${latencies.join(', ')})`);
    }
    assert.equal(smtp.mails.length, 10);
  });
});
