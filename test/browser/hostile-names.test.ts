// Host names are whatever an inventory says, so they may be markup. Polled for real by the
// pipeline, they must show as the literal text everywhere the shell shows them: no element is
// created from them, no script runs (a dialog would mean one did).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Dialog, Page } from 'playwright-core';
import { hostHref } from '../../web/src/app-route.ts';
import { logIn, startBrowserPipeline, type BrowserPipeline } from '../support/browser-pipeline.ts';
import { deepCount, saveScreenshot, useTestBrowser } from '../support/browser.ts';
import { waitFor } from '../support/wait-for.ts';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '"><script>alert(2)</script>';
// Unreachable, so that it also fires host_down and shows on the alerts page and in a toast.
const SVG = '<svg onload=alert(3)>';

void describe('hostile host names', () => {
  const chromium = useTestBrowser();
  let pipeline: BrowserPipeline;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];

  before(async () => {
    pipeline = await startBrowserPipeline({
      hosts: [
        { name: IMG, groups: ['evil'] },
        { name: SCRIPT, groups: ['evil'] },
        { name: 'plain-1', groups: ['evil'] },
      ],
    });
    await pipeline.waitForSamples([IMG, SCRIPT]);
    context = await chromium.browser.newContext({ viewport: { width: 1600, height: 1000 } });
    page = await context.newPage();
    page.on('dialog', (dialog: Dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await logIn(page, pipeline.url, pipeline.admin);
  });
  after(async () => {
    await context?.close();
    await pipeline?.close();
  });

  void test('the overview shows the names as text and creates nothing from them', async () => {
    const links = page.locator('host-table a.name');
    await waitFor('three hosts listed', 20_000, async () => ((await links.count()) === 3 ? true : undefined));
    const texts = await links.allTextContents();
    assert.deepEqual([...texts].sort(), [SCRIPT, IMG, 'plain-1'].sort());
    assert.equal(await deepCount(page, 'img'), 0, 'no <img> anywhere');
    assert.equal(await deepCount(page, 'script:not([src])'), 0, 'no inline <script> anywhere');
    const imgLink = links.filter({ hasText: IMG });
    assert.equal(await imgLink.getAttribute('href'), hostHref(IMG));
    await saveScreenshot(page, 'hostile-names-overview');
    assert.deepEqual(dialogs, []);
  });

  void test('opening such a host keeps the name intact through the URL', async () => {
    await page.locator('host-table a.name').filter({ hasText: SCRIPT }).click();
    await page.waitForURL((url) => url.hash === hostHref(SCRIPT));
    const hostPage = page.locator('vigil-host-page');
    await hostPage.waitFor();
    assert.equal(await hostPage.evaluate((el) => (el as HTMLElement & { host: string }).host), SCRIPT);
    assert.equal(await page.title(), `${SCRIPT} · Vigil`);
    await page.waitForTimeout(500); // give an injected handler the chance to run before asserting it did not
    assert.equal(await deepCount(page, 'script:not([src])'), 0);
    assert.deepEqual(dialogs, []);
    await page.goBack();
  });

  void test('a firing alert of such a host: toast, alerts page and silence dialog show it as text', async () => {
    await page.locator('vigil-app .live.open').waitFor({ timeout: 15_000 });
    await pipeline.setHosts([
      { name: IMG, groups: ['evil'] },
      { name: SCRIPT, groups: ['evil'] },
      { name: 'plain-1', groups: ['evil'] },
      { name: SVG, groups: ['evil'], reachable: false },
    ]);
    const toast = page.locator('vigil-toast-stack li.toast');
    await toast.first().waitFor({ timeout: 30_000 });
    assert.equal(await toast.first().locator('.host').textContent(), SVG);

    await page.goto(`${pipeline.url}#/alerts`);
    const link = page.locator('vigil-alerts-page table.active a.host');
    await link.first().waitFor();
    assert.equal(await link.first().textContent(), SVG);
    await page.locator('vigil-alerts-page table.active').getByRole('button', { name: 'Silence' }).first().click();
    assert.equal(await page.getByLabel('Host to match').inputValue(), SVG);
    await saveScreenshot(page, 'hostile-names-alerts');
    await page.getByRole('button', { name: 'Cancel' }).click();

    assert.equal(await deepCount(page, 'svg[onload]'), 0, 'no <svg> made from the name');
    assert.equal(await deepCount(page, 'img'), 0);
    assert.deepEqual(dialogs, []);
  });
});
