// The public status page in Chromium: reached without a login, styled by /status.css under the
// server's content security policy (no inline style), a bar a day, host names shown as text.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import { addIncidentUpdate, openIncident } from '../../lib/db/queries/post-incident.ts';
import { silentLogger } from '../../lib/log.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { saveScreenshot, useTestBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const DAY_MS = 86_400_000;
const HOSTILE = '<img src=x onerror=alert(1)>';

void describe('status page in Chromium', () => {
  const chrome = useTestBrowser();
  let testDb: TestDatabase;
  let server: Server;

  before(async () => {
    testDb = await createTestDatabase('postgres');
    const { db } = testDb;
    const now = Date.now();
    const host = (name: string) => ({ name, address: '10.0.0.1', connection: 'ssh', groups: '["shop"]', interval_sec: 30, created_at: new Date(now - 120 * DAY_MS) });
    await db.insertInto('hosts').values([host('shop-1'), host(HOSTILE)]).execute();
    // shop-1: down 06:00-12:00 UTC three days ago, and down now.
    const threeDaysAgo = Math.floor(now / DAY_MS) * DAY_MS - 3 * DAY_MS;
    await db.insertInto('alert_episodes').values([
      { alert_key: 'host_down|shop-1', rule: 'host_down', kind: 'host-down', host: 'shop-1', labels: '{}', severity: 'critical', started_at: new Date(threeDaysAgo + DAY_MS / 4), ended_at: new Date(threeDaysAgo + DAY_MS / 2) },
      { alert_key: 'host_down|shop-1', rule: 'host_down', kind: 'host-down', host: 'shop-1', labels: '{}', severity: 'critical', started_at: new Date(now - 60_000), ended_at: null },
    ]).execute();
    // An open incident with two updates, and one resolved yesterday.
    const open = await openIncident(db, { title: 'Checkout is slow', impact: 'major', status: 'investigating', message: `Payments time out.\n${HOSTILE}`, by: 'ops', at: now - 3_600_000 });
    await addIncidentUpdate(db, open.id, { status: 'identified', message: 'A full disk on db-1.', by: 'ops', at: now - 1_800_000 });
    const past = await openIncident(db, { title: 'Mail delayed', impact: 'minor', status: 'investigating', message: 'Queue backed up.', by: 'ops', at: now - DAY_MS - 3_600_000 });
    await addIncidentUpdate(db, past.id, { status: 'resolved', message: 'Queue drained.', by: 'ops', at: now - DAY_MS });
    server = await createWebServer({ db, host: '127.0.0.1', port: 0, staticDir: '/nonexistent', log: silentLogger, statusPage: { groups: ['shop'], title: 'Shop status' } });
    await server.start();
  });

  after(async () => {
    await server?.stop();
    await testDb?.close();
  });

  void test('anyone sees the shop group: its state, its 90 days as bars in colour, and the names as text', async () => {
    const context = await chrome.browser.newContext({ baseURL: server.info.uri, viewport: { width: 1000, height: 800 } });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      page.on('dialog', (dialog) => {
        problems.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      const response = await page.goto('/status');
      assert.equal(response?.status(), 200);
      assert.equal(await page.locator('h1').textContent(), 'Shop status');
      assert.equal(await page.locator('.overall').textContent(), 'Some systems are down');
      assert.deepEqual(await page.locator('.subject .name').allTextContents(), [HOSTILE, 'shop-1']);
      assert.deepEqual(await page.locator('.subject .state').allTextContents(), ['Up', 'Down']);
      assert.equal(await page.locator('img').count(), 0);
      const bars = page.locator('.subject').nth(1).locator('.bar');
      assert.equal(await bars.count(), 90);
      // Styled from /status.css: the policy would have refused an inline style.
      const colours = await bars.evaluateAll((spans) => spans.map((span) => getComputedStyle(span).backgroundColor));
      assert.equal(colours[86], 'rgb(230, 90, 69)', 'three days ago: down a quarter of the day');
      assert.equal(colours[0], 'rgb(46, 158, 91)', '90 days ago: up all day');
      assert.equal(colours.filter((c) => c === 'rgb(46, 158, 91)').length, 88, 'the other days up all day, today aside');
      const width = await bars.first().evaluate((span) => span.getBoundingClientRect().width);
      assert.ok(width > 2, `a bar is ${width} px wide`);

      // Incidents: the open one above the hosts, its border the major colour from /status.css, its
      // message's line break kept; the resolved one folded under "Past incidents" until opened.
      const incident = page.locator('article.incident');
      assert.equal(await incident.count(), 1);
      assert.equal(await incident.locator('.incident-title').textContent(), 'Checkout is slow');
      assert.equal(await incident.locator('.impact').textContent(), 'Major impact · Identified');
      assert.deepEqual(await incident.locator('.update-status').allTextContents(), ['Identified', 'Investigating']);
      assert.equal(await incident.evaluate((el) => getComputedStyle(el).borderLeftColor), 'rgb(224, 123, 57)');
      const message = incident.locator('.message').nth(1);
      assert.equal(await message.evaluate((el) => (el as HTMLElement).innerText), `Payments time out.\n${HOSTILE}`);
      const incidentTop = await incident.evaluate((el) => el.getBoundingClientRect().top);
      const hostsTop = await page.locator('.subject').first().evaluate((el) => el.getBoundingClientRect().top);
      assert.ok(incidentTop < hostsTop, 'the open incident is above the hosts');
      const folded = page.locator('.past-incidents details');
      assert.equal(await folded.locator('.incident-title').textContent(), 'Mail delayed');
      assert.equal(await folded.locator('.message').first().isVisible(), false, 'folded');
      await folded.locator('summary').click();
      assert.deepEqual(await folded.locator('.message').allTextContents(), ['Queue drained.', 'Queue backed up.']);
      assert.equal(await page.locator('img').count(), 0);
      // The feed the page links to is well-formed XML to the browser's own parser, an entry per incident.
      const feedHref = await page.locator('link[rel="alternate"][type="application/atom+xml"]').getAttribute('href');
      assert.equal(feedHref, '/status/feed.atom');
      const feed = await page.evaluate(async (href) => {
        const xml = new DOMParser().parseFromString(await (await fetch(href)).text(), 'application/xml');
        return { error: xml.querySelector('parsererror')?.textContent ?? null, titles: [...xml.querySelectorAll('entry > title')].map((t) => t.textContent) };
      }, feedHref ?? '');
      assert.deepEqual(feed, { error: null, titles: ['Checkout is slow (Identified)', '[Resolved] Mail delayed'] });
      await saveScreenshot(page, 'status-page');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
