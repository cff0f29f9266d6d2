// Logging in and out of the dashboard in real Chromium, against a running pipeline.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { logIn, startBrowserPipeline, type BrowserPipeline } from '../support/browser-pipeline.ts';
import { saveScreenshot, useTestBrowser } from '../support/browser.ts';
import { waitFor } from '../support/wait-for.ts';

void describe('login', () => {
  const chromium = useTestBrowser();
  let pipeline: BrowserPipeline;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    pipeline = await startBrowserPipeline({ hosts: [{ name: 'web-1', groups: ['web'] }] });
  });
  after(async () => {
    await context?.close();
    await pipeline?.close();
  });

  const newPage = async (): Promise<Page> => {
    await context?.close();
    context = await chromium.browser.newContext({ viewport: { width: 1366, height: 800 } });
    page = await context.newPage();
    return page;
  };

  void test('without a session the login form replaces the app; a wrong password says so and stays', async () => {
    await newPage();
    await page.goto(pipeline.url);
    await page.getByLabel('Name').waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).count(), 0, 'no app behind the form');
    await saveScreenshot(page, 'login');

    await page.getByLabel('Name').fill(pipeline.admin.name);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const error = page.getByRole('alert');
    await waitFor('the login error', 10_000, async () => ((await error.textContent())?.includes('Wrong name or password') ? true : undefined));
    assert.equal(await page.getByLabel('Password').inputValue(), '', 'the wrong password is cleared');
    await saveScreenshot(page, 'login-wrong-password');
  });

  void test('too many failures: the form says how long to wait (429)', async () => {
    await newPage();
    await page.goto(pipeline.url);
    const error = page.getByRole('alert');
    let text = '';
    for (let attempt = 1; attempt <= 6 && !text.includes('Too many'); attempt++) {
      await page.getByLabel('Name').fill('mallory');
      await page.getByLabel('Password').fill(`guess-${attempt}`);
      await page.getByRole('button', { name: 'Log in' }).click();
      text = await waitFor(`the answer to attempt ${attempt}`, 10_000, async () => {
        const shown = (await error.textContent()) ?? '';
        return (await page.getByRole('button', { name: 'Log in' }).isEnabled()) && shown !== '' ? shown : undefined;
      });
    }
    assert.match(text, /Too many failed logins\. Try again in \d+ seconds\./);
  });

  void test('an admin logs in, sees the shell with Admin in the nav, and logs out', async () => {
    await newPage();
    await logIn(page, pipeline.url, pipeline.admin);
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Overview', 'Alerts', 'Availability', 'Incidents', 'Inventory', 'Admin']);
    assert.match((await page.locator('vigil-app header .user').textContent()) ?? '', /ada\s+\(admin\)/);
    assert.equal(await page.title(), 'Overview · Vigil');

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Password').waitFor();
    // The cookie is gone server-side too: a reload still shows the form.
    await page.reload();
    await page.getByLabel('Password').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Log out' }).count(), 0);
  });

  void test('a viewer has no Admin link, and #/admin tells them it is for admins', async () => {
    await newPage();
    await logIn(page, pipeline.url, pipeline.viewer, '#/admin');
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Overview', 'Alerts', 'Availability', 'Incidents', 'Inventory']);
    await page.getByText('Only admins manage users and tokens.').waitFor();
  });

  void test('the theme follows the system until toggled; the choice is remembered across reloads', async () => {
    await context?.close();
    context = await chromium.browser.newContext({ viewport: { width: 1366, height: 800 }, colorScheme: 'dark' });
    page = await context.newPage();
    await logIn(page, pipeline.url, pipeline.admin);
    const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const toggle = page.getByRole('button', { name: 'Dark theme' });
    assert.equal(await background(), 'rgb(20, 23, 26)', 'dark, as the system prefers');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'true');
    await page.locator('host-table a.name').first().waitFor();
    await saveScreenshot(page, 'overview-dark');

    await toggle.click();
    assert.equal(await background(), 'rgb(246, 247, 249)', 'light after the toggle');
    assert.equal(await page.evaluate(() => document.documentElement.dataset['theme']), 'light');
    assert.equal(await toggle.getAttribute('aria-pressed'), 'false');
    await page.reload();
    await page.getByRole('button', { name: 'Dark theme' }).waitFor();
    assert.equal(await background(), 'rgb(246, 247, 249)', 'still light after a reload');

    await page.getByRole('button', { name: 'Dark theme' }).click();
    assert.equal(await background(), 'rgb(20, 23, 26)');
    assert.equal(await page.evaluate(() => localStorage.getItem('vigil-theme')), 'dark');
  });

  void test('a session that ends on the server (vigil-unauthorized) brings the login form back', async () => {
    await newPage();
    await logIn(page, pipeline.url, pipeline.admin);
    await page.locator('host-table a.name').first().waitFor();
    await pipeline.db.deleteFrom('sessions').where('user_name', '=', pipeline.admin.name).execute();
    // The overview's next refresh (on the next stored sample, or its 5 s poll) gets a 401.
    await page.getByLabel('Password').waitFor({ timeout: 20_000 });
  });
});
