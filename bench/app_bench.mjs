// The app's figures, in headless Chromium against a real `iro app` on an
// IRO's whole caseload (70 children, 10,000 visit notes of about 400
// bytes, an encrypted store with a passphrase):
//   app_caseload_ms       from pressing "Unlock" to the caseload on screen
//                         (the key unwrapped with scrypt, the store opened,
//                         the caseload and status asked for and drawn);
//                         the median of 10 unlocks
//   app_note_save_p99_ms  one autosave of a note being typed (a note.save
//                         of 800 bytes from the page) until the store has
//                         committed it durably and answered; p99 of 300
// One JSON line per figure on stdout, as bench/run prints them.
//
//   node bench/app_bench.mjs --iro IRO [--chromium PATH]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', 'tests', 'browser', 'package.json'));
const { chromium } = require('playwright-core');

const { values: options } = parseArgs({ options: { iro: { type: 'string' }, chromium: { type: 'string' } } });
if (!options.iro) {
  console.error('usage: node bench/app_bench.mjs --iro IRO [--chromium PATH]');
  process.exit(2);
}
const PASSPHRASE = 'kitchen table 42';
const CHILDREN = 70;
const NOTES = 10_000;
const UNLOCKS = 10;
const SAVES = 300;

const dir = mkdtempSync(path.join(tmpdir(), 'iro-bench-app-'));
const db = path.join(dir, 'tablet.db');
const key = path.join(dir, 'tablet.key');

function iro(args, input) {
  const run = spawnSync(options.iro, ['--db', db, '--key-file', key, ...args],
                        { encoding: 'utf8', input, maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`iro ${args.join(' ')}: ${run.stderr}`);
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};
const figure = (name, value, goal) => console.log(JSON.stringify({
  name, value: Number(value.toFixed(3)), unit: 'ms', goal, ok: value <= goal,
}));

let app;
let browser;
try {
  writeFileSync(key, `${'5a'.repeat(32)}\n`, { mode: 0o600 });
  iro(['demo', 'seed', '--children', String(CHILDREN)]);
  const sentence = 'Seen at home with her carer; talked about school, contact and the next review. ';
  const lines = [];
  for (let i = 0; i < NOTES; i++) {
    const child = `DEMO-${String((i % CHILDREN) + 1).padStart(4, '0')}`;
    lines.push(JSON.stringify({ child, text: `Visit ${i}. ${sentence.repeat(5)}` }));
  }
  const notes = path.join(dir, 'notes.jsonl');
  writeFileSync(notes, `${lines.join('\n')}\n`);
  iro(['note', 'import', notes]);
  iro(['passphrase', 'set'], `${PASSPHRASE}\n`);

  app = spawn(options.iro, ['--db', db, 'app'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise((resolve, reject) => {
    let printed = '';
    const timer = setTimeout(() => reject(new Error(`iro app printed no address: ${printed}`)), 20_000);
    app.stdout.on('data', (chunk) => {
      printed += chunk;
      const match = /open (http:\/\/\S+)/.exec(printed);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  browser = await chromium.launch({ executablePath: options.chromium ?? '/usr/bin/chromium' });
  const page = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
  await page.goto(url);

  const unlocks = [];
  for (let i = 0; i < UNLOCKS; i++) {
    await page.waitForSelector('#unlock-form');
    await page.fill('#passphrase', PASSPHRASE);
    const started = performance.now();
    await page.press('#passphrase', 'Enter');
    await page.waitForSelector('#caseload tbody tr');
    unlocks.push(performance.now() - started);
    const rows = await page.locator('#caseload tbody tr').count();
    if (rows !== CHILDREN) throw new Error(`the caseload shows ${rows} children`);
    await page.click('#lock');
  }

  await page.waitForSelector('#unlock-form');
  await page.fill('#passphrase', PASSPHRASE);
  await page.press('#passphrase', 'Enter');
  await page.waitForSelector('#caseload');
  const saves = await page.evaluate(async ({ count, text }) => {
    const save = (body) => fetch('/api', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    }).then((response) => {
      if (!response.ok) throw new Error(`note.save answered ${response.status}`);
      return response.json();
    });
    const { id } = await save({ op: 'note.save', child_id: 'DEMO-0001', fields: { note: text } });
    const times = [];
    for (let i = 0; i < count; i++) {
      const started = performance.now();
      await save({ op: 'note.save', id, child_id: 'DEMO-0001', fields: { note: `${text} ${i}` } });
      times.push(performance.now() - started);
    }
    return times;
  }, { count: SAVES, text: 'The IRO is typing. '.repeat(42) });

  console.error(`app_bench: ${CHILDREN} children, ${NOTES} notes; unlock to caseload ${unlocks.map((t) => t.toFixed(0)).join(' ')} ms`);
  figure('app_caseload_ms', percentile(unlocks, 50), 300);
  figure('app_note_save_p99_ms', percentile(saves, 99), 50);
} finally {
  await browser?.close();
  app?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
