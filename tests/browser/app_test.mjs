// The IRO's app (`iro app`) in Debian's chromium, headless, on a tablet's
// screen (1024 x 768, touch), driven by playwright-core as an IRO and a
// child would use it, against a real iro-server on 127.0.0.1 (plaintext,
// loopback only), on an encrypted tablet store with a passphrase:
//   unlock; the caseload with the overdue children first; a child's page;
//   with the server stopped, a visit note written offline that survives a
//   reload and a restart of the app; the tablet handed to a six-year-old in
//   child mode, a form answered with faces and a drawing;
//   child mode left neither by address nor by API, only with the
//   passphrase; the letter drafted from the review; the server back, the
//   app syncing by itself with nothing left to send, and the server's export
//   holding the note, the answers and the drawing byte for byte; a second
//   device editing the same words offline, the conflict shown side by side
//   and resolved in the app, nothing typed lost.
// Every screen is checked with axe-core, by keyboard and for touch target
// sizes (app_screens.mjs); screenshots of each.
//
//   node app_test.mjs --iro IRO --server IRO_SERVER [--chromium PATH] [--screenshots DIR]
//
// Exit status 0 when every step passed. Stops what it started, also when a
// step fails or hangs.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

import {
  apiFromPage, cleanups, freePort, runProgram, screenshotter, startProgram, statusSays,
} from './app_harness.mjs';
import { checkScreen, watchErrors } from './app_screens.mjs';

const TEST_TIMEOUT_MS = 280_000;
const STEP_TIMEOUT_MS = 20_000;
const PASSPHRASE = 'kitchen table 42';

const { chromium } = await import('playwright-core');
const { values: options } = parseArgs({
  options: Object.fromEntries(['iro', 'server', 'chromium', 'screenshots'].map((name) => [name, { type: 'string' }])),
});
if (!options.iro || !options.server) {
  console.error('usage: node app_test.mjs --iro IRO --server IRO_SERVER [--chromium PATH] [--screenshots DIR]');
  process.exit(2);
}
const screenshot = screenshotter(process.env.IRO_SCREENSHOT_DIR || options.screenshots || 'browser-screenshots');
const dir = mkdtempSync(path.join(tmpdir(), 'iro-app-test-'));
const db = path.join(dir, 'tablet.db');
const keyFile = path.join(dir, 'tablet.key');
const secondDb = path.join(dir, 'second-tablet.db');
const data = path.join(dir, 'server');
const ok = (what) => console.log(`ok - ${what}`);
const check = (condition, what) => {
  if (!condition) throw new Error(what);
};

const lastLine = (text) => text.trim().split('\n').at(-1);
const iro = (...args) => lastLine(runProgram(options.iro, ['--db', db, '--key-file', keyFile, ...args]));
const second = (...args) => lastLine(runProgram(options.iro, ['--db', secondDb, ...args]));
const admin = (...args) => runProgram(options.server, ['admin', '--data', data, ...args]);
const isoDaysAgo = (days) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

const startServer = (port) => startProgram(
  options.server, ['serve', '--data', data, '--listen', `127.0.0.1:${port}`, '--insecure-loopback'],
  /listening on 127\.0\.0\.1:\d+/, 'iro-server');

// `iro app` with no key: the passphrase is all it has.
async function startApp() {
  const { match, stop } = await startProgram(
    options.iro, ['--db', db, 'app'], /open (http:\/\/127\.0\.0\.1:\d+\/launch\?secret=[0-9a-f]+)/, 'iro app');
  return { url: match[1], origin: new URL(match[1]).origin, stop };
}

async function unlock(page, errors) {
  await page.waitForSelector('#unlock-form');
  await tapAndType(page, '#passphrase', PASSPHRASE);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#unlock-form', { state: 'detached' });
  errors.splice(0); // the 403s of the requests made while locked
}

// A finger on a text field, then typing, as a person does: a moment after
// the tap. (Keys sent at once after a synthetic tap are dropped by Chromium
// now and then: the field has the focus, but no text goes in.)
async function tapAndType(page, selector, text, options = {}) {
  await page.tap(selector);
  await page.waitForFunction((wanted) => document.activeElement === document.querySelector(wanted), selector);
  await page.waitForTimeout(400);
  await page.keyboard.type(text, options);
}

async function heading(page) {
  return (await page.textContent('h1')).trim();
}

