// The dashboard as a manager meets it: a logged-out visit lands on /login;
// the manager logs in and sees the overdue reviews `admin timescales` names
// and the device not synced for 10 days; changes their password; signs out;
// an IRO of another council is refused, whichever council they give, and
// the manager's old password is.
import assert from 'node:assert/strict';
import path from 'node:path';

import { logIn, newPage, ok, pathOf, readTable } from './pages.mjs';

export async function dashboardCase(county, browsers) {
  const url = county.url;

  // The trust is the CA's alone: without it, the same browser refuses.
  const untrusted = await browsers.launch(path.join(county.dir, 'empty-home'));
  await assert.rejects((await newPage(untrusted)).goto(`${url}/healthz`), /ERR_CERT_AUTHORITY_INVALID/);
  await untrusted.close();
  ok('a browser that does not trust the test CA refuses the server');

  const browser = await browsers.launch(county.browserHome());
  const page = await newPage(browser);
  await page.goto(`${url}/dashboard`);
  assert.equal(pathOf(page), '/login', 'a logged-out visit to /dashboard');
  ok('logged out, /dashboard leads to /login');
  await browsers.screenshot(page, 'login-page');

  const response = await logIn(page, url, county.manager);
  assert.equal(response.status(), 303, 'the manager logging in');
  await page.waitForURL((u) => u.pathname === '/dashboard');
  ok(`${county.manager.name} logged in and sees the dashboard`);

  // The dashboard's day, so `admin timescales` judges the same day.
  const asOf = (await page.locator('header').textContent()).match(/as of (\d{4}-\d{2}-\d{2})/)?.[1];
  assert.ok(asOf, 'the dashboard says which day it is as of');
  const timescales = county.admin('timescales', '--tenant', 'demo-county', '--as-of', asOf)
    .trim().split('\n').map((line) => JSON.parse(line));
  const overdue = timescales.filter((child) => child.overdue);
  assert.ok(overdue.length > 0, 'the demo county has an overdue review');
  const reviews = await readTable(page, 'reviews');
  assert.deepEqual(
    reviews.filter((row) => row.overdue).map((row) => `${row.by['Child id']} due ${row.by.Due}`).sort(),
    overdue.map((child) => `${child.child_id} due ${child.next_review_due} (overdue)`).sort(),
    'the overdue rows of #reviews are the children `admin timescales` says are overdue');
  ok('the overdue reviews are on the dashboard: ' +
     overdue.map((child) => `${child.child_id} (due ${child.next_review_due})`).join(', '));
  const caseloads = await readTable(page, 'caseloads');
  assert.equal(caseloads.reduce((sum, row) => sum + Number(row.by['Reviews overdue']), 0),
               overdue.filter((child) => child.iro_user_id).length, 'overdue reviews per IRO, added up');
  ok('the caseloads add up to the same overdue reviews');

  const devices = await readTable(page, 'devices');
  const unsynced = devices.find((row) => row.by['Days since'] === '10');
  assert.ok(unsynced, `a device unseen for 10 days in #devices: ${JSON.stringify(devices.map((d) => d.by))}`);
  assert.match(unsynced.by.State, /not seen for 10 days/);
  assert.ok(unsynced.overdue, 'the unsynced device is marked');
  ok(`the device not synced for 10 days is flagged: ${unsynced.cells.join(' | ')}`);
  await browsers.screenshot(page, 'dashboard');

  // The manager changes their own password from the dashboard, and stays
  // signed in; from then on the old one is refused (below).
  const oldPassword = county.manager.password;
  const newPassword = `${oldPassword}-renewed`;
  await page.click('#change-password');
  await page.waitForURL((u) => u.pathname === '/dashboard/password');
  await page.fill('[name=current]', oldPassword);
  await page.fill('[name=new]', newPassword);
  await page.fill('[name=again]', newPassword);
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/dashboard/password' && u.search === '?changed=1'),
    page.click('#password [type=submit]'),
  ]);
  assert.ok(await page.locator('#password-changed').isVisible(), '#password-changed is shown');
  await browsers.screenshot(page, 'password-changed');
  await page.goto(`${url}/dashboard`);
  assert.equal(pathOf(page), '/dashboard', 'still signed in after changing the password');
  county.manager.password = newPassword;
  ok('the manager changed their own password and is still signed in');

  await page.click('#logout');
  await page.waitForURL((u) => u.pathname === '/login');
  await page.goto(`${url}/dashboard`);
  assert.equal(pathOf(page), '/login', '/dashboard after signing out');
  ok('signed out, /dashboard leads to /login again');

  // Four failures in all: at the default 5 a minute, one more would have
  // the address refused altogether.
  const refusals = [
    ['an IRO of another council, giving the demo county', { ...county.otherIro, council: 'demo-county' }],
    ['an IRO of another council, giving their own', county.otherIro],
    ['the manager with a wrong password', { ...county.manager, password: `${county.manager.password}x` }],
    ['the manager with the password they changed', { ...county.manager, password: oldPassword }],
  ];
  for (const [index, [who, user]] of refusals.entries()) {
    const refused = await newPage(browser);
    const answer = await logIn(refused, url, user);
    assert.equal(answer.status(), 401, who);
    assert.equal(pathOf(refused), '/login', who);
    assert.ok(await refused.locator('#login-error').isVisible(), `${who}: #login-error is shown`);
    assert.equal(await refused.locator('#caseloads').count(), 0, `${who}: no dashboard`);
    if (index === 0) await browsers.screenshot(refused, 'refused-login');
    await refused.goto(`${url}/dashboard`);
    assert.equal(pathOf(refused), '/login', `${who}: no session`);
    ok(`${who}: refused (401, #login-error), no session`);
  }
}
