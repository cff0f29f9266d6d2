// The evaluator against a real migrated database and a real bus: results in, alert events out,
// host settings followed live from the hosts table.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { connect } from 'amqplib';
import type { AlertEvent } from '../../../lib/alerting/alert-event.ts';
import type { AlertsConfig, AlertRule } from '../../../lib/alerting/alerts-config.ts';
import { DEFAULT_ALERTS } from '../../../lib/alerting/default-alerts.ts';
import { connectAmqpBus } from '../../../lib/bus/amqp-bus.ts';
import { TOPIC_NAMES } from '../../../lib/bus/amqp-topology.ts';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import type { MessageBus } from '../../../lib/bus/message-bus.ts';
import { listAlertHistory } from '../../../lib/db/queries/list-alert-history.ts';
import { syncInventoryHosts } from '../../../lib/db/queries/sync-inventory-hosts.ts';
import { silentLogger } from '../../../lib/log.ts';
import type { HostTarget } from '../../../lib/poll/host-target.ts';
import { startAlerter } from '../../../services/alerter/alerter-service.ts';
import { startEvaluator } from '../../../services/evaluator/evaluator-service.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { waitFor } from '../../support/wait-for.ts';
import { failure, sample, success } from '../../alerting/synthetic-sample.ts';
import { startSmtpSink } from '../alerter/smtp-sink.ts';

const cpu: AlertRule = { name: 'cpu_busy', kind: 'threshold', metric: 'cpuBusyPct', levels: { warning: 80, critical: 95 }, recoverAt: 75, summary: 'CPU busy', unit: '%' };
const config: AlertsConfig = { ...DEFAULT_ALERTS, rules: [cpu, { name: 'host_down', kind: 'host-down', severity: 'critical' }] };

function target(name: string, changes: Partial<HostTarget> = {}): HostTarget {
  return { name, connection: 'ssh', address: `${name}.example`, port: 22, user: 'vigil', privateKeyFile: null, intervalSec: 10, groups: [], ...changes };
}

async function collect(bus: MessageBus): Promise<{ events: AlertEvent[]; close: () => Promise<void> }> {
  const events: AlertEvent[] = [];
  const subscription = await bus.subscribe('alert.events', { name: 'test-alerter', durable: false, prefetch: 100 }, async (event) => {
    events.push(event);
  });
  return { events, close: () => subscription.close() };
}

const brief = (events: AlertEvent[]): string[] => events.map((e) => `${e.state} ${e.rule} ${e.host} ${e.severity}${e.dependents ? ` [${e.dependents.join(',')}]` : ''}`);

