// The IRO's app (`iro app`) in Debian's chromium, headless, on a tablet's
// screen (1024 x 768, touch), driven by playwright-core as an IRO would use
// it, against a real iro-server on 127.0.0.1 (plaintext, loopback only): the
// caseload synced from the demo county with the overdue children first, a
// child's page, and, with the server stopped, a visit note written and saved
// as it is typed, which survives a reload and a restart of the app and goes
// to the server by itself once the server is back. Every screen is checked
// with axe-core, by keyboard and for touch target sizes (app_screens.mjs);
// screenshots of each.
//
//   node app_test.mjs --iro IRO --server IRO_SERVER [--chromium PATH] [--screenshots DIR]
//
// Exit status 0 when every step passed. Stops what it started, also when a
// step fails or hangs.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import { checkScreen, watchErrors } from './app_screens.mjs';

const TEST_TIMEOUT_MS = 240_000;
const STEP_TIMEOUT_MS = 20_000;

const { chromium } = await import('playwright-core');
const { values: options } = parseArgs({
  options: Object.fromEntries(['iro', 'server', 'chromium', 'screenshots'].map((name) => [name, { type: 'string' }])),
});
if (!options.iro || !options.server) {
  console.error('usage: node app_test.mjs --iro IRO --server IRO_SERVER [--chromium PATH] [--screenshots DIR]');
  process.exit(2);
}
const screenshotDir = process.env.IRO_SCREENSHOT_DIR || options.screenshots || 'browser-screenshots';
const dir = mkdtempSync(path.join(tmpdir(), 'iro-app-test-'));
const db = path.join(dir, 'tablet.db');
const data = path.join(dir, 'server');
const cleanups = [];
const ok = (what) => console.log(`ok - ${what}`);

function runProgram(program, args) {
  const run = spawnSync(program, args, { encoding: 'utf8', timeout: 60_000 });
  if (run.status !== 0) throw new Error(`${path.basename(program)} ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}
const iro = (...args) => runProgram(options.iro, ['--db', db, ...args]).trim().split('\n').at(-1);
const admin = (...args) => runProgram(options.server, ['admin', '--data', data, ...args]);

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

// A program left running; resolves once `ready` matches what it printed.
function startProgram(program, args, ready, what) {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
  cleanups.push(stop);
  return new Promise((resolve, reject) => {
    let printed = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${printed}`)), 20_000);
    const read = (chunk) => {
      printed += chunk;
      const match = ready.exec(printed);
      if (match) {
        clearTimeout(timer);
        resolve({ match, stop });
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => reject(new Error(`${what} exited with ${code}:\n${printed}`)));
  });
}