// A stroke drawn on the pad: pointer events, as a finger or a stylus gives
// them. (Drawn with the mouse's pointer: touches sent through a second
// debugging session leave headless Chromium making no clicks of later taps.)
async function drawStroke(page, selector) {
  await page.locator(selector).scrollIntoViewIfNeeded();
  const box = await page.locator(selector).boundingBox();
  const at = (fx, fy) => [box.x + box.width * fx, box.y + box.height * fy];
  await page.mouse.move(...at(0.2, 0.5));
  await page.mouse.down();
  for (let step = 1; step <= 20; step++) {
    const t = step / 20;
    await page.mouse.move(...at(0.2 + 0.6 * t, 0.5 - 0.3 * Math.sin(Math.PI * t)));
  }
  await page.mouse.up();
}

async function setUpCounty(dir) {
  const county = admin('demo-county', '--children', '12');
  const alex = /^iro (\S+) .*enrolment code (\S+)/m.exec(county);
  check(alex, `unexpected demo-county output:\n${county}`);
  // A child looked after since 2020 with no review yet (overdue, whatever
  // today is), and a six-year-old who had a review two days ago.
  const csv = path.join(dir, 'children.csv');
  const sixYearsAgo = isoDaysAgo(6 * 365 + 40);
  writeFileSync(csv, 'child_id,first_name,last_name,date_of_birth,looked_after_since,legal_status\n' +
                     'DEMO-9001,Robin,Overdue-Example,2012-04-04,2020-01-06,C2\n' +
                     `DEMO-9002,Poppy,Young-Example,${sixYearsAgo},${isoDaysAgo(200)},C2\n`);
  admin('import-children', '--tenant', 'demo-county', csv);
  admin('allocate', '--child', 'DEMO-9001', '--user', alex[1]);
  admin('allocate', '--child', 'DEMO-9002', '--user', alex[1]);
  return { user: alex[1], code: alex[2] };
}

