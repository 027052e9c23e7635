// What the browser cases share: launching Debian's chromium headless with a
// given home (whose NSS database decides which CA it trusts), bounded pages,
// screenshots, logging in, and reading the dashboard's tables.
import { mkdirSync } from 'node:fs';
import path from 'node:path';

const ACTION_TIMEOUT_MS = 20_000; // a click, a fill, a wait for an element
const NAVIGATION_TIMEOUT_MS = 30_000;
const LAUNCH_TIMEOUT_MS = 60_000;

export const ok = (what) => console.log(`ok - ${what}`);
export const pathOf = (page) => new URL(page.url()).pathname;

export class Browsers {
  // chromium: playwright-core's; executablePath: Debian's chromium;
  // screenshotDir: where screenshots go; county: closes the browsers in its cleanup.
  constructor({ chromium, executablePath, screenshotDir, county }) {
    Object.assign(this, { chromium, executablePath, screenshotDir, county });
  }

  async launch(home) {
    const browser = await this.chromium.launch({
      executablePath: this.executablePath, env: { ...process.env, HOME: home },
      timeout: LAUNCH_TIMEOUT_MS,
    });
    this.county.cleanups.push(() => browser.close());
    return browser;
  }

  async screenshot(page, name) {
    mkdirSync(this.screenshotDir, { recursive: true });
    const file = path.resolve(this.screenshotDir, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot: ${file}`);
  }
}

// A page in a context of its own (its own cookies), every wait bounded.
export async function newPage(browser) {
  const context = await browser.newContext();
  context.setDefaultTimeout(ACTION_TIMEOUT_MS);
  context.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  return context.newPage();
}

// Fills and submits /login; returns the POST's response (303 or 401).
export async function logIn(page, url, { council, login, password }) {
  if (pathOf(page) !== '/login') await page.goto(`${url}/login`);
  await page.fill('[name=council]', council);
  await page.fill('[name=login]', login);
  await page.fill('[name=password]', password);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/login'),
    page.click('form:has([name=password]) [type=submit]'),
  ]);
  await page.waitForLoadState('load');
  return response;
}

// A section's table as rows: its cells' text, the same by column heading,
// and whether the row is marked overdue.
export function readTable(page, id) {
  return page.locator(`#${id}`).evaluate((section) => {
    const headings = [...section.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    return [...section.querySelectorAll('tbody tr')].map((tr) => {
      const cells = [...tr.cells].map((td) => td.textContent.trim());
      return { cells, overdue: tr.classList.contains('overdue'),
               by: Object.fromEntries(headings.map((heading, i) => [heading, cells[i]])) };
    });
  });
}
