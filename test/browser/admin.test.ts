// The admin page in real Chromium: users (add, change role, remove, the last admin kept) and API
// tokens (created and shown once with a copy button, usable, revoked).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { logIn, startBrowserPipeline, type BrowserPipeline } from '../support/browser-pipeline.ts';
import { saveScreenshot, useTestBrowser } from '../support/browser.ts';
import { waitFor } from '../support/wait-for.ts';

void describe('admin page', () => {
  const chromium = useTestBrowser();
  let pipeline: BrowserPipeline;
  let context: BrowserContext;
  let page: Page;

  const userRow = (name: string) => page.locator(`vigil-admin-page table.users tbody tr[data-user="${name}"]`);
  const roleOf = async (name: string) => (await pipeline.db.selectFrom('users').select('role').where('name', '=', name).executeTakeFirst())?.role;

  before(async () => {
    pipeline = await startBrowserPipeline({ hosts: [{ name: 'web-1' }] });
    context = await chromium.browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: pipeline.url.replace(/\/$/, '') });
    page = await context.newPage();
    await logIn(page, pipeline.url, pipeline.admin, '#/admin');
  });
  after(async () => {
    await context?.close();
    await pipeline?.close();
  });

  void test('lists the users and adds one with a role and password; the server\'s refusals are shown', async () => {
    await userRow('victor').waitFor();
    assert.match((await userRow('ada').textContent()) ?? '', /\(you\)/);

    await page.getByLabel('Name', { exact: true }).fill('carol');
    await page.locator('#user-role').selectOption('viewer');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Add user' }).click();
    await waitFor('the password refused', 10_000, async () => ((await page.locator('vigil-admin-page p.error').textContent())?.includes('"password" length must be at least 8') ? true : undefined));

    await page.getByLabel('Password', { exact: true }).fill('a-long-enough-password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await userRow('carol').waitFor();
    assert.equal(await roleOf('carol'), 'viewer');
    await page.getByRole('status').getByText('User carol added as viewer.').waitFor();

    await page.getByLabel('Name', { exact: true }).fill('carol');
    await page.getByLabel('Password', { exact: true }).fill('another-long-password');
    await page.getByRole('button', { name: 'Add user' }).click();
    await waitFor('the duplicate refused', 10_000, async () => ((await page.locator('vigil-admin-page p.error').textContent())?.match(/carol/) ? true : undefined));
  });

  void test('changes a role, removes a user after a second click, and keeps the last admin', async () => {
    await userRow('carol').getByLabel('Role of carol').selectOption('admin');
    await waitFor('carol to be admin', 10_000, async () => ((await roleOf('carol')) === 'admin' ? true : undefined));

    await userRow('carol').getByRole('button', { name: 'Remove' }).click();
    await saveScreenshot(page, 'admin-confirm-remove');
    await userRow('carol').getByRole('button', { name: 'Really remove carol?' }).click();
    await userRow('carol').waitFor({ state: 'detached' });
    assert.equal(await roleOf('carol'), undefined);

    // ada is the only admin now: demoting her is refused, and the select shows admin again.
    await userRow('ada').getByLabel('Role of ada').selectOption('viewer');
    await waitFor('the last admin kept', 10_000, async () => ((await page.locator('vigil-admin-page p.error').textContent())?.includes('last admin') ? true : undefined));
    assert.equal(await userRow('ada').getByLabel('Role of ada').inputValue(), 'admin');
    assert.equal(await roleOf('ada'), 'admin');
  });

  void test('creates an API token shown once with a copy button; it works until revoked', async () => {
    await page.getByLabel('Label').fill('prometheus');
    await page.getByLabel('Acts as').selectOption('victor');
    await page.getByLabel('Expires after (days)').fill('30');
    await page.getByRole('button', { name: 'Create token' }).click();
    const field = page.getByLabel('The new token');
    await field.waitFor();
    const token = await field.inputValue();
    assert.match(token, /^vigil_/);
    await page.getByRole('button', { name: 'Copy' }).click();
    await page.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), token);
    await saveScreenshot(page, 'admin-token-created');

    const row = page.locator('vigil-admin-page table.tokens tbody tr', { hasText: 'prometheus' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /victor/);
    const asToken = async () => (await fetch(`${pipeline.url}api/v1/session`, { headers: { authorization: `Bearer ${token}` } })).status;
    assert.equal(await asToken(), 200);

    await page.getByRole('button', { name: 'Done' }).click();
    assert.equal(await page.getByLabel('The new token').count(), 0, 'the token is not shown again');

    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByRole('button', { name: 'Really revoke?' }).click();
    await row.waitFor({ state: 'detached' });
    assert.equal(await asToken(), 401);
    await saveScreenshot(page, 'admin');
  });
});
