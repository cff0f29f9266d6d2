// The dashboard's live stream client (web/src/live-events.ts) in real Chromium against the real
// web server: events of stored samples, status changes and alerts reach every subscriber over
// one EventSource; it reconnects after the server goes and comes back, and when the server
// refuses the stream (a logout) it says so and keeps retrying, until closeLive (the dashboard's
// logout) closes it for good.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { ensureSamplePartitions } from '../../lib/db/ensure-sample-partitions.ts';
import { applyPollResults } from '../../lib/db/queries/apply-poll-results.ts';
import { saveAlert } from '../../lib/db/queries/save-alert.ts';
import { silentLogger } from '../../lib/log.ts';
import { PROJECT_ROOT } from '../../lib/paths.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { storedAlert } from '../db/queries/alert-fixtures.ts';
import { useTestBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { testSuccess } from '../support/test-samples.ts';
import { createTestUser, type TestUser } from '../support/test-users.ts';
import { waitFor } from '../support/wait-for.ts';

const T0 = Date.now() - 600_000;

// Two subscribers, as two components of one page would be; each logs what it is told.
const HARNESS = `
import { closeLive, followLive, liveConnection, onLiveConnection, subscribeLive } from './web/src/live-events.ts';
const w = window;
w.eventSources = 0;
const NativeEventSource = window.EventSource;
window.EventSource = class extends NativeEventSource {
  constructor(...args) {
    super(...args);
    w.eventSources++;
  }
};
w.closeLive = closeLive;
w.logs = { a: [], b: [] };
w.states = [];
w.unauthorized = 0;
w.polls = 0;
window.addEventListener('vigil-unauthorized', () => w.unauthorized++);
onLiveConnection((state) => w.states.push(state));
const subscribe = (name) => subscribeLive({
  samples: (data) => w.logs[name].push(['samples', data]),
  host: (data) => w.logs[name].push(['host', data]),
  alert: (data) => w.logs[name].push(['alert', data]),
  open: () => w.logs[name].push(['open']),
});
w.start = () => { w.stopA = subscribe('a'); w.stopB = subscribe('b'); w.stopFollow = followLive({}, 100, () => w.polls++); };
w.connection = () => liveConnection();
`;

type LogEntry = [string, unknown?];
interface HarnessWindow {
  logs: Record<'a' | 'b', LogEntry[]>;
  states: string[];
  unauthorized: number;
  /** Calls of a followLive subscriber's fallback poll. */
  polls: number;
  start(): void;
  stopA(): void;
  stopB(): void;
  stopFollow(): void;
  connection(): string;
  /** How many EventSources the client created. */
  eventSources: number;
  closeLive(): void;
}

void describe('live-events.ts in Chromium', () => {
  const chrome = useTestBrowser();
  let testDb: TestDatabase;
  let server: Server;
  let user: TestUser;
  let origin: string;
  let page: Page;
  let harnessJs: string;

  const startServer = async (port: number, db = testDb): Promise<Server> => {
    const started = await createWebServer({ db: db.db, host: '127.0.0.1', port, staticDir: '/nonexistent', log: silentLogger });
    await started.start();
    return started;
  };
  const logOf = (name: 'a' | 'b'): Promise<LogEntry[]> => page.evaluate((n) => (window as unknown as HarnessWindow).logs[n], name);
  const states = (): Promise<string[]> => page.evaluate(() => (window as unknown as HarnessWindow).states);
  const logIn = (): Promise<number> =>
    page.evaluate(async ({ name, password }) => {
      const res = await fetch('api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
      return res.status;
    }, { name: user.name, password: user.password });

  before(async () => {
    testDb = await createTestDatabase('pglite');
    await ensureSamplePartitions(testDb.db, T0);
    user = await createTestUser(testDb.db, { role: 'viewer' });
    server = await startServer(0);
    origin = `http://127.0.0.1:${server.info.port}`;
    const bundle = await build({
      stdin: { contents: HARNESS, resolveDir: PROJECT_ROOT, sourcefile: 'live-harness.ts', loader: 'ts' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: ['es2022'],
      tsconfig: path.join(PROJECT_ROOT, 'tsconfig.json'),
      write: false,
      logLevel: 'silent',
    });
    harnessJs = bundle.outputFiles[0]?.text ?? '';
    page = await chrome.browser.newPage();
    // The harness is served at the server's origin, so the client's relative URL and the
    // session cookie work as on the dashboard.
    await page.route(`${origin}/live-harness.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><script type="module" src="live-harness.js"></script>' }));
    await page.route(`${origin}/live-harness.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: harnessJs }));
    await page.goto(`${origin}/live-harness.html`);
    await page.waitForFunction(() => typeof (window as unknown as HarnessWindow).start === 'function');
    assert.equal(await logIn(), 200);
  });
  after(async () => {
    await page?.close();
    await server?.stop();
    await testDb?.close();
  });

  void test('every subscriber gets samples, host and alert events over one connection', async () => {
    await page.evaluate(() => (window as unknown as HarnessWindow).start());
    await waitFor('the stream to open', 10_000, async () => ((await logOf('a')).some(([type]) => type === 'open') ? true : undefined));
    assert.equal(await page.evaluate(() => (window as unknown as HarnessWindow).connection()), 'open');

    // The server streams what commits after its feed's baseline; store until one arrives.
    let seq = 0;
    await waitFor('a samples event', 15_000, async () => {
      seq++;
      await applyPollResults(testDb.db, [testSuccess('web1', seq, T0 + seq * 1000)], { downAfter: 3 });
      return (await logOf('a')).some(([type]) => type === 'samples') ? true : undefined;
    }, 300);

    await applyPollResults(testDb.db, [{ kind: 'failure', host: 'web1', seq: 100, scheduledAt: T0 + 100_000, startedAt: T0 + 100_000, finishedAt: T0 + 100_050, reason: 'refused', message: '<b>refused</b>' }], { downAfter: 3 });
    const alert = storedAlert({ key: 'cpu|web1', host: 'web1', rule: 'cpu' });
    await saveAlert(testDb.db, alert);
    await waitFor('the alert on both subscribers', 10_000, async () =>
      (await logOf('a')).some(([type]) => type === 'alert') && (await logOf('b')).some(([type]) => type === 'alert') ? true : undefined);

    for (const name of ['a', 'b'] as const) {
      const log = await logOf(name);
      const hostEvent = log.find(([type, data]) => type === 'host' && (data as { statusReason: string | null }).statusReason === 'refused');
      assert.deepEqual(hostEvent?.[1], { name: 'web1', status: 'up', statusReason: 'refused', statusMessage: '<b>refused</b>' });
      const alertEvent = log.find(([type]) => type === 'alert');
      assert.equal((alertEvent?.[1] as { key: string }).key, 'cpu|web1');
      const samples = log.filter(([type]) => type === 'samples').map(([, data]) => data as { hosts: Array<{ name: string; ts: number }> });
      assert.ok(samples.every((s) => s.hosts.every((h) => h.name === 'web1')), JSON.stringify(samples));
    }
    assert.deepEqual(await logOf('a'), await logOf('b'));
  });

  void test('after the server stops and comes back, the stream reopens and says so', async () => {
    const port = Number(server.info.port);
    const opensBefore = (await logOf('a')).filter(([type]) => type === 'open').length;
    await server.stop();
    await waitFor('the connection to be lost', 10_000, async () => ((await states()).at(-1) === 'connecting' ? true : undefined));
    // While no events can arrive, a followLive subscriber polls instead.
    const pollsBefore = await page.evaluate(() => (window as unknown as HarnessWindow).polls);
    await waitFor('the fallback to poll', 10_000, async () =>
      (await page.evaluate(() => (window as unknown as HarnessWindow).polls)) > pollsBefore ? true : undefined);
    server = await startServer(port);
    await waitFor('the stream to reopen', 20_000, async () =>
      (await logOf('a')).filter(([type]) => type === 'open').length > opensBefore ? true : undefined, 200);
    assert.equal((await states()).at(-1), 'open');
  });

  void test('a server that refuses the stream (no session there) is announced and retried', async () => {
    const port = Number(server.info.port);
    await server.stop();
    // The same port, another database: the browser's session cookie is unknown there.
    const other = await createTestDatabase('pglite');
    let refusing: Server | null = null;
    try {
      refusing = await startServer(port, other);
      await waitFor('the refusal to be announced', 20_000, async () =>
        (await page.evaluate(() => (window as unknown as HarnessWindow).unauthorized)) > 0 ? true : undefined, 200);
      assert.ok((await states()).includes('closed'), JSON.stringify(await states()));
      // Back to the first database. The refusing server cleared the unknown session cookie, so
      // the browser logs in again (as the dashboard's login form would); a retry then gets through.
      await refusing.stop();
      refusing = null;
      server = await startServer(port);
      assert.equal(await logIn(), 200);
      await waitFor('the retried stream to open', 30_000, async () => ((await states()).at(-1) === 'open' ? true : undefined), 200);
    } finally {
      await refusing?.stop();
      await other.close();
    }
  });

  void test('closeLive closes the stream: after a logout no retry opens another', async () => {
    // A page of its own with a fake clock, so that the client's retry timers run when told to.
    const context = await chrome.browser.newContext();
    try {
      const clockPage = await context.newPage();
      await clockPage.clock.install();
      await clockPage.route(`${origin}/live-harness.html`, (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><script type="module" src="live-harness.js"></script>' }));
      await clockPage.route(`${origin}/live-harness.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: harnessJs }));
      await clockPage.goto(`${origin}/live-harness.html`);
      // Not waitForFunction: its polling runs on the page's timers, which the fake clock holds.
      await waitFor('the harness', 10_000, async () => ((await clockPage.evaluate(() => typeof (window as unknown as HarnessWindow).start)) === 'function' ? true : undefined));
      const csrfToken = await clockPage.evaluate(async ({ name, password }) => {
        const res = await fetch('api/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
        return ((await res.json()) as { csrfToken: string }).csrfToken;
      }, { name: user.name, password: user.password });
      const inPage = async <T>(read: string): Promise<T> => (await clockPage.evaluate(`(() => { const w = window; return ${read}; })()`)) as T;
      await clockPage.evaluate(() => (window as unknown as HarnessWindow).start());
      await waitFor('the stream to open', 10_000, async () => ((await inPage<string>('w.connection()')) === 'open' ? true : undefined));

      // Logged out elsewhere (another tab): the server ends the stream, and the reconnect is refused.
      const status = await clockPage.evaluate(async (token) => (await fetch('api/v1/session', { method: 'DELETE', headers: { 'x-csrf-token': token } })).status, csrfToken);
      assert.equal(status, 204);
      await waitFor('the refused stream to be closed', 20_000, async () => ((await inPage<string>('w.connection()')) === 'closed' ? true : undefined), 200);
      assert.equal(await inPage<number>('w.eventSources'), 1);
      // Left alone, the client retries after a second.
      await clockPage.clock.runFor(1500);
      await waitFor('the retry', 10_000, async () => ((await inPage<number>('w.eventSources')) === 2 ? true : undefined));

      await clockPage.evaluate(() => (window as unknown as HarnessWindow).closeLive());
      assert.equal(await inPage<string>('w.connection()'), 'closed');
      // Two minutes of the client's timers (its longest pause is 30 s): nothing opens another.
      await clockPage.clock.runFor(120_000);
      assert.equal(await inPage<number>('w.eventSources'), 2);
      assert.equal(await inPage<string>('w.connection()'), 'closed');
    } finally {
      await context.close();
    }
  });

  void test('the last unsubscribe closes the connection', async () => {
    await waitFor('the stream open', 10_000, async () => ((await states()).at(-1) === 'open' ? true : undefined));
    await page.evaluate(() => {
      const w = window as unknown as HarnessWindow;
      w.stopA();
      w.stopA();
      w.stopFollow();
    });
    assert.equal(await page.evaluate(() => (window as unknown as HarnessWindow).connection()), 'open', 'b still listens; a second stopA changes nothing');
    await page.evaluate(() => (window as unknown as HarnessWindow).stopB());
    assert.equal(await page.evaluate(() => (window as unknown as HarnessWindow).connection()), 'closed');
  });
});
