// Real headless Chromium for browser tests: Debian's /usr/bin/chromium driven by playwright-core.
// A machine without it fails the test with the command that installs it; it never skips.
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env['VIGIL_TEST_CHROMIUM'] ?? '/usr/bin/chromium';

/** Screenshots land here; CI keeps the directory as an artifact and git ignores it. */
export const SCREENSHOT_DIR = path.resolve('test-artifacts', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`browser tests need Chromium at ${CHROMIUM_PATH}: run "apt-get install -y chromium" (or set VIGIL_TEST_CHROMIUM)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface TestBrowser {
  browser: Browser;
}

/** Registers before/after hooks on the enclosing suite: one Chromium for the suite. */
export function useTestBrowser(): TestBrowser {
  const handle = {} as TestBrowser;
  before(async () => {
    handle.browser = await launchBrowser();
  });
  after(async () => {
    await handle.browser?.close();
  });
  return handle;
}

/** Saves a full-page screenshot as test-artifacts/screenshots/NAME.png. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Page-side helpers are source text, not functions: tsx's transform would give a nested named
// function a helper (__name) that exists in Node but not in the page.
const DEEP_WALK = `
  const walkText = (node) => {
    let text = node.nodeType === Node.TEXT_NODE ? (node.textContent ?? '') : '';
    if (node instanceof Element && node.shadowRoot) text += walkText(node.shadowRoot);
    for (const child of Array.from(node.childNodes)) text += walkText(child);
    return text;
  };
  const countAll = (root, selector) =>
    root.querySelectorAll(selector).length +
    Array.from(root.querySelectorAll('*')).reduce((n, el) => n + (el.shadowRoot ? countAll(el.shadowRoot, selector) : 0), 0);
`;

/** The text of the page, shadow roots included (page.content() stops at them). */
export async function deepText(page: Page): Promise<string> {
  return String(await page.evaluate(`(() => { ${DEEP_WALK} return walkText(document.body); })()`));
}

/** Elements matching `selector` anywhere, shadow roots included. */
export async function deepCount(page: Page, selector: string): Promise<number> {
  return Number(await page.evaluate(`(() => { ${DEEP_WALK} return countAll(document, ${JSON.stringify(selector)}); })()`));
}
