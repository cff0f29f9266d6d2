// The host page's service checks and SNMP device panels in real Chromium, against the real web
// server on PGlite with samples stored through the writer's own query: a web host's checks (the
// failing one first, its reason and the certificate's days left), a printer's state, supply bars
// (the low one marked), page counter and alert table, a switch's interfaces. Text the checked
// service or the device sent (a keyword, a supply name, an alert text) stays text.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import type { BrowserContext, Page } from 'playwright-core';
import type { CheckResult } from '../../lib/checks/check-result.ts';
import type { Sample } from '../../lib/collect/sample.ts';
import { applyPollResults } from '../../lib/db/queries/apply-poll-results.ts';
import { silentLogger } from '../../lib/log.ts';
import type { PollSuccess } from '../../lib/poll/poll-messages.ts';
import type { DeviceReport } from '../../lib/snmp/device-report.ts';
import type { PrinterReport } from '../../lib/snmp/printer-report.ts';
import type { PrinterSupply } from '../../lib/snmp/printer-supplies.ts';
import { buildWeb } from '../../lib/web/build-web.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { saveScreenshot, useTestBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { testSample } from '../support/test-samples.ts';
import { createTestUser } from '../support/test-users.ts';
import { waitFor } from '../support/wait-for.ts';

const HOSTILE = '<img src=x onerror=alert(1)>';

const CHECKS: CheckResult[] = [
  { id: 'http:https://shop.example/health', kind: 'http', ok: true, latencyMs: 42, statusCode: 200, certDaysLeft: 9, certExpiring: true, certExpiresAt: '2026-12-02T00:00:00.000Z' },
  { id: 'tcp:db.example:5432', kind: 'tcp', ok: false, reason: 'refused', message: `connection refused ${HOSTILE}` },
  { id: 'systemd:nginx.service', name: 'Web server', kind: 'systemd', ok: true, loadState: 'loaded', activeState: 'active', subState: 'running' },
];

function supply(name: string, remainingPct: number | null, fields: Partial<PrinterSupply> = {}): PrinterSupply {
  return {
    rowIndex: `1.${name.length}`, name, type: 'tonerCartridge', class: 'consumed', unit: 'percent', maxCapacity: 100,
    level: remainingPct, levelState: remainingPct === null ? 'some-remaining' : 'measured', levelPct: remainingPct, remainingPct, colorant: null,
    ...fields,
  };
}

const PRINTER: PrinterReport = {
  profile: 'printer',
  system: { description: 'HP LaserJet M479fdw', objectId: '1.3.6.1.4.1.11.2.3.9.1', name: 'printer-2f', uptimeSec: 86_400 },
  printerStatus: 'other',
  deviceStatus: 'warning',
  detectedErrors: ['lowToner', 'doorOpen'],
  supplies: [supply('Black Toner', 64), supply(`Cyan ${HOSTILE}`, 12), supply('Fuser', null, { type: 'fuser' })],
  pageCount: 123_456,
  pagesPerDay: 310,
  alerts: [{ rowIndex: '1.1', severity: 'critical', group: 'cover', groupIndex: 1, code: 'coverOpen', description: `Front door open ${HOSTILE}` }],
  errors: [],
};

const SWITCH: DeviceReport = {
  profile: 'device',
  system: { description: 'ProCurve J9773A', objectId: null, name: 'sw-core', uptimeSec: 1_000 },
  interfaces: [
    { ifIndex: '1', name: 'ge-1', description: null, alias: 'uplink', type: 6, operStatus: 'up', speedBitsPerSec: 1e9, counterBits: 64, inOctets: 1, outOctets: 1, inErrors: 0, outErrors: 0, inDiscards: 0, outDiscards: 0 },
    { ifIndex: '2', name: 'ge-2', description: null, alias: null, type: 6, operStatus: 'down', speedBitsPerSec: null, counterBits: 64, inOctets: 0, outOctets: 0, inErrors: 0, outErrors: 0, inDiscards: 0, outDiscards: 0 },
  ],
};

function success(sample: Sample, seq: number): PollSuccess {
  return { kind: 'sample', host: sample.host, seq, scheduledAt: sample.ts - 5, startedAt: sample.ts - 5, finishedAt: sample.ts, sample };
}

