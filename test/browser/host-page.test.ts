// The host page in real Chromium against the real web server on PGlite, with a day of samples
// stored through the writer's own query (and rolled up as the writer's maintenance does): the
// charts draw, presets and drag-to-zoom refetch the right range, the CSV holds what is shown, a
// click lists the processes of that moment, and a newly stored sample appears without a reload.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Server } from '@hapi/hapi';
import type { BrowserContext, Locator, Page, Request } from 'playwright-core';
import type { ProcessSummary, Sample } from '../../lib/collect/sample.ts';
import { applyPollResults } from '../../lib/db/queries/apply-poll-results.ts';
import { rollUpSamples } from '../../lib/db/rollups/roll-up-samples.ts';
import { ensureRollupPartitions } from '../../lib/db/rollups/rollup-partitions.ts';
import { recordRollupProgress } from '../../lib/db/rollups/rollup-progress.ts';
import { silentLogger } from '../../lib/log.ts';
import type { PollSuccess } from '../../lib/poll/poll-messages.ts';
import { buildWeb } from '../../lib/web/build-web.ts';
import { createWebServer } from '../../services/web/web-server.ts';
import { saveScreenshot, useTestBrowser } from '../support/browser.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { testSample } from '../support/test-samples.ts';
import { createTestUser, type TestUser } from '../support/test-users.ts';
import { waitFor } from '../support/wait-for.ts';

const HOST = 'web-1';
const HOSTILE_COMMAND = '<img src=x onerror=alert(1)> --steal-cookies';
const INTERVAL_MS = 10_000;
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Every sixth poll is full, as the scheduler does at a 10 s interval. */
const FULL_EVERY = 6;

/** The processes of the full poll at tsMs: its own time is in the top command, so a test can tell which poll it sees. */
function processesAt(tsMs: number): ProcessSummary {
  return {
    running: 3,
    total: 120,
    topCpu: [
      { pid: 4242, user: null, command: `burn --poll ${new Date(tsMs).toISOString()}`, cpuPct: 95.5, rssBytes: 50 * 2 ** 20 },
      { pid: 666, user: null, command: HOSTILE_COMMAND, cpuPct: 12, rssBytes: 2 ** 20 },
    ],
    topMemory: [{ pid: 99, user: null, command: 'postgres: checkpointer', cpuPct: 0.5, rssBytes: 3 * 2 ** 30 }],
    matches: [],
  };
}

