// The fleet overview in real Chromium, fed by a running pipeline: hosts, counts, sorting,
// filtering, keyboard use, opening a host, and the table at 5,000 hosts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { BrowserContext, Page, Response } from 'playwright-core';
import type { HostListAnswer } from '../../lib/db/queries/list-hosts-since.ts';
import { formatPercent } from '../../web/src/format.ts';
import { logIn, startBrowserPipeline, type BrowserPipeline } from '../support/browser-pipeline.ts';
import { saveScreenshot, useTestBrowser } from '../support/browser.ts';
import { waitFor } from '../support/wait-for.ts';

const UP_HOSTS = ['web-1', 'web-2', 'db-1'];
const DOWN_HOST = 'dead-1';

void describe('fleet overview', () => {
  const chromium = useTestBrowser();
  let pipeline: BrowserPipeline;
  let context: BrowserContext;
  let page: Page;

  const names = async (): Promise<string[]> => page.locator('host-table a.name').allTextContents();
  const waitForNames = async (what: string, expected: string[]): Promise<void> => {
    await waitFor(what, 10_000, async () => (JSON.stringify(await names()) === JSON.stringify(expected) ? true : undefined)).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}; the table shows ${JSON.stringify(await names())}`);
    });
  };

  before(async () => {
    pipeline = await startBrowserPipeline({
      hosts: [
        { name: 'web-1', groups: ['web', 'prod'] },
        { name: 'web-2', groups: ['web'] },
        { name: 'db-1', groups: ['db', 'prod'] },
        { name: DOWN_HOST, groups: ['db'], reachable: false },
      ],
    });
    await pipeline.waitForSamples(UP_HOSTS);
    context = await chromium.browser.newContext({ viewport: { width: 1920, height: 1080 } });
    page = await context.newPage();
    await logIn(page, pipeline.url, pipeline.viewer);
  });
  after(async () => {
    await context?.close();
    await pipeline?.close();
  });

  void test('lists the pipeline\'s hosts with status, groups, figures and a CPU sparkline, and counts them', async () => {
    await waitFor('every host listed, the dead one down, the others with CPU figures', 30_000, async () => {
      const rows = await page.locator('host-table .body .row').evaluateAll((elements) =>
        elements.map((row) => ({
          name: row.querySelector('a.name')?.textContent ?? '',
          status: row.querySelector('.status')?.textContent ?? '',
          cpu: row.querySelector('.c-cpu')?.textContent?.trim() ?? '',
        })),
      );
      if (rows.length !== 4) return undefined;
      const dead = rows.find((r) => r.name === DOWN_HOST);
      const up = rows.filter((r) => UP_HOSTS.includes(r.name));
      return dead?.status === 'down' && up.length === 3 && up.every((r) => r.status === 'up' && /^\d+(\.\d)? %$/.test(r.cpu)) ? true : undefined;
    });
    const web1 = page.locator('host-table .row', { has: page.locator('a.name', { hasText: /^web-1$/ }) });
    assert.equal(await web1.locator('.c-groups').textContent(), 'prod, web');
    assert.match((await web1.locator('.c-trend path').getAttribute('d')) ?? '', /^M\d/, 'web-1 has a sparkline');
    assert.match((await web1.locator('.c-trend').getAttribute('aria-label')) ?? '', /CPU over the last hour: \d/);

    await waitFor('the summary to count 3 up and 1 down', 15_000, async () => {
      const count = async (key: string) => page.locator(`vigil-fleet-overview dd[data-count="${key}"]`).textContent();
      return (await count('total')) === '4' && (await count('up')) === '3' && (await count('down')) === '1' ? true : undefined;
    });
    assert.match((await page.locator('dd[data-average="cpu"]').textContent()) ?? '', /^\d+(\.\d)? %$/);
    // host_down fired for the dead host.
    await waitFor('a critical alert counted', 15_000, async () => ((await page.locator('dd[data-count="critical"]').textContent()) === '1' ? true : undefined));
    await saveScreenshot(page, 'overview-1920');
  });

  void test('opened logged in: the hosts are asked for with the session, not after it; later refreshes bring only what changed', async () => {
    const lists: { url: string; answer: HostListAnswer }[] = [];
    let reloadedAt = Infinity;
    const onResponse = async (response: Response): Promise<void> => {
      // Only the reloaded page's calls: the old page may still have a refresh under way.
      if (!/\/api\/v1\/hosts(\?|$)/.test(response.url()) || response.request().timing().startTime < reloadedAt) return;
      lists.push({ url: response.url(), answer: (await response.json()) as HostListAnswer });
    };
    page.on('response', (response) => void onResponse(response).catch(() => {}));
    try {
      reloadedAt = Date.now();
      await page.reload();
      await page.locator('host-table a.name').first().waitFor();
      // Source text, not a function: tsx would give a nested function a helper the page lacks.
      const timing = (await page.evaluate(`(() => {
        const entries = performance.getEntriesByType('resource');
        return {
          session: entries.find((entry) => /\\/api\\/v1\\/session$/.test(entry.name))?.responseEnd ?? null,
          hosts: entries.find((entry) => /\\/api\\/v1\\/hosts$/.test(entry.name))?.startTime ?? null,
          marks: performance.getEntriesByName('vigil:first-row').length,
        };
      })()`)) as { session: number | null; hosts: number | null; marks: number };
      assert.ok(timing.session !== null && timing.hosts !== null, JSON.stringify(timing));
      assert.ok(timing.hosts < timing.session, `the hosts were asked for at ${timing.hosts} ms, after the session answered at ${timing.session} ms`);
      assert.equal(timing.marks, 1, "performance.mark('vigil:first-row') once");

      // The pipeline polls every 2 s: new samples come back as small answers, merged into the table.
      const delta = await waitFor('an answer to changedSince with a changed host', 20_000, async () =>
        lists.find((list) => list.url.includes('changedSince=') && !list.answer.full && list.answer.hosts.length > 0),
      );
      assert.ok(lists[0] && !lists[0].url.includes('changedSince') && lists[0].answer.full, 'the first answer is the whole list');
      assert.ok(lists.slice(1).every((list) => list.url.includes('changedSince=')), `later calls: ${lists.map((l) => l.url).join(', ')}`);
      assert.ok(delta.answer.hosts.length < 4, 'a delta holds the changed hosts only');
      // The row shows the newest figure any answer gave for that host.
      const name = delta.answer.hosts[0]?.name ?? '';
      await waitFor(`${name}'s row to show its newest CPU figure`, 10_000, async () => {
        const newest = lists.flatMap((list) => list.answer.hosts).filter((host) => host.name === name).at(-1);
        const cell = await page.locator('host-table .row', { has: page.locator('a.name', { hasText: new RegExp(`^${name}$`) }) }).locator('.c-cpu').textContent();
        return cell === formatPercent(newest?.latest?.cpuBusyPct) ? true : undefined;
      });
      assert.equal((await names()).length, 4);
    } finally {
      page.removeAllListeners('response');
    }
  });

  void test('a cursor the server no longer takes (400, as after an upgrade): the next refresh asks for the whole list', async () => {
    // The one answer made up here: the real server takes every cursor it gave out.
    const DELTA = /\/api\/v1\/hosts\?changedSince=/;
    let refused = 0;
    await page.route(DELTA, async (route) => {
      if (refused++ > 0) return route.continue();
      return route.fulfill({ status: 400, contentType: 'application/json', body: JSON.stringify({ statusCode: 400, error: 'Bad Request', message: '"changedSince" must be the cursor of an earlier answer of GET /api/v1/hosts' }) });
    });
    try {
      const whole = page.waitForResponse((response) => /\/api\/v1\/hosts$/.test(response.url()) && refused > 0, { timeout: 20_000 });
      assert.equal((await whole).status(), 200);
      await waitFor('deltas again after the whole list', 20_000, async () => (refused > 1 ? true : undefined));
      assert.equal(await page.locator('vigil-fleet-overview p.error').count(), 0, 'no error left on the page');
      assert.equal((await names()).length, 4);
    } finally {
      await page.unroute(DELTA);
    }
  });

  void test('every column sorts, both ways; hosts without a figure stay last', async () => {
    await page.getByRole('button', { name: 'Host', exact: true }).click();
    await waitForNames('ascending names', ['db-1', 'dead-1', 'web-1', 'web-2']);
    assert.equal(await page.locator('[role="columnheader"][aria-sort="ascending"]').textContent().then((t) => t?.trim().replace(/\W+$/, '')), 'Host');
    await page.getByRole('button', { name: 'Host', exact: true }).click();
    await waitForNames('descending names', ['web-2', 'web-1', 'dead-1', 'db-1']);

    await page.getByRole('button', { name: 'Status', exact: true }).click();
    assert.equal((await names())[0], DOWN_HOST, 'down hosts lead an ascending status sort');

    // CPU sorts from the highest first; the dead host has no figure and is last.
    await page.getByRole('button', { name: 'CPU', exact: true }).click();
    await waitFor('a descending CPU order', 10_000, async () => {
      const cells = await page.locator('host-table .body .c-cpu').allTextContents();
      const values = cells.map((c) => (c.trim() === '—' ? null : Number.parseFloat(c)));
      const numbers = values.filter((v): v is number => v !== null);
      return values.length === 4 && values.at(-1) === null && numbers.every((v, i) => i === 0 || numbers[i - 1]! >= v) ? true : undefined;
    });
    for (const column of ['Groups', 'Memory', 'Disk', 'Network', 'CPU, 1 h']) {
      await page.getByRole('button', { name: column, exact: true }).click();
      const sorted = page.locator(`[role="columnheader"][aria-sort]:not([aria-sort="none"])`);
      assert.match((await sorted.textContent()) ?? '', new RegExp(column.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      assert.equal((await names()).length, 4);
    }
  });

  void test('filters by group, status and free text', async () => {
    await page.getByRole('button', { name: 'Host', exact: true }).click();
    await page.getByLabel('Group').selectOption('prod');
    await waitForNames('the prod group', ['db-1', 'web-1']);
    assert.match((await page.locator('vigil-fleet-overview .count').textContent()) ?? '', /2 of 4 hosts/);
    await page.getByLabel('Group').selectOption('');
    await page.getByLabel('Status').selectOption('down');
    await waitForNames('the down hosts', [DOWN_HOST]);
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Search').fill('WEB');
    await waitForNames('hosts matching "WEB"', ['web-1', 'web-2']);
    await page.getByLabel('Search').fill('no such host');
    await page.getByText('No host matches these filters.').waitFor();
    await page.getByLabel('Search').fill('');
    await waitForNames('all hosts again', ['db-1', 'dead-1', 'web-1', 'web-2']);
  });

  void test('keyboard: Tab reaches the rows, arrows move between them, Enter opens the host page', async () => {
    const focusedText = () =>
      page.evaluate(() => {
        let element: Element | null = document.activeElement;
        while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
        return element?.classList.contains('name') ? element.textContent : null;
      });
    // From the last filter, Tab goes through the column headers to the first row's link.
    await page.getByLabel('Status').focus();
    let reached: string | null = null;
    for (let presses = 0; presses < 12 && reached === null; presses++) {
      await page.keyboard.press('Tab');
      reached = await focusedText();
    }
    assert.equal(reached, 'db-1', 'Tab reaches the first row');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedText(), 'web-1');
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/hosts\/web-1$/);
    const hostPage = page.locator('vigil-host-page');
    await hostPage.waitFor();
    assert.equal(await hostPage.evaluate((el) => (el as HTMLElement & { host: string }).host), 'web-1');
    assert.equal(await page.title(), 'web-1 · Vigil');
    await page.goBack();
    await page.locator('vigil-fleet-overview host-table').waitFor();
  });

  void test('a click anywhere on a row opens the host', async () => {
    await page.locator('host-table .row', { has: page.locator('a.name', { hasText: /^db-1$/ }) }).locator('.c-mem').click();
    await page.waitForURL(/#\/hosts\/db-1$/);
    await page.goBack();
    await page.locator('vigil-fleet-overview host-table').waitFor();
  });

  void test('at laptop size the table drops columns rather than overflow', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.locator('host-table a.name').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
    await saveScreenshot(page, 'overview-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
  });

  void test('5,000 hosts: only the rows in view are in the DOM, and scrolling shows the rest (measured, not asserted)', async () => {
    const now = new Date().toISOString();
    await sql`insert into hosts (name, address, connection, groups, interval_sec, status, last_sample_at)
      select 'bulk-' || lpad(i::text, 4, '0'), '10.0.' || (i / 256) || '.' || (i % 256), 'ssh', '["bulk"]', 10,
        case when i % 50 = 0 then 'down' else 'up' end, cast(${now} as timestamptz)
      from generate_series(1, 4996) i`.execute(pipeline.db);
    await sql`insert into samples (host, ts, cpu_busy_pct, mem_used_pct, disk_used_pct_max, net_rx_bps, net_tx_bps, filesystems, interfaces)
      select name, cast(${now} as timestamptz) - (k * interval '1 minute'), (hashtext(name) & 1023) % 100 + k * 0.1, 50, 60, 1000, 100, '[]', '[]'
      from hosts, generate_series(0, 5) k where name like 'bulk-%'`.execute(pipeline.db);

    const started = Date.now();
    await page.reload();
    await page.getByText(/^5000 hosts$/).waitFor({ timeout: 30_000 });
    const loadMs = Date.now() - started;
    const rendered = await page.locator('host-table .body .row').count();
    assert.ok(rendered < 80, `${rendered} rows in the DOM for 5,000 hosts`);

    await page.getByRole('button', { name: 'Host', exact: true }).click();
    // Per scroll step: the table's re-render of the new slice (its frame callback to the end of
    // its update), without the wait for the frame itself.
    const scrollMs = await page.locator('host-table').evaluate(async (table) => {
      const element = table as HTMLElement & { updateComplete: Promise<boolean> };
      const viewport = element.shadowRoot!.querySelector<HTMLElement>('.viewport')!;
      const times: number[] = [];
      for (let step = 1; step <= 20; step++) {
        // Frame callbacks run in the order they were asked for, each followed by its microtasks
        // (Lit's update): one before the table's and one after it bracket its re-render.
        const before = new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));
        viewport.scrollTop = (viewport.scrollHeight * step) / 20;
        viewport.dispatchEvent(new Event('scroll'));
        const after = new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));
        const [t0, t1] = await Promise.all([before, after]);
        await element.updateComplete;
        times.push(t1 - t0);
      }
      return times.sort((a, b) => a - b)[10]!;
    });
    await waitFor('the last host in view at the bottom', 5_000, async () => ((await names()).includes('web-2') ? true : undefined));
    // Rows are refilled in place while scrolling; once it stops, the DOM (and Tab) order is the table's again.
    await waitFor('the rows in the DOM in table order', 5_000, async () => {
      const indexes = await page.locator('host-table .body .row').evaluateAll((rows) => rows.map((row) => Number((row as HTMLElement).dataset['index'])));
      return indexes.length > 0 && indexes.every((index, i) => i === 0 || indexes[i - 1]! + 1 === index) ? true : undefined;
    });
    const end = await page.locator('host-table').evaluate((table) => {
      const viewport = table.shadowRoot!.querySelector<HTMLElement>('.viewport')!;
      return { top: viewport.scrollTop, height: viewport.scrollHeight };
    });
    assert.ok(end.height >= 5000 * 36, 'the spacer holds every row');
    const bytes = Buffer.byteLength(await (await context.request.get(`${pipeline.url}api/v1/hosts`)).text());
    console.log(`# overview with 5000 hosts: first render ${loadMs} ms after reload, ${rendered} rows in the DOM, median re-render per scroll step ${scrollMs.toFixed(1)} ms, /api/v1/hosts ${(bytes / 1024).toFixed(0)} KiB`);
    await saveScreenshot(page, 'overview-5000-hosts');
  });
});
