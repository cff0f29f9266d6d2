// The alerts page in real Chromium against a running pipeline whose unreachable host fires
// host_down: acknowledging and silencing as an admin, nothing of the sort for a viewer, the
// history's pages, and a toast when an alert starts firing while the dashboard is open.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import type { BrowserContext, Page } from 'playwright-core';
import { saveAlert } from '../../lib/db/queries/save-alert.ts';
import { logIn, startBrowserPipeline, type BrowserPipeline, type PipelineHost } from '../support/browser-pipeline.ts';
import { saveScreenshot, useTestBrowser } from '../support/browser.ts';
import { waitFor } from '../support/wait-for.ts';

const HOSTS: PipelineHost[] = [
  { name: 'web-1', groups: ['web'] },
  { name: 'dead-1', groups: ['db'], reachable: false },
];

void describe('alerts page', () => {
  const chromium = useTestBrowser();
  let pipeline: BrowserPipeline;
  const contexts: BrowserContext[] = [];

  const open = async (as: 'admin' | 'viewer', hash: string): Promise<Page> => {
    const context = await chromium.browser.newContext({ viewport: { width: 1600, height: 1000 } });
    contexts.push(context);
    const page = await context.newPage();
    await logIn(page, pipeline.url, as === 'admin' ? pipeline.admin : pipeline.viewer, hash);
    return page;
  };
  const activeRow = (page: Page, host: string) => page.locator('vigil-alerts-page table.active tbody tr', { has: page.getByRole('link', { name: host, exact: true }) });

  before(async () => {
    pipeline = await startBrowserPipeline({ hosts: HOSTS });
    await waitFor('host_down to fire for dead-1', 30_000, async () => {
      const row = await pipeline.db.selectFrom('alerts').select('state').where('host', '=', 'dead-1').where('rule', '=', 'host_down').executeTakeFirst();
      return row?.state === 'firing' ? true : undefined;
    });
  });
  after(async () => {
    for (const context of contexts) await context.close();
    await pipeline?.close();
  });

  void test('an admin acknowledges a firing alert with a comment; the row and the history say who and why', async () => {
    const page = await open('admin', '#/alerts');
    const row = activeRow(page, 'dead-1');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /critical[\s\S]*dead-1[\s\S]*host_down/);
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByLabel('Comment').fill('replacing the PSU');
    await page.locator('tr.ack-form').getByRole('button', { name: 'Acknowledge' }).click();
    await waitFor('the row to show the acknowledgement', 10_000, async () => {
      const acked = (await row.locator('td.acked').textContent()) ?? '';
      return acked.includes('ada') && acked.includes('replacing the PSU') ? true : undefined;
    });
    assert.equal(await row.getByRole('button', { name: 'Acknowledge' }).count(), 0, 'no second acknowledgement');
    const history = page.locator('vigil-alerts-page table.history tbody tr').first();
    await waitFor('the ack in the history', 10_000, async () => ((await history.textContent())?.includes('acked') ? true : undefined));
    assert.match((await history.textContent()) ?? '', /acked[\s\S]*dead-1[\s\S]*host_down[\s\S]*ada[\s\S]*replacing the PSU/);
    await saveScreenshot(page, 'alerts-acknowledged');
  });

  void test('an admin silences from the alert: matchers prefilled, a comment required, then listed and expired', async () => {
    const page = await open('admin', '#/alerts');
    const row = activeRow(page, 'dead-1');
    await row.getByRole('button', { name: 'Silence' }).click();
    const dialog = page.getByRole('dialog', { name: 'Silence notifications' });
    await dialog.waitFor();
    assert.equal(await dialog.getByLabel('Host to match').inputValue(), 'dead-1');
    assert.equal(await dialog.getByLabel('Rule to match').inputValue(), 'host_down');
    // The host's first group is offered, not ticked.
    await waitFor('the group offered', 5_000, async () => ((await dialog.getByLabel('Group to match').inputValue()) === 'db' ? true : undefined));
    assert.equal(await dialog.getByRole('checkbox', { name: 'Group' }).isChecked(), false);
    await dialog.getByRole('radio', { name: '4h' }).check();
    await dialog.getByRole('button', { name: 'Silence' }).click();
    await waitFor('the missing comment reported', 5_000, async () => ((await dialog.getByRole('alert').textContent())?.includes('comment is required') ? true : undefined));
    await saveScreenshot(page, 'alerts-silence-dialog');

    await dialog.getByLabel('Why (required)').fill('PSU swap tonight');
    await dialog.getByRole('button', { name: 'Silence' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const silence = page.locator('vigil-alerts-page table.silences tbody tr').first();
    await silence.waitFor();
    const text = (await silence.textContent()) ?? '';
    assert.match(text, /host dead-1, rule host_down/);
    assert.match(text, /in (4 h|3 h 59 min)/);
    assert.match(text, /ada[\s\S]*PSU swap tonight/);
    const stored = await pipeline.db.selectFrom('silences').select(['created_by', 'comment']).execute();
    assert.deepEqual(stored, [{ created_by: 'ada', comment: 'PSU swap tonight' }]);
    await saveScreenshot(page, 'alerts-silenced');

    await silence.getByRole('button', { name: 'Expire' }).click();
    await page.getByText('No silences.').waitFor();
  });

  void test('an alert whose notices are held back says why', async () => {
    // As the alerter leaves a check that fails with its host: recorded, inhibited by host_down.
    await saveAlert(pipeline.db, {
      key: 'check_failing|dead-1|id=tcp:dead-1:5432', rule: 'check_failing', host: 'dead-1', labels: { id: 'tcp:dead-1:5432' }, severity: 'critical',
      state: 'firing', summary: 'Service check failing id=tcp:dead-1:5432: failed 2 polls in a row (timeout)', value: 2, threshold: 2, receivers: [],
      startsAt: Date.now() - 60_000, endsAt: null, lastEventAt: Date.now(), lastNotifiedAt: null, notifiedFiring: false,
      ackedBy: null, ackedAt: null, ackedComment: null, flapping: false, stateChanges: [], heldBackBy: 'inhibited by host_down|dead-1', escalatedSteps: 1,
    });
    const page = await open('viewer', '#/alerts');
    const row = page.locator('vigil-alerts-page table.active tbody tr[data-key="check_failing|dead-1|id=tcp:dead-1:5432"]');
    await row.waitFor();
    assert.equal((await row.locator('.held-back').textContent())?.trim(), 'Notices held back: inhibited by host_down|dead-1');
    assert.equal((await row.locator('.escalated').textContent())?.trim(), 'Escalated (1 step)');
    assert.equal(await activeRow(page, 'dead-1').locator('.held-back').count(), 1, 'host_down itself is not held back');
    await pipeline.db.deleteFrom('alerts').where('key', '=', 'check_failing|dead-1|id=tcp:dead-1:5432').execute();
  });

  void test('a viewer sees the alerts but no Acknowledge, Silence or Expire buttons', async () => {
    await pipeline.db.insertInto('silences').values({ matchers: JSON.stringify({ rule: 'reboot' }), starts_at: new Date(), ends_at: new Date(Date.now() + 3_600_000), comment: 'kernel updates', created_by: 'ada' }).execute();
    const page = await open('viewer', '#/alerts');
    await activeRow(page, 'dead-1').waitFor();
    await page.locator('vigil-alerts-page table.silences tbody tr').first().waitFor();
    for (const name of ['Acknowledge', 'Silence', 'Expire']) assert.equal(await page.locator('vigil-alerts-page').getByRole('button', { name, exact: true }).count(), 0, name);
    await saveScreenshot(page, 'alerts-viewer');
  });

  void test('the history pages back and forth', async () => {
    const key = (await pipeline.db.selectFrom('alerts').select('key').where('host', '=', 'dead-1').executeTakeFirstOrThrow()).key;
    await sql`insert into alert_history (alert_key, at, event, actor, comment)
      select ${key}, now() - (i * interval '1 minute'), 'acked', 'ada', 'note ' || i from generate_series(1, 40) i`.execute(pipeline.db);
    const page = await open('viewer', '#/alerts');
    const rows = page.locator('vigil-alerts-page table.history tbody tr');
    await waitFor('a full first page', 10_000, async () => ((await rows.count()) === 25 ? true : undefined));
    const firstPage = await rows.allTextContents();
    assert.equal(await page.getByRole('button', { name: 'Newer' }).isDisabled(), true);
    await page.getByRole('button', { name: 'Older' }).click();
    await page.getByText('Page 2').waitFor();
    await waitFor('the second page', 10_000, async () => {
      const second = await rows.allTextContents();
      return second.length > 0 && second.every((r) => !firstPage.includes(r)) ? true : undefined;
    });
    await page.getByRole('button', { name: 'Newer' }).click();
    await page.getByText('Page 1').waitFor();
    await waitFor('the first page again', 10_000, async () => (JSON.stringify(await rows.allTextContents()) === JSON.stringify(firstPage) ? true : undefined));
  });

  void test('a toast appears when an alert starts firing, and leads to the host', async () => {
    const page = await open('viewer', '#/');
    await page.locator('vigil-app .live.open').waitFor({ timeout: 15_000 });
    await pipeline.setHosts([...HOSTS, { name: 'dead-2', groups: ['db'], reachable: false }]);
    const toast = page.locator('vigil-toast-stack li.toast', { hasText: 'dead-2' });
    await toast.waitFor({ timeout: 30_000 });
    assert.match((await toast.textContent()) ?? '', /critical[\s\S]*dead-2[\s\S]*host_down/);
    assert.equal(await page.locator('vigil-toast-stack ol').getAttribute('aria-live'), 'polite');
    await saveScreenshot(page, 'alerts-toast');
    await toast.getByRole('link').click();
    await page.waitForURL(/#\/hosts\/dead-2$/);
    await toast.waitFor({ state: 'detached' });
  });
});