function sampleAt(tsMs: number, i: number): Sample {
  const wave = (period: number, amplitude: number): number => amplitude * (1 + Math.sin((2 * Math.PI * tsMs) / period)) / 2;
  const user = 5 + wave(HOUR_MS, 40);
  const full = i % FULL_EVERY === 0;
  return testSample(HOST, tsMs, {
    cpuCount: 8,
    cpuBusyPct: user + 12,
    cpuModes: { user, nice: 1, system: 6 + wave(6 * HOUR_MS, 8), idle: 100 - user - 12, iowait: wave(2 * HOUR_MS, 4), irq: 0.5, softirq: 1, steal: 0.2, guest: 0 },
    memTotalBytes: 32 * 2 ** 30,
    memUsedPct: 40 + wave(DAY_MS, 30),
    swapTotalBytes: 4 * 2 ** 30,
    swapUsedBytes: Math.round(wave(DAY_MS, 2 ** 30)),
    load1: wave(HOUR_MS, 6),
    load5: wave(HOUR_MS, 5),
    load15: wave(HOUR_MS, 4),
    loadPerCore: wave(HOUR_MS, 6) / 8,
    netRxBytesPerSec: wave(3 * HOUR_MS, 5e6),
    netTxBytesPerSec: wave(2 * HOUR_MS, 1e6),
    diskReadBytesPerSec: wave(4 * HOUR_MS, 2e7),
    diskWriteBytesPerSec: wave(5 * HOUR_MS, 1e7),
    diskUsedPctMax: 60 + (tsMs % DAY_MS) / DAY_MS,
    contextSwitchesPerSec: 20_000 + wave(HOUR_MS, 30_000),
    interruptsPerSec: 8000 + wave(2 * HOUR_MS, 4000),
    forksPerSec: wave(HOUR_MS, 12),
    processesBlocked: i % 7 === 0 ? 2 : 0,
    filesystems: [
      { mount: '/', device: '/dev/sda1', fsType: 'ext4', sizeBytes: 1e11, usedBytes: 4e10, availableBytes: 6e10, usedPct: 40 },
      { mount: '/data', device: '/dev/nvme0n1p1', fsType: 'xfs', sizeBytes: 1e12, usedBytes: 6e11, availableBytes: 4e11, usedPct: 60 + (tsMs % DAY_MS) / DAY_MS },
    ],
    interfaces: [
      { name: 'lo', rxBytesPerSec: 100, txBytesPerSec: 100, loopback: true },
      { name: 'eth0', rxBytesPerSec: wave(3 * HOUR_MS, 5e6), txBytesPerSec: wave(2 * HOUR_MS, 1e6) },
    ],
    disks: [
      {
        name: 'nvme0n1', readBytesPerSec: wave(4 * HOUR_MS, 2e7), writeBytesPerSec: wave(5 * HOUR_MS, 1e7), readIops: 100, writeIops: 50, busyPct: wave(4 * HOUR_MS, 60),
        readLatencyMs: 0.1 + wave(HOUR_MS, 2), writeLatencyMs: 0.5 + wave(2 * HOUR_MS, 8),
      },
      // As a worker stored it before disk latency was collected: no latency chart.
      { name: 'sda', readBytesPerSec: 1000, writeBytesPerSec: 5000, readIops: 1, writeIops: 2, busyPct: 1 },
    ],
    gpus: [
      {
        index: 0, uuid: 'GPU-1', name: 'NVIDIA H100 80GB HBM3', utilizationPct: wave(HOUR_MS, 100), memoryUtilizationPct: 30,
        memoryUsedBytes: Math.round(wave(HOUR_MS, 80e9)), memoryTotalBytes: 80e9, temperatureC: 35 + wave(HOUR_MS, 40), powerDrawW: 300, powerLimitW: 700,
      },
    ],
    uptimeSec: 40 * DAY_MS / 1000,
    bootTime: Date.now() - 40 * DAY_MS,
    // Its clock 95 s slow: the facts say so, marked as clock_skew would.
    clockOffsetSec: -95,
    pollScript: full ? 'full' : 'light',
    ...(full ? { processes: processesAt(tsMs), failedUnits: [] } : {}),
    ...(i === 0 ? { facts: { hostname: 'web-1.example.net', kernel: '6.1.0-18-amd64', osName: 'Debian GNU/Linux', osVersion: '12 (bookworm)', cpuModel: 'AMD EPYC 7B13', architecture: 'x86_64' } } : {}),
  });
}

function success(sample: Sample, seq: number): PollSuccess {
  return { kind: 'sample', host: sample.host, seq, scheduledAt: sample.ts - 5, startedAt: sample.ts - 5, finishedAt: sample.ts, sample };
}

/** Waits for the page's next samples request matching `check`, while `act` runs. */
async function nextSamplesRequest(page: Page, act: () => Promise<unknown>, check: (url: URL) => boolean = () => true): Promise<URL> {
  const request = page.waitForRequest((r: Request) => {
    const url = new URL(r.url());
    return url.pathname === `/api/v1/hosts/${HOST}/samples` && check(url);
  }, { timeout: 60_000 });
  await act();
  return new URL((await request).url());
}

async function fetchCount(page: Page): Promise<number> {
  return Number((await page.locator('vigil-host-page').getAttribute('data-fetches')) ?? 0);
}

async function chartPoints(chart: Locator): Promise<number> {
  return chart.evaluate((el) => (el as unknown as { pointCount: number }).pointCount);
}

