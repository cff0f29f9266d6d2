// The inventory page in real Chromium, against the real web server and the real scheduler
// reading a real inventory file: the group tree, a host's merged variables with its secret
// masked, hostile names shown as text, and the banner a broken edit of the file brings.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import type { BrowserContext, Page } from 'playwright-core';
import { MemoryBus } from '../../lib/bus/memory-bus.ts';
import { silentLogger } from '../../lib/log.ts';
import { buildWeb } from '../../lib/web/build-web.ts';
import type { CountingScheduler } from '../../services/scheduler/scheduler-service.ts';
import { startInventoryScheduler } from '../../services/scheduler/start-inventory-scheduler.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { deepCount, deepText, saveScreenshot, useTestBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createTestUser, type TestUser } from '../support/test-users.ts';

const SECRET = 'hunter2-browser-secret';
const HOSTILE = '<img src=x onerror=alert(1)>';
// vigil_enabled=false: the hosts are in the inventory (and on the page) but nothing polls them.
const INVENTORY = [
  '[web]',
  `web1 ansible_host=10.0.0.1 ansible_password=${SECRET} ansible_ssh_private_key_file=/keys/web1 vigil_enabled=false`,
  `"${HOSTILE}" ansible_host=10.0.0.9 vigil_enabled=false`,
  '[db]',
  'db1 ansible_host=10.0.0.2 vigil_enabled=false',
  '[prod:children]',
  'web',
  'db',
  '[prod:vars]',
  'env=production',
  '',
].join('\n');

void describe('the inventory page in Chromium', () => {
  const chrome = useTestBrowser();
  let dir: string;
  let hostsFile: string;
  let testDb: TestDatabase;
  let server: Server;
  let bus: MemoryBus;
  let scheduler: CountingScheduler;
  let viewer: TestUser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const apiBodies: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-inventory-page-'));
    hostsFile = path.join(dir, 'hosts');
    await writeFile(hostsFile, INVENTORY);
    await buildWeb({ outDir: path.join(dir, 'dist') });
    testDb = await createTestDatabase('pglite');
    server = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: path.join(dir, 'dist'), log: silentLogger });
    await server.start();
    viewer = await createTestUser(testDb.db, { role: 'viewer' });
    bus = new MemoryBus();
    scheduler = await startInventoryScheduler({ bus, db: testDb.db, log: silentLogger, inventoryPath: hostsFile });

    context = await chrome.browser.newContext({ baseURL: server.info.uri, viewport: { width: 1280, height: 800 } });
    const login = await context.request.post('/api/v1/session', { data: { name: viewer.name, password: viewer.password } });
    assert.equal(login.status(), 200, await login.text());
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.startsWith('/api/')) {
        response.text().then((body) => apiBodies.push(body), () => undefined);
      }
    });
  });

  after(async () => {
    await context?.close();
    await scheduler?.stop();
    await bus?.close();
    await server?.stop();
    await testDb?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('shows the group tree, and a host with its merged variables, the secret masked', async () => {
    await page.goto('/#/inventory');
    const tree = page.locator('vigil-inventory-tree');
    await tree.locator('details[data-group="prod"] > summary').click({ timeout: 30_000 });
    await tree.locator('details[data-group="web"] > summary').click();
    await tree.locator('details[data-group="db"] > summary').click();
    for (const host of ['web1', HOSTILE, 'db1']) {
      const button = tree.locator(`button[data-host="${host.replace(/"/g, '\\"')}"]`);
      // The group opened by the click above renders its hosts a frame later: wait for one, then count.
      await button.first().waitFor({ timeout: 10_000 });
      assert.equal(await button.count(), 1, host);
    }
    assert.match((await tree.locator('details[data-group="prod"] > summary').textContent()) ?? '', /prod\s*3 hosts/);

    await tree.locator('button[data-host="web1"]').click();
    const vars = page.locator('vigil-inventory-vars');
    const password = vars.locator('tr[data-var="ansible_password"] td');
    await password.waitFor();
    assert.match((await password.textContent()) ?? '', /\*{8}\s*\(masked\)/);
    assert.equal((await vars.locator('tr[data-var="ansible_ssh_private_key_file"] td').textContent())?.trim(), '/keys/web1');
    assert.equal((await vars.locator('tr[data-var="env"] td').textContent())?.trim(), 'production');

    // Search narrows the host list; a hostile name is text, not markup.
    await page.locator('input[type="search"]').fill('img');
    const results = page.locator('ul.results button');
    await page.locator('ul.results button[data-host="db1"]').waitFor({ state: 'detached' });
    assert.deepEqual(await results.allTextContents(), [HOSTILE]);
    await results.first().click();
    assert.equal((await page.locator('[data-title]').textContent())?.trim(), HOSTILE);
    assert.equal(await deepCount(page, 'img'), 0, 'an <img> element was created from a host name');
    assert.deepEqual(dialogs, []);

    await page.locator('input[type="search"]').fill('');
    await tree.locator('button[data-host="web1"]').click();
    await password.waitFor();
    const text = await deepText(page);
    assert.ok(!text.includes(SECRET), 'the secret is on the page');
    assert.ok(apiBodies.length > 0);
    for (const body of apiBodies) assert.ok(!body.includes(SECRET), 'the secret is in an API response');
    await saveScreenshot(page, 'inventory-page');
  });

  void test('a broken edit of the inventory brings a banner naming file and line, here and on other pages; the last good tree stays', async () => {
    await writeFile(hostsFile, '[web]\nweb1\n[web\n');
    const banner = page.locator('vigil-inventory-page [role="alert"]');
    await banner.waitFor({ timeout: 30_000 });
    const message = (await banner.textContent()) ?? '';
    assert.match(message, /latest reload failed/);
    assert.ok(message.includes(`${hostsFile}:3: `), message);
    assert.equal(await page.locator('vigil-inventory-tree button[data-host="db1"]').count(), 1, 'the last good tree is still shown');
    await page.locator('vigil-inventory-page details.history > summary').click();
    assert.match((await page.locator('table.reloads tbody tr').first().textContent()) ?? '', /failed/);
    // The page-wide banner stays out of this page, which says it all already.
    assert.equal(await page.locator('inventory-status').count(), 0);
    await saveScreenshot(page, 'inventory-page-reload-error');

    // Every other page has the page-wide banner, with the same file and line.
    await page.goto('/#/');
    const shared = page.locator('inventory-status [role="alert"]');
    await shared.waitFor({ timeout: 30_000 });
    assert.ok(((await shared.textContent()) ?? '').includes(`${hostsFile}:3: `));
  });
});
