// The processes and small waits of the app's browser test: programs run to
// completion, programs left running (stopped by `cleanups`), a free port on
// 127.0.0.1, screenshots and the status bar's words.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

export const cleanups = [];

export function runProgram(program, args, input = undefined) {
  const run = spawnSync(program, args, { encoding: 'utf8', timeout: 60_000, input });
  if (run.status !== 0) throw new Error(`${path.basename(program)} ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

export function freePort() {
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
export function startProgram(program, args, ready, what) {
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

export function screenshotter(directory) {
  return async (page, name) => {
    mkdirSync(directory, { recursive: true });
    const file = path.resolve(directory, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    // A full-page screenshot resizes the viewport and back; setting it again
    // leaves touch input mapped to the page as a user's finger would be
    // (without it, later taps on a scrolled page reach the wrong element).
    await page.setViewportSize(page.viewportSize());
    console.log(`screenshot: ${file}`);
  };
}

// Waits (bounded) until the status bar's tag says `tag`; returns its words.
export async function statusSays(page, tag, withinMs) {
  await page.waitForFunction((wanted) => document.querySelector('#sync-state')?.textContent.trim() === wanted,
                             tag, { timeout: withinMs });
  return page.textContent('#sync-words');
}

// POST /api from the page itself, as a script on it could: the reply's
// HTTP status and body.
export function apiFromPage(page, request) {
  return page.evaluate(async (body) => {
    const response = await fetch('/api', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    return { status: response.status, reply: await response.json() };
  }, request);
}
