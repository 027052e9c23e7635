// The managers' dashboard in Debian's chromium, headless, driven
// by playwright-core, against a real iro-server over TLS on 127.0.0.1: the
// driver. It sets up a throwaway county (county.mjs), runs one case on it,
// and stops every process it started, also when the case fails or hangs.
//
//   node dashboard_test.mjs --case dashboard|annual-report --server IRO_SERVER --iro IRO
//        [--chromium PATH] [--openssl PATH] [--certutil PATH] [--screenshots DIR]
//
// Cases: dashboard_case.mjs (login, overdue review, unsynced device, another
// council's IRO refused), annual_report_case.mjs (the CSV against figures
// computed from the raw records). Screenshots go to $IRO_SCREENSHOT_DIR, else
// --screenshots (tests/CMakeLists.txt: the build tree's browser-screenshots/).
// Exit status 0 when the case passed.
import { parseArgs } from 'node:util';

import { annualReportCase } from './annual_report_case.mjs';
import { County } from './county.mjs';
import { dashboardCase } from './dashboard_case.mjs';
import { Browsers } from './pages.mjs';

const TEST_TIMEOUT_MS = 240_000; // under ctest's 300 s, so the cleanup still runs

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch {
  console.error('playwright-core is not installed in tests/browser/node_modules: run scripts/setup');
  process.exit(1);
}

const cases = { dashboard: dashboardCase, 'annual-report': annualReportCase };
const { values: options } = parseArgs({
  options: Object.fromEntries(
    ['case', 'server', 'iro', 'chromium', 'openssl', 'certutil', 'screenshots'].map(
      (name) => [name, { type: 'string' }])),
});
if (!cases[options.case] || !options.server || !options.iro) {
  console.error(`usage: node dashboard_test.mjs --case ${Object.keys(cases).join('|')} ` +
                '--server IRO_SERVER --iro IRO [--chromium PATH] [--openssl PATH] [--certutil PATH] ' +
                '[--screenshots DIR]');
  process.exit(2);
}

const county = new County({
  server: options.server, iro: options.iro, openssl: options.openssl ?? 'openssl',
  certutil: options.certutil ?? 'certutil',
});
const browsers = new Browsers({
  chromium, county, executablePath: options.chromium ?? '/usr/bin/chromium',
  screenshotDir: process.env.IRO_SCREENSHOT_DIR || options.screenshots || 'browser-screenshots',
});

// A hung step (the server, the browser) must not leave processes behind.
const watchdog = setTimeout(async () => {
  console.error(`not ok - not finished within ${TEST_TIMEOUT_MS / 1000} s`);
  await county.cleanup({ passed: false }).catch((error) => console.error(error.message));
  process.exit(1);
}, TEST_TIMEOUT_MS);

let passed = false;
try {
  county.setUp();
  county.makeCertificates();
  await county.startServer();
  await cases[options.case](county, browsers);
  passed = true;
} catch (error) {
  console.error(`not ok - ${error.stack ?? error}`);
} finally {
  clearTimeout(watchdog);
  try {
    await county.cleanup({ passed });
  } catch (error) {
    console.error(`not ok - stopping: ${error.message}`);
    passed = false;
  }
}
process.exit(passed ? 0 : 1);
