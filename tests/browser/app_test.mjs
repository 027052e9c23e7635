// The IRO's app (`iro app`) in Debian's chromium, headless, on a tablet's
// screen (1024 x 768, touch), driven by playwright-core as an IRO would use
// it: the caseload with the overdue children first, a child's page, a visit
// note written and saved as it is typed, which survives a reload and a
// restart of the app. Every screen is checked with axe-core, by keyboard and
// for touch target sizes (app_screens.mjs); screenshots of each.
//
//   node app_test.mjs --iro IRO [--chromium PATH] [--screenshots DIR]
//
// Exit status 0 when every step passed. Stops what it started, also when a
// step fails or hangs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { checkScreen, watchErrors } from './app_screens.mjs';

const TEST_TIMEOUT_MS = 240_000;
const STEP_TIMEOUT_MS = 20_000;

const { chromium } = await import('playwright-core');
const { values: options } = parseArgs({
  options: Object.fromEntries(['iro', 'chromium', 'screenshots'].map((name) => [name, { type: 'string' }])),
});
if (!options.iro) {
  console.error('usage: node app_test.mjs --iro IRO [--chromium PATH] [--screenshots DIR]');
  process.exit(2);
}
const screenshotDir = process.env.IRO_SCREENSHOT_DIR || options.screenshots || 'browser-screenshots';
const dir = mkdtempSync(path.join(tmpdir(), 'iro-app-test-'));
const db = path.join(dir, 'tablet.db');
const cleanups = [];
const ok = (what) => console.log(`ok - ${what}`);

function iro(...args) {
  const run = spawnSync(options.iro, ['--db', db, ...args], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`iro ${args.join(' ')}: ${run.stderr}`);
  return run.stdout.trim().split('\n').at(-1);
}

// `iro app` on the store; resolves with the address it prints.
function startApp(name) {
  const log = path.join(dir, `${name}.log`);
  const child = spawn(options.iro, ['--db', db, 'app'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
  cleanups.push(stop);
  return new Promise((resolve, reject) => {
    let printed = '';
    const timer = setTimeout(() => reject(new Error(`iro app printed no address (${log})`)), 10_000);
    child.stdout.on('data', (data) => {
      printed += data;
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/launch\?secret=[0-9a-f]+)/.exec(printed);
      if (match) {
        clearTimeout(timer);
        resolve({ url: match[1], stop });
      }
    });
    child.once('exit', (code) => reject(new Error(`iro app exited with ${code}`)));
  });
}

async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.resolve(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

function daysAgo(days) {
  const when = new Date(Date.now() - days * 86_400_000);
  const pad = (n) => String(n).padStart(2, '0');
  return `${when.getFullYear()}-${pad(when.getMonth() + 1)}-${pad(when.getDate())}`;
}

async function run() {
  // A tablet that synced a caseload of eight; one child had a review ten days ago.
  iro('demo', 'seed', '--children', '8');
  iro('add', 'review', '--child', 'DEMO-0003', '--set', `date=${daysAgo(10)}`);
  let app = await startApp('first');

  const browser = await chromium.launch({
    executablePath: options.chromium ?? '/usr/bin/chromium',
    args: ['--disable-background-networking', '--disable-component-update', '--no-first-run',
           '--disable-sync', '--disable-quic'],
  });
  cleanups.push(() => browser.close());
  const context = await browser.newContext({
    viewport: { width: 1024, height: 768 }, hasTouch: true, locale: 'en-GB',
  });
  context.setDefaultTimeout(STEP_TIMEOUT_MS);
  const page = await context.newPage();
  const errors = watchErrors(page);

  // The caseload: overdue first, the child reviewed ten days ago last.
  await page.goto(app.url);
  await page.waitForSelector('#caseload');
  const rows = await page.locator('#caseload tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ text: tr.textContent, overdue: tr.cells[0] && tr.querySelector('td .govuk-tag--red') !== null })));
  if (rows.length !== 8) throw new Error(`the caseload shows ${rows.length} children, not 8`);
  if (!rows.slice(0, 7).every((row) => row.overdue)) throw new Error('an overdue child is not among the first');
  if (rows[7].overdue || !rows[7].text.includes('DEMO-0003')) throw new Error(`the last row is ${rows[7].text}`);
  ok('the caseload shows the overdue children first');
  await checkScreen(page, 'caseload', errors);
  await screenshot(page, 'app-caseload');

  // A child's page, opened by keyboard.
  await page.focus('#caseload tbody tr:first-child a');
  await page.keyboard.press('Enter');
  await page.waitForSelector('text=Write a visit note');
  const childAddress = new URL(page.url()).hash;
  ok(`a child's page opened by keyboard (${childAddress})`);
  await checkScreen(page, "child's page", errors);
  await screenshot(page, 'app-child');

  // A visit note, by touch: saved as it is typed.
  await page.tap('text=Write a visit note');
  await page.waitForSelector('#note');
  await page.tap('label[for=visit_type-pre_review]');
  await page.tap('#place');
  await page.keyboard.type('Foster home');
  await page.tap('label[for=seen_alone-yes]');
  const words = 'Sam showed me his garden and the new rabbit. He wants to see his nan more often.';
  await page.tap('#note');
  await page.keyboard.type(words, { delay: 5 });
  await page.waitForFunction(() => document.querySelector('#note-saved')?.textContent.startsWith('Saved at'));
  const noteAddress = new URL(page.url()).hash;
  if (!/\/note\/[0-9a-f-]{36}$/.test(noteAddress)) throw new Error(`the note's address is ${noteAddress}`);
  ok('the note was saved as it was typed, and its address names it');
  await checkScreen(page, 'visit note', errors);
  await screenshot(page, 'app-note');

  await page.reload();
  await page.waitForSelector('#note');
  if ((await page.inputValue('#note')) !== words) throw new Error('the note changed across a reload');
  if (!(await page.isChecked('#seen_alone-yes'))) throw new Error('"seen alone" was lost across a reload');
  ok('the note survives a reload');

  // The app stopped and started again (a new address, a new secret).
  await app.stop();
  app = await startApp('second');
  await page.goto(app.url);
  await page.waitForSelector('#caseload');
  await page.goto(new URL(noteAddress, app.url).href);
  await page.waitForSelector('#note');
  if ((await page.inputValue('#note')) !== words) throw new Error('the note changed across a restart');
  if ((await page.inputValue('#place')) !== 'Foster home') throw new Error('the place changed across a restart');
  ok('the note survives a restart of iro app');
  await screenshot(page, 'app-note-after-restart');

  // Done: back to the child's page, which lists it.
  await page.tap('text=Done');
  await page.waitForSelector('#records');
  if (!(await page.textContent('#records')).includes('Sam showed me his garden')) {
    throw new Error("the child's page does not list the note");
  }
  ok("the child's page lists the note");
  const export_ = JSON.parse(spawnSync(options.iro, ['--db', db, 'export', '--json'], { encoding: 'utf8' }).stdout);
  if (!export_.some((record) => record.fields?.note === words)) throw new Error('the store does not hold the note');
  ok('the store holds the note word for word');
}

const watchdog = setTimeout(async () => {
  console.error(`not ok - not finished within ${TEST_TIMEOUT_MS / 1000} s`);
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  process.exit(1);
}, TEST_TIMEOUT_MS);

let passed = false;
try {
  await run();
  passed = true;
} catch (error) {
  console.error(`not ok - ${error.stack ?? error}`);
} finally {
  clearTimeout(watchdog);
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  if (passed) rmSync(dir, { recursive: true, force: true });
  else console.error(`kept for a look: ${dir}`);
}
process.exit(passed ? 0 : 1);