async function run() {
  const alex = await setUpCounty(dir);
  const port = await freePort();
  let server = await startServer(port);
  // Alex's tablet: an encrypted store, enrolled and synced, with a passphrase.
  writeFileSync(keyFile, `${'3c'.repeat(32)}\n`, { mode: 0o600 });
  iro('enrol', '--server', `ws://127.0.0.1:${port}`, '--code', alex.code);
  iro('sync');
  const reviewId = iro('add', 'review', '--child', 'DEMO-9002', '--set', `date=${isoDaysAgo(2)}`,
                       '--set', 'recommendations=You will stay with Jo and Sam.');
  runProgram(options.iro, ['--db', db, '--key-file', keyFile, 'passphrase', 'set'], `${PASSPHRASE}\n`);
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
  failurePage = page;
  const errors = watchErrors(page);

  // Unlock: the store opens with the passphrase alone.
  await page.goto(app.url);
  await page.waitForSelector('#unlock-form');
  await tapAndType(page, '#passphrase', 'not my passphrase');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#error-summary');
  check(/not the passphrase/.test(await page.textContent('#error-summary')), 'a wrong passphrase is not said');
  errors.splice(0);
  await checkScreen(page, 'unlock', errors);
  await screenshot(page, 'app-unlock');
  await unlock(page, errors);
  ok('unlocked with the passphrase, after a wrong one was refused');

  // The caseload: every overdue child before every child who is not.
  await page.waitForSelector('#caseload');
  const overdue = await page.locator('#caseload tbody tr').evaluateAll((trs) =>
    trs.map((tr) => tr.cells[1]?.querySelector('.govuk-tag--red') !== null));
  check(overdue.length >= 2 && overdue[0], `the caseload's overdue marks: ${overdue}`);
  check(overdue.indexOf(false) === -1 || overdue.lastIndexOf(true) < overdue.indexOf(false),
        `a child not overdue comes before an overdue one: ${overdue}`);
  ok(`the caseload shows ${overdue.filter(Boolean).length} overdue children first, of ${overdue.length}`);
  await statusSays(page, 'Synced', STEP_TIMEOUT_MS);
  await checkScreen(page, 'caseload', errors);
  await screenshot(page, 'app-caseload');

  // "Lock" locks at once.
  await page.tap('#lock');
  await unlock(page, errors);
  await page.waitForSelector('#caseload');
  ok('"Lock" locks the app, and the passphrase opens it again');

  await page.goto(`${app.origin}/#/passphrase`);
  await page.waitForSelector('#passphrase-form');
  check((await heading(page)) === 'Change your passphrase', `the passphrase screen: ${await heading(page)}`);
  await checkScreen(page, 'passphrase', errors);
  await screenshot(page, 'app-passphrase');

  // A child's page, opened by keyboard.
  await page.goto(`${app.origin}/#/`);
  await page.waitForSelector('#caseload');
  await page.focus('#caseload tbody tr:first-child a');
  await page.keyboard.press('Enter');
  await page.waitForSelector('text=Write a visit note');
  const firstChild = new URL(page.url()).hash;
  ok(`a child's page opened by keyboard (${firstChild})`);
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
  await tapAndType(page, '#place', 'Foster home');
  await page.tap('label[for=seen_alone-yes]');
  const words = 'Sam showed me his garden and the new rabbit. He wants to see his nan more often.';
  await tapAndType(page, '#note', words, { delay: 5 });
  await page.waitForFunction(() => document.querySelector('#note-saved')?.textContent.startsWith('Saved at'));
  const noteAddress = new URL(page.url()).hash;
  const noteId = /\/note\/([0-9a-f-]{36})$/.exec(noteAddress)?.[1];
  check(noteId, `the note's address is ${noteAddress}`);
  await statusSays(page, 'Offline', STEP_TIMEOUT_MS);
  await page.waitForFunction(() => /not on the server yet/.test(document.querySelector('#sync-words')?.textContent));
  ok(`the note was saved as it was typed, offline: "${(await page.textContent('#sync-words')).trim()}"`);
  await checkScreen(page, 'visit note', errors);
  await screenshot(page, 'app-note-offline');

  await page.reload();
  await page.waitForSelector('#note');
  check((await page.inputValue('#note')) === words, 'the note changed across a reload');
  check(await page.isChecked('#seen_alone-yes'), '"seen alone" was lost across a reload');
  ok('the note survives a reload');

  // The app stopped and started again (a new address, a new secret, locked).
  await app.stop();
  app = await startApp();
  await page.goto(app.url);
  await unlock(page, errors);
  await page.goto(`${app.origin}/${noteAddress}`);
  await page.waitForSelector('#note');
  check((await page.inputValue('#note')) === words, 'the note changed across a restart');
  check((await page.inputValue('#place')) === 'Foster home', 'the place changed across a restart');
  ok('the note survives a restart of iro app');

  // Child mode: the tablet handed to Poppy, six, for the form for her age.
  await page.goto(`${app.origin}/#/child/DEMO-9002`);
  await page.tap('text=Hand over for a form');
  await page.waitForSelector('#handover-form');
  check(await page.isChecked('#form-review_under_8'), 'the under-8 form is not the one suggested');
  await page.tap('label[for=helped-by-carer]');
  await checkScreen(page, 'hand over', errors);
  await screenshot(page, 'app-handover');
  await page.tap('text=Give the tablet to Poppy');
  await page.waitForSelector('#child-form');
  check((await heading(page)) === 'Hello, Poppy', `the form greets: ${await heading(page)}`);
  check(await page.isHidden('#app-menu'), 'the IRO\'s menu shows in child mode');
  check(await page.isHidden('#sync-status'), 'the sync status shows in child mode');

  const drawn = {};
  page.on('request', (request) => {
    if (request.url().endsWith('/api') && request.postData()?.includes('"child.drawing"')) {
      drawn.png = JSON.parse(request.postData()).png_base64;
    }
  });
  page.on('response', async (response) => {
    if (response.url().endsWith('/api') && response.request().postData()?.includes('"child.drawing"')) {
      drawn.hash = (await response.json()).hash;
    }
  });
  await page.tap('label[for=answer-feel_at_home-10]');
  await page.tap('label[for=answer-family_time-happy]');
  await tapAndType(page, '#answer-good_things', 'My rabbit Biscuit');
  await tapAndType(page, '#answer-not_talk_about', "Dad's new flat");
  await page.tap('label[for=answer-come_to_meeting-yes]');
  await page.waitForFunction(() => document.querySelector('#answers-saved')?.textContent === 'Your answers are saved.');
  await drawStroke(page, '#drawing');
  await page.tap('#save-drawing');
  await page.waitForFunction(() => /You have saved 1 drawing/.test(document.querySelector('#drawings-saved')?.textContent));
  check(drawn.png && drawn.hash, 'the drawing was not sent to the store');
  ok('a six-year-old answered with faces, words and a drawing');
  await checkScreen(page, 'child mode: the under-8 form', errors);
  await screenshot(page, 'app-child-mode-form');

  // No way out but the passphrase: not by address, the back button, or the API.
  await page.evaluate(() => { location.hash = '#/child/DEMO-9001'; });
  await page.waitForFunction(() => location.hash === '#/child-mode');
  await page.goto(`${app.origin}/#/`);
  await page.waitForSelector('#child-form');
  await page.goBack();
  await page.waitForSelector('#child-form');
  check((await heading(page)) === 'Hello, Poppy', 'the caseload showed in child mode');
  for (const request of [{ op: 'caseload' }, { op: 'child', child_id: 'DEMO-9001' }, { op: 'refused' }]) {
    const { status, reply } = await apiFromPage(page, request);
    check(status === 403 && /child mode/.test(reply.error?.message), `${request.op} in child mode: ${status} ${JSON.stringify(reply)}`);
  }
  // The host's lock is no way out either: unlocked again, it is still the child's form.
  check((await apiFromPage(page, { op: 'app.lock' })).status === 200, 'app.lock was refused');
  await page.reload();
  await unlock(page, errors);
  await page.waitForSelector('#child-form');
  check((await heading(page)) === 'Hello, Poppy', 'unlocked out of child mode');
  ok('child mode holds against a typed address, the back button and API requests');

  await page.tap('#finish');
  await page.waitForSelector('.govuk-panel');
  await checkScreen(page, 'child mode: thank you', errors);
  await screenshot(page, 'app-child-mode-finished');
  await page.tap('text=For the grown-up: finish');
  await page.waitForSelector('#leave-form');
  await tapAndType(page, '#passphrase', 'let me out please');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#error-summary');
  errors.splice(0);
  await checkScreen(page, 'child mode: leaving', errors);
  await screenshot(page, 'app-child-mode-leave');
  await page.fill('#passphrase', PASSPHRASE);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#records');
  check(new URL(page.url()).hash === '#/child/DEMO-9002', `left child mode to ${page.url()}`);
  check((await page.textContent('#records')).includes('Consultation form'), "the form is not on Poppy's page");
  ok('the passphrase ends child mode, back on the child\'s page with the form listed');

  // The IRO reads the form back: the answers, and the drawing as she drew it.
  await page.tap('text=Consultation form');
  await page.waitForSelector('#answers');
  const answers = await page.textContent('#answers');
  check(answers.includes('My rabbit Biscuit') && answers.includes("Dad's new flat"), `the answers read back: ${answers}`);
  check(/Not to be talked about/.test(answers), 'the words kept out are not marked');
  await page.waitForFunction(() => document.querySelector('.app-drawing-image')?.naturalWidth > 0);
  const drawingShown = await page.getAttribute('.app-drawing-image', 'src');
  check(drawingShown === `data:image/png;base64,${drawn.png}`, 'the drawing shown is not the one drawn');
  await checkScreen(page, 'consultation read back', errors);
  await screenshot(page, 'app-consultation');
  await page.goBack();
  await page.waitForSelector('#records');
  ok('the IRO reads the answers back, the private one marked, with the drawing');

  // The letter, drafted from the review.
  await page.tap(`a[href="#/child/DEMO-9002/review/${reviewId}/letter"]`);
  await page.waitForSelector('#body');
  const draft = await page.inputValue('#body');
  check(draft.startsWith('Dear Poppy'), `the draft begins: ${draft.slice(0, 40)}`);
  check(draft.includes('My rabbit Biscuit'), 'the draft does not quote what Poppy said');
  check(!draft.includes("Dad's new flat"), 'the draft quotes what Poppy did not want talked about');
  await page.tap('#body');
  await page.waitForTimeout(400);
  await page.keyboard.press('Control+End');
  await page.keyboard.type('\n\nPS: Biscuit says hello.');
  await page.waitForFunction(() => /PS: Biscuit says hello/.test(document.querySelector('#letter-preview')?.textContent));
  const letterId = /\/letter\/([0-9a-f-]{36})$/.exec(new URL(page.url()).hash)?.[1];
  check(letterId, `the letter's address is ${page.url()}`);
  await page.waitForSelector('#download-pdf:not([hidden])');
  await checkScreen(page, 'letter', errors);
  await screenshot(page, 'app-letter');
  // The letter as a PDF file, made by the desktop host's renderer.
  const [download] = await Promise.all([page.waitForEvent('download'), page.tap('#download-pdf')]);
  const pdf = path.join(dir, 'letter.pdf');
  await download.saveAs(pdf);
  check(readFileSync(pdf).subarray(0, 5).toString() === '%PDF-', 'the download is not a PDF');
  check(download.suggestedFilename() === 'letter-DEMO-9002.pdf', `the PDF is named ${download.suggestedFilename()}`);
  await page.tap('#submit-letter');
  await page.waitForFunction(() => document.querySelector('#letter-status')?.textContent.trim() === 'Waiting for approval');
  ok('the letter drafted from the review quotes Poppy but not what she kept out, edited and submitted');

  // The server is back: the app syncs by itself within 10 s, and nothing waits.
  server = await startServer(port);
  const started = Date.now();
  const synced = await statusSays(page, 'Synced', 10_000);
  check(/everything is on the server/i.test(synced), `after the sync: "${synced}"`);
  ok(`synced by itself ${((Date.now() - started) / 1000).toFixed(1)} s after the server came back: "${synced.trim()}"`);
  await screenshot(page, 'app-synced');
  const onServer = JSON.parse(admin('export', '--user', alex.user));
  const record = (id) => onServer.find((r) => r.id === id);
  check(record(noteId)?.fields.note === words, "the server's export does not hold the note");
  const consultation = onServer.find((r) => r.kind === 'consultation' && r.child_id === 'DEMO-9002');
  check(consultation?.fields['answer.feel_at_home'] === '10', 'the face is not on the server');
  check(consultation.fields['answer.not_talk_about'] === "Dad's new flat", `the words kept out are not on the server: ${JSON.stringify(consultation.fields)}`);
  check(consultation.fields.helped_by === 'carer', 'who helped is not on the server');
  check(record(letterId)?.fields.status === 'submitted', 'the letter is not on the server, submitted');
  const drawing = path.join(dir, 'drawing.png');
  admin('attachment', '--tenant', 'demo-county', '--hash', drawn.hash, '--out', drawing);
  check(readFileSync(drawing).equals(Buffer.from(drawn.png, 'base64')), 'the drawing differs on the server');
  ok("the server's export holds the note, the answers and the letter, and the drawing byte for byte");

  // A second tablet of Alex's edits the same words offline, overlapping the app's edit.
  second('enrol', '--server', `ws://127.0.0.1:${port}`, '--code', lastLine(admin('enrol', '--user', alex.user)));
  second('sync');
  await page.goto(`${app.origin}/${noteAddress}`);
  await page.waitForSelector('#note');
  const ours = words.replace('the new rabbit', 'the new rabbit, Biscuit');
  await page.fill('#note', ours);
  await page.waitForFunction(() => document.querySelector('#note-saved')?.textContent.startsWith('Saved at'));
  await statusSays(page, 'Synced', STEP_TIMEOUT_MS);
  const theirs = words.replace('the new rabbit', 'the two new rabbits');
  second('edit', noteId, '--set', `note=${theirs}`);
  second('sync');
  await page.tap('#sync-now');
  await page.waitForFunction(() => document.querySelector('#sync-state')?.textContent.trim() === 'Syncing', null, { timeout: 5000 }).catch(() => {});
  await statusSays(page, 'Synced', STEP_TIMEOUT_MS);
  await page.reload();
  await page.waitForSelector('#conflicts');
  const shown = await page.textContent('#conflicts');
  check(shown.includes('Biscuit') && shown.includes('the two new rabbits'), `both versions are not shown: ${shown}`);
  await checkScreen(page, 'conflict', errors);
  await screenshot(page, 'app-conflict');
  const merged = words.replace('the new rabbit', 'the two new rabbits, one called Biscuit');
  await page.fill('#conflict-0-merged', merged);
  await page.tap('text=Save the version I wrote');
  await page.waitForSelector('#conflicts', { state: 'detached' });
  check((await page.inputValue('#note')) === merged, 'the note is not the merged words');
  await statusSays(page, 'Synced', STEP_TIMEOUT_MS);
  second('sync');
  const onSecond = JSON.parse(runProgram(options.iro, ['--db', secondDb, 'show', noteId]));
  check(onSecond.fields.note === merged, `the second tablet has: ${onSecond.fields.note}`);
  check(!onSecond.conflicts?.length, 'the conflict is still on the second tablet');
  check(JSON.parse(admin('export', '--user', alex.user)).find((r) => r.id === noteId).fields.note === merged,
        'the server does not hold the merged words');
  ok('the conflict was shown side by side, resolved in the app, and every device has the merged words');
}

const watchdog = setTimeout(async () => {
  console.error(`not ok - not finished within ${TEST_TIMEOUT_MS / 1000} s`);
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  process.exit(1);
}, TEST_TIMEOUT_MS);

let passed = false;
let failurePage = null; // shown in a screenshot when a step fails
try {
  await run();
  passed = true;
} catch (error) {
  console.error(`not ok - ${error.stack ?? error}`);
  if (failurePage) await screenshot(failurePage, 'app-failure').catch(() => {});
} finally {
  clearTimeout(watchdog);
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  if (passed) rmSync(dir, { recursive: true, force: true });
  else console.error(`kept for a look: ${dir}`);
}
process.exit(passed ? 0 : 1);
