// The alerter on the stores of `vigil up`: PGlite and the in-process bus. Its own file because
// PGlite takes seconds to start on a busy machine; alerter-service.test.ts covers behaviour.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AlertEvent } from '../../../lib/alerting/alert-event.ts';
import { MemoryBus } from '../../../lib/bus/memory-bus.ts';
import { silentLogger } from '../../../lib/log.ts';
import { startAlerter } from '../../../services/alerter/alerter-service.ts';
import { createTestDatabase } from '../../support/test-database.ts';
import { waitFor } from '../../support/wait-for.ts';
import { startSmtpSink } from './smtp-sink.ts';

const FROM = 'vigil@monitor.test';
const QUIET_MS = 900;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function event(host: string, state: AlertEvent['state']): AlertEvent {
  const at = Date.now();
  return { key: `host-down|${host}`, rule: 'host-down', host, labels: {}, state, severity: 'critical', value: null, threshold: null, summary: `${host} does not answer`, startsAt: at - 60_000, at, receivers: [] };
}
const firing = (host: string, _rule: string): AlertEvent => event(host, 'firing');
const resolved = (host: string, _rule: string): AlertEvent => event(host, 'resolved');

void describe('alerter service on PGlite and the in-process bus, as in `vigil up`', () => {
  void test('fire and resolve reach the inbox, grouped', async () => {
    const testDb = await createTestDatabase('pglite');
    const smtp = await startSmtpSink();
    const bus = new MemoryBus();
    const alerter = await startAlerter({
      bus,
      db: testDb.db,
      log: silentLogger,
      config: { source: null, rules: [], receivers: [{ name: 'ops', email: ['ops@example.test'], webhooks: [] }], routes: [], defaultReceivers: ['ops'], defaultEscalate: [], groupWaitMs: 300, groupIntervalMs: 60_000, repeatIntervalMs: 60_000, flapWindowMs: 3_000, flapMaxChanges: 4, inhibitRules: [] },
      mail: { smtpUrl: smtp.url, from: FROM },
      sender: { pollIntervalMs: 200 },
    });
    try {
      for (const host of ['a', 'b', 'c']) await bus.publish('alert.events', firing(host, 'host-down'));
      await waitFor('the grouped mail', 20_000, () => (smtp.mails.length >= 1 ? true : undefined));
      for (const host of ['a', 'b', 'c']) await bus.publish('alert.events', resolved(host, 'host-down'));
      await waitFor('the grouped recovery', 20_000, () => (smtp.mails.length >= 2 ? true : undefined));
      await sleep(QUIET_MS);
      assert.deepEqual(smtp.mails.map((m) => m.subject), ['[CRITICAL] host-down on 3 hosts (3 alerts)', '[RESOLVED] host-down on 3 hosts (3 alerts)']);
    } finally {
      await alerter.stop();
      await bus.close();
      await smtp.close();
      await testDb.close();
    }
  });
});
