// A vCenter's hypervisors and VMs in the fleet overview in real Chromium, against the real web
// server on PGlite with a vSphere poll stored through the writer's own query: each child is a row
// of its own, after its vCenter, its own name shown with the vCenter's as a muted prefix.
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
    const { sample, children } = vsphereSamples('vc1', ts, 'VMware vCenter Server 8.0.2', {
      hypervisors: [{
        id: 'host-1', name: 'esx1', powerState: 'poweredOn', connectionState: 'connected', cpuCores: 8, cpuMhzPerCore: 2000, cpuUsedMhz: 4000,
        cpuPct: 25, memoryTotalBytes: 64 * GIB, memoryUsedBytes: 16 * GIB, memoryPct: 25, uptimeSec: 3600,
      }],
      vms: [
        {
          id: 'vm-1', name: 'app', powerState: 'poweredOn', hypervisor: 'esx1', hypervisorId: 'host-1', guestIp: '10.0.0.7', cpuCount: 2,
          cpuCapacityMhz: 4000, cpuUsedMhz: 1700, cpuPct: 42.5, memoryTotalBytes: 4 * GIB, memoryUsedBytes: 2 * GIB, memoryPct: 50,
          disks: [{ path: '/', capacityBytes: 40 * GIB, freeBytes: 10 * GIB, usedPct: 75 }],
        },
        {
          id: 'vm-2', name: 'old', powerState: 'poweredOff', hypervisor: 'esx1', hypervisorId: 'host-1', guestIp: null, cpuCount: 1,
          cpuCapacityMhz: 2000, cpuUsedMhz: null, cpuPct: null, memoryTotalBytes: GIB, memoryUsedBytes: null, memoryPct: null, disks: [],
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

  void test('each hypervisor and VM is a row of its own under its vCenter, named after it, the powered-off VM down', async () => {
    await page.goto('/');
    const rows = page.locator('host-table .body .row');
    await page.locator('host-table a.name', { hasText: /^app$/ }).waitFor({ timeout: 60_000 });
    const shown = await rows.evaluateAll((elements) => elements.map((row) => {
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
    assert.deepEqual([...byName.keys()].sort(), ['app', 'esx1', 'old', 'vc1']);
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

  void test('a VM\'s page opens from its row, with its facts', async () => {
    await page.locator('host-table a.name', { hasText: /^app$/ }).click();
    const facts = await page.locator('vigil-host-facts dl').innerText({ timeout: 30_000 });
    assert.match(facts, /VMware virtual machine/);
    assert.match(page.url(), /#\/hosts\/vc1%2Fapp$/);
    await saveScreenshot(page, 'host-page-vsphere-vm');
  });
});
