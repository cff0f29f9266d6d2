// A vCenter's hypervisors and VMs in the fleet overview in real Chromium, against the real web
// server on PGlite with vSphere polls stored through the writer's own query: each child is a row
// of its own, after its vCenter in every sort order, its own name shown with the vCenter's as a
// muted prefix; a VM the vCenter stopped listing is hidden unless removed entries are asked for;
// a VM's page names its vCenter and its hypervisor, linked.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import type { BrowserContext, Page } from 'playwright-core';
import { applyPollResults } from '../../lib/db/queries/apply-poll-results.ts';
import { silentLogger } from '../../lib/log.ts';
import type { PollSuccess } from '../../lib/poll/poll-messages.ts';
import type { VsphereVm } from '../../lib/vsphere/vsphere-inventory.ts';
import { vsphereSamples } from '../../lib/vsphere/vsphere-sample.ts';
import { buildWeb } from '../../lib/web/build-web.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { saveScreenshot, useTestBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createTestUser } from '../support/test-users.ts';

const GIB = 1024 ** 3;

void describe('vSphere entries in the fleet overview in Chromium', () => {
  const chrome = useTestBrowser();
  let dir: string;
  let testDb: TestDatabase;
  let server: Server;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-vsphere-children-'));
    await buildWeb({ outDir: path.join(dir, 'dist') });
    testDb = await createTestDatabase('pglite');
    const ts = Date.now() - 1000;
    // An hour earlier vc1 also listed "gone", deleted since: the poll below leaves it out.
    const earlier = ts - 3_600_000;
    const gone: VsphereVm = {
      id: 'vm-3', name: 'gone', powerState: 'poweredOn', hypervisor: 'esx1', hypervisorId: 'host-1', guestIp: null, cpuCount: 1,
      cpuCapacityMhz: 2000, cpuUsedMhz: 100, cpuPct: 5, memoryTotalBytes: GIB, memoryUsedBytes: null, memoryPct: null, uptimeSec: 60, disks: [],
    };
    const listedEarlier = vsphereSamples('vc1', earlier, 'VMware vCenter Server 8.0.2', { hypervisors: [], vms: [gone] });
    await applyPollResults(testDb.db, [{ kind: 'sample', host: 'vc1', seq: 0, scheduledAt: earlier, startedAt: earlier, finishedAt: earlier, ...listedEarlier }], { downAfter: 3 });
    // A second vCenter, busier than vc1 and all its entries but one.
    const busy = vsphereSamples('vc2', ts, 'VMware vCenter Server 8.0.2', {
      hypervisors: [{
        id: 'host-9', name: 'esx9', powerState: 'poweredOn', connectionState: 'connected', cpuCores: 4, cpuMhzPerCore: 2000, cpuUsedMhz: 7200,
        cpuPct: 90, memoryTotalBytes: 32 * GIB, memoryUsedBytes: 8 * GIB, memoryPct: 25, uptimeSec: 7200,
      }],
      vms: [],
    });
    await applyPollResults(testDb.db, [{ kind: 'sample', host: 'vc2', seq: 1, scheduledAt: ts, startedAt: ts, finishedAt: ts, ...busy }], { downAfter: 3 });
    const { sample, children } = vsphereSamples('vc1', ts, 'VMware vCenter Server 8.0.2', {
      hypervisors: [{
        id: 'host-1', name: 'esx1', powerState: 'poweredOn', connectionState: 'connected', cpuCores: 8, cpuMhzPerCore: 2000, cpuUsedMhz: 4000,
        cpuPct: 25, memoryTotalBytes: 64 * GIB, memoryUsedBytes: 16 * GIB, memoryPct: 25, uptimeSec: 3600,
      }],
      vms: [
        {
          id: 'vm-1', name: 'app', powerState: 'poweredOn', hypervisor: 'esx1', hypervisorId: 'host-1', guestIp: '10.0.0.7', cpuCount: 2,
          cpuCapacityMhz: 4000, cpuUsedMhz: 1700, cpuPct: 42.5, memoryTotalBytes: 4 * GIB, memoryUsedBytes: 2 * GIB, memoryPct: 50, uptimeSec: 86_400,
          disks: [{ path: '/', capacityBytes: 40 * GIB, freeBytes: 10 * GIB, usedPct: 75 }],
        },
        {
          id: 'vm-2', name: 'old', powerState: 'poweredOff', hypervisor: 'esx1', hypervisorId: 'host-1', guestIp: null, cpuCount: 1,
          cpuCapacityMhz: 2000, cpuUsedMhz: null, cpuPct: null, memoryTotalBytes: GIB, memoryUsedBytes: null, memoryPct: null, uptimeSec: null, disks: [],
        },
      ],
    });
    const poll: PollSuccess = { kind: 'sample', host: 'vc1', seq: 1, scheduledAt: ts - 50, startedAt: ts - 40, finishedAt: ts, sample, children };
    await applyPollResults(testDb.db, [poll], { downAfter: 3 });
    server = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: path.join(dir, 'dist'), log: silentLogger });
    await server.start();
    const viewer = await createTestUser(testDb.db, { role: 'viewer' });
    context = await chrome.browser.newContext({ baseURL: server.info.uri, viewport: { width: 1300, height: 900 } });
    const login = await context.request.post('/api/v1/session', { data: { name: viewer.name, password: viewer.password } });
    assert.equal(login.status(), 200, await login.text());
    page = await context.newPage();
  });

  after(async () => {
    await context?.close();
    await server?.stop();
    await testDb?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const rows = () => page.locator('host-table .body .row');
  const shownNames = async (): Promise<string[]> => rows().evaluateAll((elements) => elements.map((row) => row.querySelector('a.name')?.textContent ?? ''));

  void test('each hypervisor and VM is a row of its own under its vCenter, named after it, the powered-off VM down', async () => {
    await page.goto('/');
    await page.locator('host-table a.name', { hasText: /^app$/ }).waitFor({ timeout: 60_000 });
    const shown = await rows().evaluateAll((elements) => elements.map((row) => {
      const link = row.querySelector('a.name');
      return {
        name: link?.textContent ?? '',
        prefix: link ? getComputedStyle(link, '::before').content : '',
        child: link?.classList.contains('child') ?? false,
        href: link?.getAttribute('href') ?? '',
        status: row.querySelector('.status')?.textContent ?? '',
        cpu: row.querySelector('.c-cpu')?.textContent?.trim() ?? '',
      };
    }));
    const byName = new Map(shown.map((row) => [row.name, row]));
    assert.deepEqual([...byName.keys()].sort(), ['app', 'esx1', 'esx9', 'old', 'vc1', 'vc2']);
    assert.equal(byName.get('vc1')?.child, false);
    for (const name of ['app', 'esx1', 'old']) {
      assert.equal(byName.get(name)?.child, true, name);
      assert.equal(byName.get(name)?.prefix, '"vc1 / "', name);
    }
    assert.equal(byName.get('app')?.href, `#/hosts/${encodeURIComponent('vc1/app')}`);
    assert.equal(byName.get('app')?.cpu, '42.5 %');
    assert.equal(byName.get('app')?.status, 'up');
    assert.equal(byName.get('old')?.status, 'down');
    await saveScreenshot(page, 'overview-vsphere-children');
  });

  void test('children stay under their vCenter, VMs under the hypervisor they run on, in every sort order, ordered among themselves by the same key', async () => {
    // Each click on a header sorts by it; a second click on the same header reverses the order.
    const sortBy = async (key: string, expected: string[]): Promise<void> => {
      await page.locator(`host-table button[data-sort="${key}"]`).click();
      let names: string[] = [];
      for (let tries = 0; tries < 50; tries++) {
        names = await shownNames();
        if (JSON.stringify(names) === JSON.stringify(expected)) return;
        await page.waitForTimeout(100);
      }
      assert.deepEqual(names, expected, `sorted by ${key}`);
    };
    // CPU, busiest first: vc2 (90 %) leads with its hypervisor; vc1 (25 %) follows with esx1 (25 %),
    // and under esx1 the VMs it runs, app (42.5 %) and old (no figure).
    await sortBy('cpu', ['vc2', 'esx9', 'vc1', 'esx1', 'app', 'old']);
    await sortBy('cpu', ['vc1', 'esx1', 'app', 'old', 'vc2', 'esx9']);
    await sortBy('name', ['vc1', 'esx1', 'app', 'old', 'vc2', 'esx9']);
    await sortBy('name', ['vc2', 'esx9', 'vc1', 'esx1', 'old', 'app']);
    // A VM sits one step further in than its hypervisor.
    assert.equal(await page.locator('host-table a.name.child.nested', { hasText: /^app$/ }).count(), 1);
    assert.equal(await page.locator('host-table a.name.child.nested', { hasText: /^esx1$/ }).count(), 0);
    await saveScreenshot(page, 'overview-vsphere-children-by-name-desc');
  });

  void test('a VM the vCenter no longer lists is removed: hidden, and shown under the removed filter', async () => {
    assert.equal((await shownNames()).includes('gone'), false);
    await page.locator('select#status').selectOption('removed');
    await page.locator('host-table a.name', { hasText: /^gone$/ }).waitFor({ timeout: 30_000 });
    assert.deepEqual(await shownNames(), ['gone']);
    await page.locator('select#status').selectOption('');
    await page.locator('host-table a.name', { hasText: /^gone$/ }).waitFor({ state: 'detached', timeout: 30_000 });
  });

  void test('a VM\'s page opens from its row, with its facts, power state, vCenter and hypervisor linked', async () => {
    await page.locator('host-table a.name', { hasText: /^app$/ }).click();
    const facts = page.locator('vigil-host-facts dl');
    const text = await facts.innerText({ timeout: 30_000 });
    assert.match(text, /VMware virtual machine/);
    assert.match(text, /Power state\s+poweredOn/);
    assert.match(text, /Booted\s+.*\(up 1 d/);
    assert.equal(await facts.locator('a', { hasText: /^vc1$/ }).getAttribute('href'), '#/hosts/vc1');
    assert.equal(await facts.locator('a', { hasText: /^vc1\/esx1$/ }).getAttribute('href'), `#/hosts/${encodeURIComponent('vc1/esx1')}`);
    assert.match(page.url(), /#\/hosts\/vc1%2Fapp$/);
    // The scheduler polls the vCenter, not its entries: no "Live" to press on them.
    await page.locator('vigil-host-page button.csv').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('vigil-host-page button.live').count(), 0);
    await saveScreenshot(page, 'host-page-vsphere-vm');
    await facts.locator('a', { hasText: /^vc1\/esx1$/ }).click();
    await page.locator('vigil-host-facts dl', { hasText: 'VMware ESXi' }).waitFor({ timeout: 30_000 });
    assert.match(page.url(), /#\/hosts\/vc1%2Fesx1$/);
  });
});