void describe('service checks and SNMP devices on the host page in Chromium', () => {
  const chrome = useTestBrowser();
  let dir: string;
  let testDb: TestDatabase;
  let server: Server;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-checks-devices-'));
    await buildWeb({ outDir: path.join(dir, 'dist') });
    testDb = await createTestDatabase('pglite');
    const now = Date.now();
    const deviceOnly = { cpuBusyPct: null, cpuCount: null, memTotalBytes: null, memAvailableBytes: null, memUsedPct: null, load1: null, load5: null, load15: null, diskUsedPctMax: null, source: 'snmp' as const };
    await applyPollResults(testDb.db, [
      success(testSample('web-1', now - 1000, { checks: CHECKS }), 1),
      success(testSample('printer-2f', now - 1000, { ...deviceOnly, device: PRINTER }), 1),
      success(testSample('sw-core', now - 1000, { ...deviceOnly, device: SWITCH }), 1),
    ], { downAfter: 3 });
    server = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: path.join(dir, 'dist'), log: silentLogger });
    await server.start();
    const viewer = await createTestUser(testDb.db, { role: 'viewer' });
    context = await chrome.browser.newContext({ baseURL: server.info.uri, viewport: { width: 1300, height: 1000 } });
    const login = await context.request.post('/api/v1/session', { data: { name: viewer.name, password: viewer.password } });
    assert.equal(login.status(), 200, await login.text());
    page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  after(async () => {
    await context?.close();
    await server?.stop();
    await testDb?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  void test('a host with checks lists them, the failing one first, with what each measured', async () => {
    await page.goto('/#/hosts/web-1');
    const rows = page.locator('vigil-host-checks tbody tr');
    await rows.first().waitFor({ timeout: 60_000 });
    const text = await rows.evaluateAll((els) => els.map((el) => [...el.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    assert.equal(text.length, 3);
    assert.deepEqual(text[0]?.slice(0, 2), ['tcp:db.example:5432', 'failing: refused']);
    assert.equal(text[0]?.[3], `connection refused ${HOSTILE}`, 'the message is shown as text');
    const http = text.find((cells) => cells[0] === 'http:https://shop.example/health');
    assert.deepEqual(http?.slice(1), ['OK', 'HTTP 200, 42 ms', 'certificate expires in 9 d']);
    // A named check: its name, its id under it.
    const systemd = text.find((cells) => cells[0]?.startsWith('Web server'));
    assert.equal(systemd?.[2], 'active / running');
    assert.equal(await page.locator('vigil-host-checks tr[data-check="systemd:nginx.service"] .check-id').textContent(), 'systemd:nginx.service');
    assert.equal(await page.locator('vigil-device-report').count(), 0, 'a host without a device report shows no device panel');
    await saveScreenshot(page, 'host-checks');
  });

  void test('a printer shows its state, supplies with the low one marked, page counter and its alert table', async () => {
    await page.goto('/#/hosts/printer-2f');
    const report = page.locator('vigil-device-report');
    await report.locator('[data-supply]').first().waitFor({ timeout: 60_000 });
    assert.equal((await report.locator('[data-printer-status]').textContent())?.trim(), 'other, device warning');
    assert.equal(await report.locator('[data-printer-status]').getAttribute('class'), 'bad');
    const supplies = await report.locator('[data-supply]').evaluateAll((els) => els.map((el) => ({
      name: el.getAttribute('data-supply'), low: el.classList.contains('low'), level: el.querySelector('.level')?.textContent?.trim(),
      value: (el.querySelector('meter') as HTMLMeterElement | null)?.value,
    })));
    assert.deepEqual(supplies, [
      { name: 'Black Toner', low: false, level: '64 %', value: 64 },
      { name: `Cyan ${HOSTILE}`, low: true, level: '12 %', value: 12 },
      { name: 'Fuser', low: false, level: 'some left', value: 0 },
    ]);
    const shown = await report.evaluate((el) => el.shadowRoot?.textContent ?? '');
    for (const expected of ['HP LaserJet M479fdw', '123,456', '310', 'lowToner, doorOpen', `Front door open ${HOSTILE}`, 'cover 1', 'critical']) {
      assert.ok(shown.includes(expected), `the printer panel shows ${expected}`);
    }
    assert.equal(await report.evaluate((el) => el.shadowRoot?.querySelectorAll('img').length ?? -1), 0, 'device text is never markup');
    // A printer has no CPU, memory, load or disks to chart: only its network traffic is.
    await waitFor('the charts', 60_000, async () => ((await page.locator('vigil-chart').count()) > 0 ? true : undefined), 200);
    const charts = await page.locator('vigil-chart').evaluateAll((els) => els.map((el) => el.getAttribute('data-chart')));
    assert.deepEqual(charts, ['network']);
    await saveScreenshot(page, 'printer');
  });

  void test('a network device lists its interfaces with their link state', async () => {
    await page.goto('/#/hosts/sw-core');
    const rows = page.locator('vigil-device-report tbody tr');
    await rows.first().waitFor({ timeout: 60_000 });
    const text = await rows.evaluateAll((els) => els.map((el) => [...el.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    assert.deepEqual(text, [['ge-1', 'up', '1 Gb/s', 'uplink'], ['ge-2', 'down', '—', '']]);
    assert.equal(await page.locator('vigil-host-checks').count(), 0, 'a host without checks shows no checks panel');
    assert.equal(await page.locator('vigil-chart[data-chart="cpu"]').count(), 0);
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors, []);
  });
});