void describe('the host page in Chromium', () => {
  const chrome = useTestBrowser();
  let dir: string;
  let testDb: TestDatabase;
  let server: Server;
  let viewer: TestUser;
  let context: BrowserContext;
  let page: Page;
  let seq = 0;
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'vigil-host-page-'));
    await buildWeb({ outDir: path.join(dir, 'dist') });
    testDb = await createTestDatabase('pglite');
    // A day and an hour of samples, ending now; then rolled up to a few minutes ago, as the
    // writer's maintenance leaves it, so that the 24 h range reads rollups and the raw tail.
    const now = Date.now();
    const first = now - DAY_MS - HOUR_MS;
    const results: PollSuccess[] = [];
    for (let ts = first, i = 0; ts <= now; ts += INTERVAL_MS, i++) results.push(success(sampleAt(ts, i), ++seq));
    for (let start = 0; start < results.length; start += 2000) await applyPollResults(testDb.db, results.slice(start, start + 2000), { downAfter: 3 });
    const rolledUntil = Math.floor((now - 5 * 60_000) / 60_000) * 60_000;
    for (const resolution of ['1m', '1h'] as const) {
      const until = resolution === '1m' ? rolledUntil : Math.floor(rolledUntil / HOUR_MS) * HOUR_MS;
      await ensureRollupPartitions(testDb.db, resolution, first, until);
      await rollUpSamples(testDb.db, { resolution, fromMs: first, toMs: until });
      await recordRollupProgress(testDb.db, resolution, until);
    }

    server = await createWebServer({ db: testDb.db, host: '127.0.0.1', port: 0, staticDir: path.join(dir, 'dist'), log: silentLogger });
    await server.start();
    viewer = await createTestUser(testDb.db, { role: 'viewer' });
    context = await chrome.browser.newContext({ baseURL: server.info.uri, viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
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

  void test('draws every chart, the facts and the processes of now; host text stays text', async (t) => {
    await page.goto(`/#/hosts/${encodeURIComponent(HOST)}`);
    const hostPage = page.locator('vigil-host-page');
    await waitFor('the first charts', 60_000, async () => ((await fetchCount(page)) >= 1 ? true : undefined), 200);
    const charts = await page.locator('vigil-chart').evaluateAll((els) => els.map((el) => el.getAttribute('data-chart')));
    assert.deepEqual(charts, [
      'cpu', 'memory', 'load', 'network', 'disk-io', 'kernel-activity', 'forks-blocked', 'filesystems', 'disk:nvme0n1', 'disk-latency:nvme0n1', 'disk:sda', 'net:eth0', 'gpu:0',
    ]);
    // Each canvas has something drawn on it: lines or fills, not just a blank rectangle.
    for (const id of charts) {
      const painted = await page.locator(`vigil-chart[data-chart="${id}"] canvas`).evaluate((canvas) => {
        const c = canvas as HTMLCanvasElement;
        const pixels = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray();
        let n = 0;
        for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) n++;
        return n;
      });
      assert.ok(painted > 2000, `chart ${id}: ${painted} painted pixels`);
    }
    const cpuPoints = await chartPoints(page.locator('vigil-chart[data-chart="cpu"]'));
    assert.ok(cpuPoints >= 350 && cpuPoints <= 362, `an hour of 10 s samples, got ${cpuPoints}`);
    // The timing hooks benchmarks read: the request's mark, then the painted charts' of the same generation.
    type Mark = { startTime: number; detail: { host: string; generation: number; points?: number; charts?: number } };
    const marks = await waitFor('the charts-drawn mark', 30_000, async () => {
      const found = await page.evaluate(() => ({
        requested: performance.getEntriesByName('vigil:series-requested').map((m) => ({ startTime: m.startTime, detail: (m as PerformanceMark).detail as unknown })),
        drawn: performance.getEntriesByName('vigil:charts-drawn').map((m) => ({ startTime: m.startTime, detail: (m as PerformanceMark).detail as unknown })),
      }));
      return found.drawn.length > 0 ? (found as { requested: Mark[]; drawn: Mark[] }) : undefined;
    });
    const drawn = marks.drawn[0];
    const requested = marks.requested.find((m) => m.detail.generation === drawn?.detail.generation);
    assert.ok(drawn !== undefined && requested !== undefined, JSON.stringify(marks));
    assert.deepEqual(drawn.detail, { host: HOST, generation: requested.detail.generation, points: cpuPoints, charts: charts.length });
    assert.ok(drawn.startTime > requested.startTime, `drawn at ${drawn.startTime} ms, requested at ${requested.startTime} ms`);
    t.diagnostic(`1 h: series requested → charts painted ${(drawn.startTime - requested.startTime).toFixed(0)} ms (performance marks)`);
    const facts = await waitFor('the host facts', 30_000, async () => ((await page.locator('vigil-host-facts dl').count()) > 0 ? page.locator('vigil-host-facts dl').innerText() : undefined));
    // The GPU's model, from the host's detail, names its chart.
    assert.match((await page.locator('vigil-chart[data-chart="gpu:0"] h3').textContent()) ?? '', /GPU 0 \(NVIDIA H100 80GB HBM3\)/);
    for (const fact of ['web-1.example.net', 'Debian GNU/Linux 12 (bookworm)', '6.1.0-18-amd64', 'AMD EPYC 7B13, 8 cores', 'x86_64', 'SSH (poll script)', '1 min 35 s behind Vigil']) {
      assert.ok(facts.includes(fact), fact);
    }
    // The newest full poll's processes, its hostile command line shown as text.
    const table = page.locator('vigil-process-table');
    await table.locator('table[data-list="cpu"]').waitFor({ timeout: 30_000 });
    assert.ok((await table.locator('table[data-list="cpu"]').innerText()).includes(HOSTILE_COMMAND));
    assert.equal(await page.locator('img').count(), 0, 'markup from a command line became an element');
    assert.deepEqual(dialogs, []);
    assert.deepEqual(pageErrors, []);
    t.diagnostic(`1 h: ${await hostPage.getAttribute('data-points')} points, drawn ${await hostPage.getAttribute('data-draw-ms')} ms after the answer`);
    await saveScreenshot(page, 'host-page-1h');
  });

  void test('a range preset fetches that range, at rollup resolution for 24 h', async (t) => {
    const before = await fetchCount(page);
    let answer: unknown = null;
    page.once('response', (response) => {
      if (new URL(response.url()).pathname.endsWith('/samples')) response.json().then((body: unknown) => (answer = body), () => undefined);
    });
    const url = await nextSamplesRequest(page, () => page.locator('vigil-range-picker button[data-range="24h"]').click());
    const from = Number(url.searchParams.get('from'));
    assert.ok(Math.abs(Date.now() - DAY_MS - from) < 60_000, `from ${new Date(from).toISOString()}`);
    assert.equal(url.searchParams.get('to'), null, 'a preset runs to now');
    const maxPoints = Number(url.searchParams.get('maxPoints'));
    assert.ok(maxPoints >= 200 && maxPoints <= 2000, `maxPoints ${maxPoints}`);
    await waitFor('the 24 h charts', 60_000, async () => ((await fetchCount(page)) > before ? true : undefined), 200);
    // The page may draw before this process has read the same answer's body.
    await waitFor('the samples answer read', 30_000, () => answer ?? undefined, 50);
    assert.equal((answer as { resolution?: string } | null)?.resolution, '1m');
    const points = await chartPoints(page.locator('vigil-chart[data-chart="cpu"]'));
    assert.ok(points > 0 && points <= maxPoints, `${points} points for at most ${maxPoints}`);
    assert.equal(await page.locator('vigil-range-picker button[data-range="24h"]').getAttribute('aria-pressed'), 'true');
    // Per-device charts at rollup resolution too.
    assert.ok((await chartPoints(page.locator('vigil-chart[data-chart="disk:nvme0n1"]'))) === points);
    const hostPage = page.locator('vigil-host-page');
    t.diagnostic(`24 h after 1 h: ${await hostPage.getAttribute('data-points')} points in ${await page.locator('vigil-chart').count()} charts, redrawn ${await hostPage.getAttribute('data-draw-ms')} ms after the answer`);
    // The chosen preset is remembered: a reload opens the day at once, every chart built anew.
    await page.reload();
    await waitFor('the 24 h charts after a reload', 60_000, async () => ((await fetchCount(page)) >= 1 ? true : undefined), 200);
    assert.equal(await page.locator('vigil-range-picker button[data-range="24h"]').getAttribute('aria-pressed'), 'true');
    t.diagnostic(`24 h on a fresh page: ${await hostPage.getAttribute('data-points')} points in ${await page.locator('vigil-chart').count()} charts, drawn ${await hostPage.getAttribute('data-draw-ms')} ms after the answer`);
    await saveScreenshot(page, 'host-page-24h');
  });

  void test('dragging across a chart zooms to that span and fetches it', async () => {
    const over = page.locator('vigil-chart[data-chart="cpu"] .u-over');
    const box = await over.boundingBox();
    assert.ok(box);
    const y = box.y + box.height / 2;
    const url = await nextSamplesRequest(
      page,
      async () => {
        await page.mouse.move(box.x + box.width * 0.3, y);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.45, y, { steps: 5 });
        await page.mouse.move(box.x + box.width * 0.5, y, { steps: 5 });
        await page.mouse.up();
      },
      (u) => u.searchParams.has('to'),
    );
    const span = Number(url.searchParams.get('to')) - Number(url.searchParams.get('from'));
    // A fifth of the day's width, give or take the axis's margins.
    assert.ok(span > 0.15 * DAY_MS && span < 0.25 * DAY_MS, `zoomed span ${span / HOUR_MS} h`);
    await page.locator('vigil-range-picker form button[aria-pressed="true"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('vigil-range-picker .presets button[aria-pressed="true"]').count(), 0);
    // The dragged span does not stay selected on any chart.
    const selected = await page.locator('vigil-chart .u-select').evaluateAll((els) => els.filter((el) => (el as HTMLElement).getBoundingClientRect().width > 0).length);
    assert.equal(selected, 0);
    await saveScreenshot(page, 'host-page-zoomed');
  });

  void test('"Download CSV" saves the columns shown, one row per point in the range', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), page.locator('vigil-host-page button.csv').click()]);
    assert.match(download.suggestedFilename(), /^web-1_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z_\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z\.csv$/);
    const file = await download.path();
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\r\n');
    const header = lines[0]?.split(',') ?? [];
    assert.deepEqual(header.slice(0, 4), ['time', 'cpu_user_pct', 'cpu_nice_pct', 'cpu_system_pct']);
    for (const column of [
      'fs[/data]_used_pct', 'disk[nvme0n1]_busy_pct', 'disk[nvme0n1]_write_latency_ms', 'net[eth0]_rx_bytes_per_sec', 'gpu[0]_temperature_c',
      'context_switches_per_sec', 'interrupts_per_sec', 'forks_per_sec', 'processes_blocked',
    ]) assert.ok(header.includes(column), column);
    const points = await chartPoints(page.locator('vigil-chart[data-chart="cpu"]'));
    assert.ok(lines.length - 1 > 0 && lines.length - 1 <= points, `${lines.length - 1} rows for ${points} points`);
    const row = lines[1]?.split(',') ?? [];
    assert.equal(row.length, header.length);
    assert.match(row[0] ?? '', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.ok(Number(row[header.indexOf('cpu_user_pct')]) > 0);
  });

  void test('clicking a moment lists the processes of the newest full poll at or before it', async () => {
    const table = page.locator('vigil-process-table');
    const over = page.locator('vigil-chart[data-chart="memory"] .u-over');
    const box = await over.boundingBox();
    assert.ok(box);
    const request = page.waitForRequest((r) => new URL(r.url()).pathname.endsWith('/processes'), { timeout: 30_000 });
    await page.mouse.click(box.x + box.width * 0.6, box.y + box.height / 2);
    const at = Number(new URL((await request).url()).searchParams.get('at'));
    // Each full poll names its own time in its top command; the table shows one at or before `at`.
    const shown = await waitFor('the processes of the clicked moment', 30_000, async () => {
      const match = /burn --poll (\S+)/.exec((await table.locator('table[data-list="cpu"]').textContent()) ?? '');
      const ms = Date.parse(match?.[1] ?? '');
      return ms <= at ? ms : undefined;
    });
    // Full polls came every sixth sample: the newest at or before the moment, not an older one.
    assert.ok(at - shown < FULL_EVERY * INTERVAL_MS, `shown the poll of ${new Date(shown).toISOString()} for ${new Date(at).toISOString()}`);
    assert.match((await table.locator('p.when').textContent()) ?? '', /from the full poll at/);
    await saveScreenshot(page, 'host-page-processes');
  });

  void test('a newly stored sample appears on the charts without a reload', async () => {
    await nextSamplesRequest(page, () => page.locator('vigil-range-picker button[data-range="1h"]').click());
    const cpu = page.locator('vigil-chart[data-chart="cpu"]');
    // The 1 h points themselves, not the 24 h chart still shown while they load (669 points, also over 300).
    const spanSec = async (): Promise<number> => cpu.evaluate((el) => {
      const shown = (el as unknown as { ts: number[] }).ts;
      return (shown[shown.length - 1] ?? 0) - (shown[0] ?? 0);
    });
    await waitFor('the 1 h charts', 60_000, async () => ((await chartPoints(cpu)) > 300 && (await spanSec()) <= 3600 ? true : undefined), 200);
    const countedAt = Date.now();
    const before = await chartPoints(cpu);
    const fetchesBefore = await fetchCount(page);
    // Stored as the writer stores it: the live stream announces it, the page fetches it alone.
    const ts = Date.now();
    await applyPollResults(testDb.db, [success(sampleAt(ts, 1), ++seq)], { downAfter: 3 });
    const newest = async (): Promise<number> =>
      cpu.evaluate((el) => {
        const shown = (el as unknown as { ts: number[] }).ts;
        return shown[shown.length - 1] ?? 0;
      });
    await waitFor('the new sample on the charts', 60_000, async () => ((await newest()) === ts / 1000 ? true : undefined), 200);
    assert.ok((await fetchCount(page)) > fetchesBefore);
    // The hour moves on while the test waits: a seeded point leaves it every INTERVAL_MS (a loaded
    // machine can take longer than one interval from the count to the new sample's arrival).
    const scrolledOut = Math.ceil((Date.now() - countedAt) / INTERVAL_MS) + 1;
    const after = await chartPoints(cpu);
    assert.ok(after >= before - scrolledOut && after <= before + 1, `${before} points before, ${after} after, at most ${scrolledOut} scrolled out of the hour`);
  });

  void test('"Live" polls the host every second for a few minutes, shows the time left, and ends early when clicked again', async () => {
    const live = page.locator('vigil-host-page button.live');
    const [started] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/hosts/${HOST}/live` && r.request().method() === 'POST', { timeout: 30_000 }),
      live.click(),
    ]);
    assert.equal(started.status(), 200, await started.text());
    const until = Date.parse(((await started.json()) as { until: string }).until);
    assert.ok(until > Date.now() + 4 * 60_000, 'five minutes of live polling');
    await page.locator('vigil-host-page button.live[aria-pressed="true"]').waitFor({ timeout: 30_000 });
    assert.match((await page.locator('vigil-host-page .live-left').textContent()) ?? '', /^\s*[45] min( \d+ s)? left\s*$/);
    const [ended] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === `/api/v1/hosts/${HOST}/live` && r.request().method() === 'DELETE', { timeout: 30_000 }),
      live.click(),
    ]);
    assert.equal(ended.status(), 200, await ended.text());
    await page.locator('vigil-host-page button.live[aria-pressed="false"]').waitFor({ timeout: 30_000 });
    assert.equal(await page.locator('vigil-host-page .live-left').count(), 0);
    const state = await context.request.get(`/api/v1/hosts/${HOST}/live`);
    assert.equal(((await state.json()) as { until: string | null }).until, null);
    assert.deepEqual(pageErrors, []);
  });

  void test('the charts take the colours of the theme the header sets', async () => {
    const canvas = page.locator('vigil-chart[data-chart="memory"] canvas');
    // Pixels of the memory line in the given colour (what the theme's --vigil-mem says).
    const pixelsOf = async (hex: string): Promise<number> =>
      canvas.evaluate((c, [r, g, b]) => {
        const pixels = (c as HTMLCanvasElement).getContext('2d')?.getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data ?? new Uint8ClampedArray();
        let n = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if (Math.abs((pixels[i] ?? 0) - r) < 12 && Math.abs((pixels[i + 1] ?? 0) - g) < 12 && Math.abs((pixels[i + 2] ?? 0) - b) < 12 && (pixels[i + 3] ?? 0) > 200) n++;
        }
        return n;
      }, [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number]);
    const darkMem = '#4dabf7';
    assert.ok((await pixelsOf(darkMem)) < 20, 'the light theme draws no dark-theme blue');
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    const drawn = await waitFor('the charts in dark colours', 30_000, async () => {
      const n = await pixelsOf(darkMem);
      return n > 200 ? n : undefined;
    });
    assert.ok(drawn > 200);
    await saveScreenshot(page, 'host-page-dark');
    assert.deepEqual(pageErrors, []);
  });

  void test('a host\'s vigil_parents are listed on its page, each a link to its own page', async () => {
    await testDb.db.insertInto('hosts').values({
      name: 'behind-1', address: '10.0.0.10', connection: 'ssh', groups: '["web"]', interval_sec: 30, alerting: JSON.stringify({ parents: ['sw-a', 'sw b'] }),
    }).execute();
    await page.goto(`/#/hosts/${encodeURIComponent('behind-1')}`);
    const links = page.locator('vigil-host-page dl div', { has: page.locator('dt', { hasText: /^Parents$/ }) }).locator('dd a');
    await waitFor('the parents', 20_000, async () => ((await links.count()) === 2 ? true : undefined), 100);
    assert.deepEqual(await links.allTextContents(), ['sw-a', 'sw b']);
    assert.deepEqual(await Promise.all((await links.all()).map((link) => link.getAttribute('href'))), ['#/hosts/sw-a', '#/hosts/sw%20b']);
    assert.deepEqual(pageErrors, []);
  });

  void test('a host no poll of which came back yet says so, on its page and as its status tooltip in the overview', async () => {
    // As an inventory sync leaves a new host: a row, status unknown, no sample, no failure.
    await testDb.db.insertInto('hosts').values({ name: 'waiting-1', address: '10.0.0.9', connection: 'ssh', groups: '["web"]', interval_sec: 30 }).execute();
    await page.goto(`/#/hosts/${encodeURIComponent('waiting-1')}`);
    const note = page.locator('vigil-host-page [data-status-note]');
    await waitFor('the status note', 20_000, async () => ((await note.count()) === 1 ? true : undefined), 100);
    assert.equal(await note.textContent(), 'no poll result yet (polled every 30 s)');
    assert.equal(await page.locator('vigil-host-page header .status').textContent(), 'unknown');
    // web-1, up, has no note.
    await page.goto(`/#/hosts/${encodeURIComponent(HOST)}`);
    await waitFor('web-1 up', 20_000, async () => ((await page.locator('vigil-host-page header .status').textContent()) === 'up' ? true : undefined), 100);
    assert.equal(await note.count(), 0);
    await page.goto('/#/');
    const status = page.locator('host-table .row', { has: page.locator('a.name', { hasText: /^waiting-1$/ }) }).locator('.status');
    await waitFor('waiting-1 in the overview', 20_000, async () => ((await status.count()) === 1 ? true : undefined), 100);
    assert.equal(await status.getAttribute('title'), 'no poll result yet');
    assert.deepEqual(pageErrors, []);
  });
});