void describe('evaluator service on the in-process bus and PostgreSQL', () => {
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('postgres');
  });
  after(async () => testDb?.close());

  void test('results in, alert events out; a threshold edited in the inventory applies live', async () => {
    await syncInventoryHosts(testDb.db, [target('web1'), target('web2', { alerting: { thresholds: { cpu_busy: { levels: { warning: 90 } } } } })]);
    const bus = new MemoryBus();
    const received = await collect(bus);
    const evaluator = await startEvaluator({ bus, db: testDb.db, log: silentLogger, config, hostsRefreshMs: 100, tickMs: 50 });
    try {
      const t0 = Date.now();
      await bus.publish('poll.results', success(sample('web1', t0, { cpuBusyPct: 85 })));
      await bus.publish('poll.results', success(sample('web2', t0, { cpuBusyPct: 85 })));
      await waitFor('web1 firing', 5000, () => (received.events.length >= 1 ? true : undefined));
      assert.deepEqual(brief(received.events), ['firing cpu_busy web1 warning']);
      assert.match(received.events[0]?.summary ?? '', /^CPU busy 85 % > 80 %$/);

      // The inventory raises web1's levels and recovery level: the same 85 % now resolves.
      await syncInventoryHosts(testDb.db, [
        target('web1', { alerting: { thresholds: { cpu_busy: { levels: { warning: 99, critical: null }, recoverAt: 95 } } } }),
        target('web2', { alerting: { thresholds: { cpu_busy: { levels: { warning: 90 } } } } }),
      ]);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await bus.publish('poll.results', success(sample('web1', t0 + 10_000, { cpuBusyPct: 85 })));
      await waitFor('web1 resolved', 5000, () => (received.events.length >= 2 ? true : undefined));
      assert.deepEqual(brief(received.events), ['firing cpu_busy web1 warning', 'resolved cpu_busy web1 warning']);
    } finally {
      await evaluator.stop();
      await received.close();
      await bus.close();
    }
  });

  void test('bastions from ProxyJump: hosts behind a down bastion are named in its alert', async () => {
    await syncInventoryHosts(testDb.db, [
      target('jump', { address: '10.0.0.1', port: 2222 }),
      target('app1', { jumpHosts: [{ address: '10.0.0.1', port: 2222, user: null }] }),
      target('app2', { jumpHosts: [{ address: 'jump', port: 22, user: 'ops' }] }),
    ]);
    const bus = new MemoryBus();
    const received = await collect(bus);
    const evaluator = await startEvaluator({ bus, db: testDb.db, log: silentLogger, config, downAfter: 2, tickMs: 50 });
    try {
      const t0 = Date.now();
      for (let i = 0; i < 3; i++) {
        await bus.publish('poll.results', failure('app1', t0 + i * 10_000));
        await bus.publish('poll.results', failure('app2', t0 + i * 10_000 + 1));
        await bus.publish('poll.results', failure('jump', t0 + i * 10_000 + 2));
      }
      await waitFor('the bastion down', 5000, () => (received.events.some((e) => e.state === 'firing') ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.deepEqual(brief(received.events), [
        'pending host_down app1 critical',
        'pending host_down app2 critical',
        'pending host_down jump critical',
        // The bastion is failing: what the hosts behind it had pending is withdrawn, its alert names them.
        'resolved host_down app1 critical',
        'resolved host_down app2 critical',
        'firing host_down jump critical [app1,app2]',
      ]);
    } finally {
      await evaluator.stop();
      await received.close();
      await bus.close();
    }
  });

  void test('firing alerts are published again, and rules taken away resolve', async () => {
    await syncInventoryHosts(testDb.db, [target('db1')]);
    const bus = new MemoryBus();
    const received = await collect(bus);
    const evaluator = await startEvaluator({ bus, db: testDb.db, log: silentLogger, config, tickMs: 50, republishMs: 200 });
    try {
      await bus.publish('poll.results', success(sample('db1', Date.now(), { cpuBusyPct: 99 })));
      await waitFor('two re-publications', 5000, () => (received.events.filter((e) => e.state === 'firing').length >= 3 ? true : undefined));
      const firing = received.events.filter((e) => e.state === 'firing');
      assert.ok(firing.every((e) => e.key === 'cpu_busy|db1' && e.severity === 'critical'));
      assert.ok((firing.at(-1)?.at ?? 0) > (firing[0]?.at ?? 0), 'a re-publication carries its own time');
      evaluator.reloadRules({ ...config, rules: config.rules.filter((r) => r.name !== 'cpu_busy') });
      await waitFor('resolved', 5000, () => (received.events.some((e) => e.state === 'resolved') ? true : undefined));
    } finally {
      await evaluator.stop();
      await received.close();
      await bus.close();
    }
  });
});

