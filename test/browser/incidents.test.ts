// The incidents page in real Chromium, against the real web server on PostgreSQL (no status page
// configured: the incidents API works without one, and the page says where they would show): an
// admin opens an incident through the form and resolves it with an update, the server's refusals
// shown in the form, markup typed as a title shown as text, deleting after a confirm(), and a
// viewer reading the same list without any form or button. No console errors, no page errors.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { silentLogger } from '../../lib/log.ts';
import { buildWeb } from '../../lib/web/build-web.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { deepCount, saveScreenshot, useTestBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createTestUser, type TestUser } from '../support/test-users.ts';
import { waitFor } from '../support/wait-for.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';
const DATE_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
/** How Chromium reports a fetch the server answered with a 400; expected where a form is refused. */
const REFUSED_REQUEST = /^Failed to load resource: the server responded with a status of 400/;

interface ShownUpdate {
  status: string;
  at: string;
  by: string;
  message: string;
}

void describe('incidents page in Chromium', () => {
  const chrome = useTestBrowser();
  let dir: string;
  let testDb: TestDatabase;
  let server: Server;
  let admin: TestUser;
  let viewer: TestUser;
  const contexts: BrowserContext[] = [];
  /** Console errors, page errors and unexpected dialogs (an alert() would be markup run). */
  const problems: string[] = [];
  /** The confirm() prompts answered, and the answer the next one gets. */
  const confirms: string[] = [];
  let confirmAnswer = true;

  /** A page logged in as `user` on the incidents page; `refreshMs` shortens how often it reads the lists again (15 s). */
  const openAs = async (user: TestUser, refreshMs?: number): Promise<Page> => {
    const context = await chrome.browser.newContext({ baseURL: server.info.uri, viewport: { width: 1300, height: 1000 } });
    contexts.push(context);
    const login = await context.request.post('/api/v1/session', { data: { name: user.name, password: user.password } });
    assert.equal(login.status(), 200, await login.text());
    const page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('dialog', (dialog) => {
      if (dialog.type() === 'confirm') {
        confirms.push(dialog.message());
        void (confirmAnswer ? dialog.accept() : dialog.dismiss());
      } else {
        problems.push(`${dialog.type()}: ${dialog.message()}`);
        void dialog.dismiss();
      }
    });
    await page.goto('/#/');
    if (refreshMs !== undefined) {
      await page.evaluate((ms) => {
        const element = customElements.get('vigil-incidents-page') as unknown as { refreshMs: number } | undefined;
        if (element === undefined) throw new Error('vigil-incidents-page is not defined yet');
        element.refreshMs = ms;
      }, refreshMs);
    }
    await page.locator('vigil-app nav').getByRole('link', { name: 'Incidents', exact: true }).click();
    await page.locator('vigil-incidents-page section[aria-labelledby="open-title"] :is(ul.incidents, p.empty)').waitFor();
    return page;
  };
  /** Takes out the console's reports of refused (400) requests, which a refused form makes; anything else stays. */
  const takeRefusedRequests = (): string[] => {
    const refused = problems.filter((p) => REFUSED_REQUEST.test(p.replace(/^console: /, '')));
    problems.splice(0, problems.length, ...problems.filter((p) => !refused.includes(p)));
    return refused;
  };

  const section = (page: Page, name: 'Open' | 'Resolved'): Locator => page.locator(`vigil-incidents-page section[aria-labelledby="${name.toLowerCase()}-title"]`);
  const incident = (scope: Page | Locator, title: string): Locator => scope.getByRole('article', { name: title, exact: true });
  const titles = async (page: Page, name: 'Open' | 'Resolved'): Promise<string[]> => section(page, name).locator('article.incident .title').allTextContents();
  const timeline = async (article: Locator): Promise<ShownUpdate[]> =>
    article.locator('li.update').evaluateAll((items) =>
      items.map((item) => ({
        status: item.querySelector('.update-status')?.textContent ?? '',
        at: item.querySelector('time')?.textContent ?? '',
        by: item.querySelector('.by')?.textContent ?? '',
        message: item.querySelector('.message')?.textContent ?? '',
      })),
    );
  const storedTitles = async (): Promise<string[]> =>
    (await testDb.db.selectFrom('status_incidents').select('title').orderBy('id').execute()).map((row) => row.title);

  /** Fills and sends the admin's form for a new incident. */
  const openIncident = async (page: Page, fields: { title: string; impact?: string; status?: string; groups?: string; message: string }): Promise<void> => {
    const form = page.locator('vigil-incidents-page form.open');
    await form.getByLabel('Title').fill(fields.title);
    if (fields.impact) await form.getByLabel('Impact').selectOption(fields.impact);
    if (fields.status) await form.getByLabel('Status').selectOption(fields.status);
    if (fields.groups) await form.getByLabel(/Affected groups/).fill(fields.groups);
    await form.getByLabel('Message').fill(fields.message);
    await form.getByRole('button', { name: 'Open incident' }).click();
  };
  /** Opens an incident's "Post an update" and sends it. */
  const postUpdate = async (article: Locator, fields: { status: string; impact?: string; message: string }): Promise<void> => {
    const details = article.locator('details.post-update');
    if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
    const form = details.locator('form.update');
    await form.getByLabel('Status').selectOption(fields.status);
    if (fields.impact) await form.getByLabel('Impact').selectOption(fields.impact);
    await form.getByLabel('Message').fill(fields.message);
    await form.getByRole('button', { name: 'Post update' }).click();
  };

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-incidents-'));
    await buildWeb({ outDir: path.join(dir, 'dist') });
    testDb = await createTestDatabase('postgres');
    server = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: path.join(dir, 'dist'), log: silentLogger });
    await server.start();
    admin = await createTestUser(testDb.db, { role: 'admin' });
    viewer = await createTestUser(testDb.db, { role: 'viewer' });
  });

  after(async () => {
    for (const context of contexts) await context.close();
    await server?.stop();
    await testDb?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('an admin opens an incident through the form and resolves it with an update: it moves to Resolved with both updates, newest first', async () => {
    const page = await openAs(admin);
    assert.equal(await page.locator('vigil-app nav a[aria-current="page"]').textContent(), 'Incidents');
    assert.equal(await page.title(), 'Incidents · Vigil');
    const hint = page.locator('vigil-incidents-page p.hint');
    assert.equal((await hint.textContent())?.replace(/\s+/g, ' ').trim(), 'Incidents appear on the public status page (/status) when VIGIL_STATUS_PAGE is set.');
    const link = hint.getByRole('link', { name: '/status' });
    assert.equal(await link.evaluate((a) => (a as HTMLAnchorElement).href), `${server.info.uri}/status`);
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await section(page, 'Open').locator('p.empty').textContent(), 'No open incidents.');

    await openIncident(page, { title: 'Checkout slow', impact: 'major', groups: 'shop, api, shop', message: 'Payments time out.\nWe are looking into it.' });
    const opened = incident(section(page, 'Open'), 'Checkout slow');
    await opened.waitFor();
    assert.equal(await opened.locator('.affects .groups').textContent(), 'shop, api', 'the groups typed, each once');
    assert.equal(await opened.locator('.pill.impact').textContent(), 'major');
    assert.equal(await opened.locator('.pill.status').textContent(), 'investigating');
    const first = await timeline(opened);
    assert.equal(first.length, 1);
    assert.deepEqual({ ...first[0], at: '' }, { status: 'investigating', at: '', by: admin.name, message: 'Payments time out.\nWe are looking into it.' });
    assert.match(first[0]?.at ?? '', DATE_TIME);
    // The line break is kept on screen: the component's stylesheet (no inline style under the policy) wraps as typed.
    const message = opened.locator('.message').first();
    assert.equal(await message.evaluate((p) => getComputedStyle(p).whiteSpace), 'pre-wrap');
    assert.equal(await message.evaluate((p) => (p as HTMLElement).innerText), 'Payments time out.\nWe are looking into it.');
    // The form is emptied for the next one.
    assert.equal(await page.locator('vigil-incidents-page form.open').getByLabel('Title').inputValue(), '');
    assert.equal(await page.locator('vigil-incidents-page form.open').getByLabel('Impact').inputValue(), 'minor');
    await saveScreenshot(page, 'incidents-open');

    await postUpdate(opened, { status: 'resolved', impact: 'critical', message: 'Space freed on db-1.\nPayments go through.' });
    const resolved = incident(section(page, 'Resolved'), 'Checkout slow');
    await resolved.waitFor();
    assert.equal(await section(page, 'Open').locator('p.empty').textContent(), 'No open incidents.');
    assert.equal(await resolved.locator('.pill.status').textContent(), 'resolved');
    assert.equal(await resolved.locator('.pill.impact').textContent(), 'critical', 'the update changed the impact');
    assert.match((await resolved.locator('p.times').textContent())?.replace(/\s+/g, ' ') ?? '', /opened \S+ \S+ · updated \S+ \S+ · resolved \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/);
    const both = await timeline(resolved);
    assert.deepEqual(
      both.map((u) => [u.status, u.by, u.message]),
      [
        ['resolved', admin.name, 'Space freed on db-1.\nPayments go through.'],
        ['investigating', admin.name, 'Payments time out.\nWe are looking into it.'],
      ],
    );
    assert.ok((both[0]?.at ?? '') >= (both[1]?.at ?? ''), 'newest first');
    const stored = await testDb.db.selectFrom('status_incidents').select(['title', 'impact', 'resolved_at']).execute();
    assert.equal(stored.length, 1);
    assert.deepEqual([stored[0]?.title, stored[0]?.impact, stored[0]?.resolved_at instanceof Date], ['Checkout slow', 'critical', true]);
    await saveScreenshot(page, 'incidents-resolved');
    assert.deepEqual(problems, []);
  });

  void test('a title or message that is markup is shown as text: no element is made from it', async () => {
    const page = await openAs(admin);
    await openIncident(page, { title: HOSTILE, message: '<b>bold</b>\n<script>alert(2)</script>' });
    const article = incident(section(page, 'Open'), HOSTILE);
    await article.waitFor();
    assert.equal(await article.locator('.title').textContent(), HOSTILE);
    assert.equal(await article.locator('.message').textContent(), '<b>bold</b>\n<script>alert(2)</script>');
    assert.equal(await deepCount(page, 'img'), 0, 'an <img> element was made from a title');
    assert.equal(await deepCount(page, 'article b'), 0, 'a <b> element was made from a message');
    assert.equal(await deepCount(page, 'article script'), 0, 'a <script> element was made from a message');
    assert.deepEqual(await storedTitles(), ['Checkout slow', HOSTILE]);
    // Open incidents come first, then the resolved one.
    assert.deepEqual(await titles(page, 'Open'), [HOSTILE]);
    assert.deepEqual(await titles(page, 'Resolved'), ['Checkout slow']);
    assert.deepEqual(problems, []);
  });

  void test('the server\'s refusals (400) are shown in the form that was sent, and nothing is stored', async () => {
    const page = await openAs(admin);
    const form = page.locator('vigil-incidents-page form.open');
    const longTitle = 'x'.repeat(201);
    await openIncident(page, { title: longTitle, message: 'Slow.' });
    const openError = form.getByRole('alert');
    await waitFor('the long title refused', 10_000, async () => ((await openError.textContent())?.includes('"title" length must be less than or equal to 200') ? true : undefined));
    assert.equal(await form.getByLabel('Title').inputValue(), longTitle, 'what was typed is kept to be corrected');

    // A message of blanks only: the server trims it to nothing.
    const article = incident(section(page, 'Open'), HOSTILE);
    await postUpdate(article, { status: 'identified', message: '   \n  ' });
    const updateError = article.locator('form.update').getByRole('alert');
    await waitFor('the blank message refused', 10_000, async () => ((await updateError.textContent())?.includes('"message" is not allowed to be empty') ? true : undefined));
    assert.match((await openError.textContent()) ?? '', /^"title" length must be less than or equal to 200/, 'each form shows its own refusal');
    // Inside a closed <details>: not in the accessibility tree, so found by its class.
    assert.equal(await incident(section(page, 'Resolved'), 'Checkout slow').locator('form.update p.error').textContent(), '');
    await saveScreenshot(page, 'incidents-refused');

    assert.deepEqual(await storedTitles(), ['Checkout slow', HOSTILE]);
    assert.equal((await timeline(article)).length, 1, 'no update was added');
    assert.equal(takeRefusedRequests().length, 2, 'the two refused requests, as Chromium reports them');

    // Corrected, the update goes through and its form's refusal is gone.
    await postUpdate(article, { status: 'identified', message: 'Found it.' });
    await waitFor('the update shown', 10_000, async () => ((await timeline(article)).length === 2 ? true : undefined));
    assert.equal(await article.locator('.pill.status').textContent(), 'identified');
    assert.equal(await article.locator('details.post-update').getAttribute('open'), null, 'the form closed once posted');
    await article.locator('details.post-update summary').click();
    assert.equal(await updateError.textContent(), '');
    assert.deepEqual(problems, []);
  });

  void test('a viewer reads the incidents and their timelines, with no form and no button', async () => {
    const page = await openAs(viewer);
    assert.deepEqual(await titles(page, 'Open'), [HOSTILE]);
    assert.deepEqual(await titles(page, 'Resolved'), ['Checkout slow']);
    assert.deepEqual((await timeline(incident(section(page, 'Resolved'), 'Checkout slow'))).map((u) => u.status), ['resolved', 'investigating']);
    assert.equal(await page.locator('vigil-app nav').getByRole('link', { name: 'Admin' }).count(), 0);
    const incidentsPage = page.locator('vigil-incidents-page');
    assert.equal(await incidentsPage.locator('form').count(), 0);
    assert.equal(await incidentsPage.locator('details.post-update').count(), 0);
    assert.equal(await incidentsPage.getByRole('button').count(), 0);
    assert.equal(await incidentsPage.getByRole('heading', { name: 'Open an incident' }).count(), 0);
    await saveScreenshot(page, 'incidents-viewer');
    assert.deepEqual(problems, []);
  });

  void test('an open page shows, without a reload, an incident another operator opens and then deletes', async () => {
    const page = await openAs(viewer, 300);
    assert.deepEqual(await titles(page, 'Open'), [HOSTILE]);
    const other = await chrome.browser.newContext({ baseURL: server.info.uri });
    contexts.push(other);
    assert.equal((await other.request.post('/api/v1/session', { data: { name: admin.name, password: admin.password } })).status(), 200);
    const { csrfToken } = (await (await other.request.get('/api/v1/session')).json()) as { csrfToken: string };
    const headers = { 'x-csrf-token': csrfToken };
    const posted = await other.request.post('/api/v1/incidents', { headers, data: { title: 'Payments delayed', impact: 'major', message: 'Card payments take minutes.' } });
    assert.equal(posted.status(), 201, await posted.text());
    const { id } = ((await posted.json()) as { incident: { id: number } }).incident;
    await waitFor('the new incident on the open page', 10_000, async () => (JSON.stringify(await titles(page, 'Open')) === JSON.stringify(['Payments delayed', HOSTILE]) ? true : undefined));
    assert.deepEqual((await timeline(incident(section(page, 'Open'), 'Payments delayed'))).map((u) => u.message), ['Card payments take minutes.']);
    assert.equal((await other.request.delete(`/api/v1/incidents/${id}`, { headers })).status(), 204);
    await incident(section(page, 'Open'), 'Payments delayed').waitFor({ state: 'detached', timeout: 10_000 });
    assert.deepEqual(await titles(page, 'Open'), [HOSTILE]);
    assert.deepEqual(problems, []);
  });

  void test('Delete asks first: dismissed, nothing goes; confirmed, that one incident goes', async () => {
    const page = await openAs(admin);
    const article = incident(section(page, 'Resolved'), 'Checkout slow');
    confirmAnswer = false;
    await article.getByRole('button', { name: 'Delete' }).click();
    await waitFor('the prompt', 5_000, () => (confirms.length === 1 ? true : undefined));
    assert.equal(confirms[0], 'Delete the incident "Checkout slow" and its 2 updates? It leaves the status page too.');
    assert.deepEqual(await storedTitles(), ['Checkout slow', HOSTILE]);
    assert.equal(await article.count(), 1);

    confirmAnswer = true;
    await article.getByRole('button', { name: 'Delete' }).click();
    await article.waitFor({ state: 'detached' });
    assert.equal(confirms.length, 2);
    assert.equal(await section(page, 'Resolved').locator('p.empty').textContent(), 'No resolved incidents.');
    assert.deepEqual(await titles(page, 'Open'), [HOSTILE]);
    assert.deepEqual(await storedTitles(), [HOSTILE]);
    assert.deepEqual(problems, []);
  });
});