const startServer = (port) => startProgram(
  options.server, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`, '--insecure-loopback'],
  /listening on 127\.0\.0\.1:\d+/, 'iro-server');

async function startApp() {
  const { match, stop } = await startProgram(
    options.iro, ['--db', db, 'app'], /open (http:\/\/127\.0\.0\.1:\d+\/launch\?secret=[0-9a-f]+)/, 'iro app');
  return { url: match[1], stop };
}

async function screenshot(page, name) {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.resolve(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`screenshot: ${file}`);
}

// Waits (bounded) until the status bar's tag says `tag`; returns its words.
async function statusSays(page, tag, withinMs) {
  await page.waitForFunction((wanted) => document.querySelector('#sync-state')?.textContent.trim() === wanted,
                             tag, { timeout: withinMs });
  return page.textContent('#sync-words');
}

async function run() {
  // The demo county on a real server; Alex's tablet enrols and syncs.
  const county = admin('demo-county', '--children', '12');
  const alex = /^iro (\S+) .*enrolment code (\S+)/m.exec(county);
  if (!alex) throw new Error(`unexpected demo-county output:\n${county}`);
  // And a child looked after since 2020 with no review yet: overdue, whatever today is.
  const csv = path.join(dir, 'overdue.csv');
  writeFileSync(csv, 'child_id,first_name,last_name,date_of_birth,looked_after_since,legal_status\n' +
                     'DEMO-9001,Robin,Overdue-Example,2012-04-04,2020-01-06,C2\n');
  admin('import-children', '--tenant', 'demo-county', csv);
  admin('allocate', '--child', 'DEMO-9001', '--user', alex[1]);
  const port = await freePort();
  let server = await startServer(port);
  iro('enrol', '--server', `ws://127.0.0.1:${port}`, '--code', alex[2]);
  iro('sync');
  let app = await startApp();

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

  // The caseload: every overdue child before every child who is not.
  await page.goto(app.url);
  await page.waitForSelector('#caseload');
  const overdue = await page.locator('#caseload tbody tr').evaluateAll((trs) =>
    trs.map((tr) => tr.cells[1]?.querySelector('.govuk-tag--red') !== null));
  if (overdue.length < 2 || !overdue[0]) throw new Error(`the caseload's overdue marks: ${overdue}`);
  if (overdue.indexOf(false) !== -1 && overdue.lastIndexOf(true) > overdue.indexOf(false)) {
    throw new Error(`a child not overdue comes before an overdue one: ${overdue}`);
  }
  ok(`the caseload shows ${overdue.filter(Boolean).length} overdue children first, of ${overdue.length}`);
  await statusSays(page, 'Synced', STEP_TIMEOUT_MS);
  await checkScreen(page, 'caseload', errors);
  await screenshot(page, 'app-caseload');

  // A child's page, opened by keyboard.
  await page.focus('#caseload tbody tr:first-child a');
  await page.keyboard.press('Enter');
  await page.waitForSelector('text=Write a visit note');
  ok(`a child's page opened by keyboard (${new URL(page.url()).hash})`);
  await checkScreen(page, "child's page", errors);
  await screenshot(page, 'app-child');

  // The server goes away (no signal in the foster carer's kitchen).
  await server.stop();
  await page.tap('#sync-now');
  const offline = await statusSays(page, 'Offline', STEP_TIMEOUT_MS);
  ok(`offline shows: "${offline.trim()}"`);

  // A visit note, by touch, saved as it is typed.
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
  await statusSays(page, 'Offline', STEP_TIMEOUT_MS);
  await page.waitForFunction(() => /not on the server yet/.test(document.querySelector('#sync-words')?.textContent));
  ok(`the note was saved as it was typed, offline: "${(await page.textContent('#sync-words')).trim()}"`);
  await checkScreen(page, 'visit note', errors);
  await screenshot(page, 'app-note-offline');

  await page.reload();
  await page.waitForSelector('#note');
  if ((await page.inputValue('#note')) !== words) throw new Error('the note changed across a reload');
  if (!(await page.isChecked('#seen_alone-yes'))) throw new Error('"seen alone" was lost across a reload');
  ok('the note survives a reload');

  // The app stopped and started again (a new address, a new secret).
  await app.stop();
  app = await startApp();
  await page.goto(app.url);
  await page.waitForSelector('#caseload');
  await page.goto(new URL(noteAddress, app.url).href);
  await page.waitForSelector('#note');
  if ((await page.inputValue('#note')) !== words) throw new Error('the note changed across a restart');
  if ((await page.inputValue('#place')) !== 'Foster home') throw new Error('the place changed across a restart');
  ok('the note survives a restart of iro app');

  // The server is back: the app syncs by itself within 10 s, and nothing waits.
  server = await startServer(port);
  const started = Date.now();
  const synced = await statusSays(page, 'Synced', 10_000);
  if (!/everything is on the server/i.test(synced)) throw new Error(`after the sync: "${synced}"`);
  ok(`synced by itself ${((Date.now() - started) / 1000).toFixed(1)} s after the server came back: "${synced.trim()}"`);
  await screenshot(page, 'app-synced');
  const onServer = admin('export', '--user', alex[1]);
  if (!onServer.includes(words)) throw new Error("the server's export does not hold the note");
  ok("the server's export holds the note word for word");

  // Done: back to the child's page, which lists it.
  await page.tap('text=Done');
  await page.waitForSelector('#records');
  if (!(await page.textContent('#records')).includes('Sam showed me his garden')) {
    throw new Error("the child's page does not list the note");
  }
  ok("the child's page lists the note");
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