void describe('evaluator restarted beside a running alerter (PostgreSQL, real SMTP server)', () => {
  void test('the alerts it left pending or firing are taken back: an ended breach clears, a held one fires only after a whole `for`, a bastion still speaks for its hosts', async () => {
    const testDb = await createTestDatabase('postgres');
    const smtp = await startSmtpSink();
    const bus = new MemoryBus();
    const cpuFor: AlertRule = { ...cpu, levels: { critical: 90 }, recoverAt: 80, forMs: 20_000 };
    const rules: AlertsConfig = {
      ...config,
      rules: [cpuFor, { name: 'host_down', kind: 'host-down', severity: 'critical' }],
      receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }],
      defaultReceivers: ['ops'],
      groupWaitMs: 200,
      // Each firing here is told on its own; none waits for the previous one's group_interval.
      groupIntervalMs: 0,
    };
    await syncInventoryHosts(testDb.db, [
      target('ended'), target('held'), target('hot'), target('jump'),
      target('app', { jumpHosts: [{ address: 'jump', port: 22, user: 'ops' }] }),
    ]);
    const alerter = await startAlerter({ bus, db: testDb.db, log: silentLogger, config: rules, mail: { smtpUrl: smtp.url, from: 'vigil@monitor.test' }, sender: { pollIntervalMs: 200 } });
    const received = await collect(bus);
    const stateOf = async (key: string): Promise<string | undefined> =>
      (await testDb.db.selectFrom('alerts').select('state').where('key', '=', key).executeTakeFirst())?.state;
    const result = (host: string, at: number, cpuBusyPct: number) => bus.publish('poll.results', success(sample(host, at, { cpuBusyPct })));
    const mailAbout = (pattern: RegExp) => smtp.mails.find((m) => pattern.test(m.text));
    let evaluator = await startEvaluator({ bus, db: testDb.db, log: silentLogger, config: rules, downAfter: 2, tickMs: 50 });
    try {
      const t0 = Date.now();
      await result('ended', t0, 95);
      await result('held', t0, 95);
      await result('hot', t0, 95);
      await result('hot', t0 + 20_000, 96);
      await bus.publish('poll.results', failure('jump', t0));
      await bus.publish('poll.results', failure('jump', t0 + 10_000));
      await waitFor('two pending and two firing', 10_000, async () =>
        (await stateOf('cpu_busy|ended')) === 'pending' && (await stateOf('cpu_busy|held')) === 'pending'
          && (await stateOf('cpu_busy|hot')) === 'firing' && (await stateOf('host_down|jump')) === 'firing' ? true : undefined);
      await waitFor('the firing mails', 10_000, () => (mailAbout(/CRITICAL hot: cpu_busy/) && mailAbout(/CRITICAL jump: host_down/) ? true : undefined));
      assert.match(mailAbout(/CRITICAL jump: host_down/)!.text, /Behind it \(their own alerts held back\): app/, 'the bastion\'s notice names the host behind it');

      await evaluator.stop();
      received.events.length = 0;
      evaluator = await startEvaluator({ bus, db: testDb.db, log: silentLogger, config: rules, downAfter: 2, tickMs: 50, republishMs: 300 });

      // held: 30 s after its breach began, but the new evaluator has seen none of its `for` yet.
      await result('held', t0 + 30_000, 95);
      await result('held', t0 + 40_000, 95);
      await result('ended', t0 + 30_000, 40);
      await result('hot', t0 + 30_000, 50);
      await waitFor('the ended breach cleared', 10_000, async () => ((await stateOf('cpu_busy|ended')) === 'resolved' ? true : undefined));
      assert.equal(await stateOf('cpu_busy|held'), 'pending', 'not fired early');
      await waitFor('the recovery mail of hot', 10_000, () => (smtp.mails.some((m) => m.subject === '[RESOLVED] hot: cpu_busy') ? true : undefined));
      const ended = await listAlertHistory(testDb.db, { limit: 10, key: 'cpu_busy|ended' });
      assert.deepEqual(ended.map((h) => h.event).reverse(), ['pending', 'cleared']);

      const republished = await waitFor('the bastion\'s alert re-published', 10_000, () => received.events.find((e) => e.key === 'host_down|jump' && e.state === 'firing'));
      assert.deepEqual(republished.dependents, ['app']);
      await waitFor('held re-published as pending', 10_000, () => (received.events.some((e) => e.key === 'cpu_busy|held' && e.state === 'pending') ? true : undefined));
      const jump = await listAlertHistory(testDb.db, { limit: 20, key: 'host_down|jump' });
      assert.ok(!jump.some((h) => h.event === 'dependents'), 'the alerter still has the same hosts behind the bastion');

      await result('held', t0 + 50_000, 95);
      await waitFor('held firing once its `for` was seen whole', 10_000, () => (mailAbout(/CRITICAL held: cpu_busy/) ? true : undefined));
      assert.ok(!smtp.mails.some((m) => /ended/.test(m.text)), 'the breach that ended while pending was never told');
      const hotFiring = smtp.mails.filter((m) => !m.subject.startsWith('[RESOLVED]') && /CRITICAL hot: cpu_busy/.test(m.text));
      assert.equal(hotFiring.length, 1, 'hot was told firing once, before the restart');
    } finally {
      await evaluator.stop();
      await alerter.stop();
      await received.close();
      await bus.close();
      await smtp.close();
      await testDb.close();
    }
  });
});

