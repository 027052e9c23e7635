// What the app's browser test checks on every screen: axe-core finds no
// serious or critical violation, every control can be reached by keyboard,
// every touch target is at least 44 by 44 CSS pixels, and the page logged no
// error (a Content-Security-Policy violation included).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// The page's errors as they happen (console errors and uncaught exceptions).
export function watchErrors(page) {
  const errors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

// axe-core on the page as it is, through the debugging protocol (so the
// page's own CSP, which forbids injected scripts, stays in force for the app).
export async function seriousViolations(page) {
  const result = await page.evaluate(`${axeSource};\naxe.run(document, { resultTypes: ['violations'] })`);
  return result.violations
    .filter((violation) => ['serious', 'critical'].includes(violation.impact))
    .map((violation) => `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

// Controls smaller than 44 x 44 CSS pixels (a radio's label counts with it).
export async function smallTouchTargets(page) {
  return page.evaluate(() => {
    const small = [];
    for (const element of document.querySelectorAll('a[href], button, input, textarea, select')) {
      if (element.closest('.govuk-skip-link')) continue; // shown only when focused
      let box = element.getBoundingClientRect();
      if (element.matches('input[type=radio], input[type=checkbox]')) {
        box = element.closest('.govuk-radios__item, .govuk-checkboxes__item')?.getBoundingClientRect() ?? box;
      }
      if (box.width === 0 && box.height === 0) continue; // not shown
      if (box.width < 44 || box.height < 44) {
        small.push(`${element.tagName.toLowerCase()} "${(element.textContent || element.name || '').trim().slice(0, 40)}" ${Math.round(box.width)}x${Math.round(box.height)}`);
      }
    }
    return small;
  });
}

// Every control's accessible name, in the order Tab reaches them; fails
// when a visible control is never reached (a trap, or a control that takes
// no focus).
export async function unreachableByKeyboard(page) {
  const controls = await page.evaluate(() =>
    [...document.querySelectorAll('a[href], button, input, textarea, select')]
      .filter((element) => {
        const box = element.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && !element.disabled;
      })
      .map((element, i) => {
        element.dataset.keyboardCheck = String(i);
        return String(i);
      }),
  );
  const reached = new Set();
  // From the top: the skip link is the page's first control (shown when focused).
  await page.evaluate(() => document.querySelector('.govuk-skip-link')?.focus());
  // Stops at the end of the page: Tab past the last control leaves the page
  // for the browser's own controls, after which a tap no longer reaches
  // the page as a user's would (its click goes to the body).
  for (let presses = 0; presses < controls.length * 3 + 10 && reached.size < controls.length; presses++) {
    const id = await page.evaluate(() => document.activeElement?.dataset?.keyboardCheck ?? null);
    if (id !== null) reached.add(id);
    else if (reached.size > 0 && (await page.evaluate(() => !document.activeElement || document.activeElement === document.body))) break;
    await page.keyboard.press('Tab');
  }
  await page.evaluate(() => document.activeElement?.blur());
  // Radios of one group take one tab stop: a group counts as reached with any of them.
  return page.evaluate((reachedIds) => {
    const groups = new Set();
    const missing = [];
    for (const element of document.querySelectorAll('[data-keyboard-check]')) {
      if (element.type === 'radio') {
        if (reachedIds.includes(element.dataset.keyboardCheck)) groups.add(element.name);
      }
    }
    for (const element of document.querySelectorAll('[data-keyboard-check]')) {
      const ok = element.type === 'radio' ? groups.has(element.name) : reachedIds.includes(element.dataset.keyboardCheck);
      if (!ok) missing.push(`${element.tagName.toLowerCase()} ${element.id || element.name || element.textContent.trim().slice(0, 30)}`);
      delete element.dataset.keyboardCheck;
    }
    return missing;
  }, [...reached]);
}

// All four checks, failing with what each found.
export async function checkScreen(page, name, errors) {
  const problems = [
    ...(await seriousViolations(page)).map((v) => `axe: ${v}`),
    ...(await smallTouchTargets(page)).map((t) => `touch target under 44px: ${t}`),
    ...(await unreachableByKeyboard(page)).map((c) => `not reachable by keyboard: ${c}`),
    ...errors.splice(0).map((e) => `page error: ${e}`),
  ];
  if (problems.length > 0) throw new Error(`${name}:\n  ${problems.join('\n  ')}`);
  console.log(`ok - ${name}: no serious axe violation, every control reachable by keyboard and 44px or more`);
}