void describe('evaluator service on RabbitMQ', () => {
  const url = 'amqp://guest:guest@127.0.0.1:5672';
  const prefix = `vigil-test-evaluator-${randomBytes(4).toString('hex')}`;
  let testDb: TestDatabase;
  before(async () => {
    testDb = await createTestDatabase('pglite');
  });
  after(async () => {
    await testDb?.close();
    const admin = await connect(url);
    const channel = await admin.createChannel();
    for (const queue of ['poll.results.evaluator', 'alert.events.test-alerter']) await channel.deleteQueue(`${prefix}.${queue}`);
    for (const topic of TOPIC_NAMES) await channel.deleteExchange(`${prefix}.${topic}`);
    await channel.close();
    await admin.close();
  });

  void test('a result acknowledged after its events are published', async () => {
    await syncInventoryHosts(testDb.db, [target('mq1')]);
    const bus = await connectAmqpBus({ url, prefix, log: silentLogger });
    const received = await collect(bus);
    const evaluator = await startEvaluator({ bus, db: testDb.db, log: silentLogger, config, downAfter: 2 });
    try {
      const t0 = Date.now();
      await bus.publish('poll.results', failure('mq1', t0));
      await bus.publish('poll.results', failure('mq1', t0 + 10_000));
      await bus.publish('poll.results', success(sample('mq1', t0 + 20_000, { cpuBusyPct: 10 })));
      await waitFor('down and back', 10_000, () => (received.events.length >= 3 ? true : undefined));
      assert.deepEqual(brief(received.events), ['pending host_down mq1 critical', 'firing host_down mq1 critical', 'resolved host_down mq1 critical']);
    } finally {
      await evaluator.stop();
      await received.close();
      await bus.close();
    }
  });
});

void test('a late result that ends an alert after its re-publication is stamped after it, so the alerter resolves it', async () => {
  const bus = new MemoryBus();
  const received = await collect(bus);
  const testDb = await createTestDatabase('postgres');
  await syncInventoryHosts(testDb.db, [target('late1')]);
  const t0 = Date.now();
  let clock = t0;
  const evaluator = await startEvaluator({ bus, db: testDb.db, log: silentLogger, config, now: () => clock, tickMs: 20, republishMs: 1000 });
  try {
    await bus.publish('poll.results', success(sample('late1', t0, { cpuBusyPct: 85 })));
    await waitFor('late1 firing', 5000, () => (received.events.length >= 1 ? true : undefined));
    // A minute passes on the evaluator's clock: the tick re-publishes the firing alert, stamped now.
    clock = t0 + 60_000;
    await waitFor('the re-publication', 5000, () => (received.events.length >= 2 ? true : undefined));
    assert.equal(received.events[1]?.at, t0 + 60_000);
    // The result that ends it was polled before that tick, and arrives after it.
    await bus.publish('poll.results', success(sample('late1', t0 + 10_000, { cpuBusyPct: 50 })));
    await waitFor('late1 resolved', 5000, () => (received.events.some((e) => e.state === 'resolved') ? true : undefined));
    const resolved = received.events.find((e) => e.state === 'resolved');
    assert.ok(resolved && resolved.at > t0 + 60_000, `resolved at ${resolved?.at}, re-published at ${t0 + 60_000}`);
  } finally {
    await evaluator.stop();
    await received.close();
    await bus.close();
    await testDb.close();
  }
});
