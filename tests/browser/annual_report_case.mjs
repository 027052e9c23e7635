// The annual report as a manager downloads it: a tablet records challenges
// and permanence plans; the CSV, downloaded in the browser for two periods,
// equals figures computed here from the raw records (statutory_figures.mjs)
// and what `admin annual-report` prints, and the page shows the same.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { logIn, newPage, ok, readTable } from './pages.mjs';
import { CODES, annualReportRows, fromDay, heldReviews, toDay } from './statutory_figures.mjs';

// The last financial year (1 April - 31 March) ended before `asOf`, and the
// current one to date.
export function periods(asOf) {
  const year = Number(asOf.slice(0, 4)), month = Number(asOf.slice(5, 7));
  const ends = month >= 4 ? year : year - 1;
  return [
    { name: 'annual-report', from: `${ends - 1}-04-01`, to: `${ends}-03-31` },
    { name: 'annual-report-year-to-date', from: `${ends}-04-01`, to: asOf },
  ];
}

// Records a tablet of the first IRO pushes, so the report's smaller tables
// are not all zero: challenges in the year, before it, after it, and one
// deleted (it counts for nothing); and, for two children whose second review
// fell in the year, a second part of that review the next day recording a
// permanence plan (a review in parts is complete on its last part's date,
// and keeps its first part's participation code).
export function recordOnTablet(county, year) {
  const iro = county.iros[0];
  const before = JSON.parse(county.admin('export', '--user', iro.id));
  const children = before.filter((r) => r.kind === 'child');
  const child = (i) => children[i % children.length].child_id;
  const day = (date, n) => fromDay(toDay(date) + n);
  const tablet = county.enrolTablet(iro);
  const challenge = (i, raised, stage, category) => tablet(
    'add', 'challenge', '--child', child(i), '--set', 'formality=formal', '--set', `raised_on=${raised}`,
    '--set', `stage=${stage}`, ...(category ? ['--set', `category=${category}`] : []),
  ).trim().split('\n').at(-1);
  // Deleted after a sync (the server has it), as a challenge raised in error.
  const withdrawn = challenge(7, day(year.from, 10), 'drp5', 'asylum_delay');
  tablet('sync');
  tablet('delete', withdrawn);
  challenge(0, year.from, 'drp1', 'legal_delay');
  challenge(1, day(year.from, 30), 'drp2', 'legal_delay');
  challenge(2, day(year.from, 61), 'team_manager', 'no_placement_plan');
  challenge(3, day(year.from, 92), 'drp1', 'good_practice');
  challenge(4, year.to, 'drp3');  // no category: not recorded
  challenge(5, day(year.from, -1), 'drp1', 'other');  // the year before
  challenge(6, day(year.to, 1), 'director', 'health_delay');  // the next year

  const [first, last] = [toDay(year.from), toDay(year.to)];
  const plans = ['long_term_fostering', 'adoption'];
  for (const record of children) {
    if (plans.length === 0) break;
    const own = before.filter((r) => r.kind === 'review' && r.child_id === record.child_id);
    const held = heldReviews(record, own, Infinity);
    const second = held[1]?.day;
    if (second === undefined || second < first || second + 1 > last) continue;
    if (held[2] && held[2].day <= second + 1) continue;
    tablet('add', 'review', '--child', record.child_id, '--set', `date=${fromDay(second + 1)}`,
           '--set', 'part=2', '--set', `permanence_plan=${plans.shift()}`);
  }
  assert.equal(plans.length, 0, 'two children of the first IRO had their second review in the year');
  tablet('sync');
  assert.equal(tablet('rejected').trim(), '', 'the server refused none of the tablet\'s changes');
  const onServer = JSON.parse(county.admin('export', '--user', iro.id)).find((r) => r.id === withdrawn);
  assert.equal(onServer?.deleted, true, 'the withdrawn challenge is deleted on the server');
  ok('a tablet recorded 8 challenges (one then deleted) and two permanence plans, and synced');
}

// Every record of the council, as each IRO's devices may hold them (every
// demo child is allocated to one of them).
export function councilRecords(county) {
  const records = new Map();
  for (const iro of county.iros) {
    for (const record of JSON.parse(county.admin('export', '--user', iro.id))) records.set(record.id, record);
  }
  return [...records.values()];
}

// The served CSV against the computed rows: every row that differs.
export function csvMismatches(served, expected) {
  const lines = served.trim().split(/\r?\n/);
  const header = lines[0] === 'table,item,count,percent' ? [] : [`header: ${lines[0]}`];
  const rows = lines.slice(1);
  return header
    .concat(expected.map((row) => row.join(','))
      .flatMap((row, i) => (row === rows[i] ? [] : [`row ${i + 1}: served ${rows[i] ?? '(none)'}, computed ${row}`])))
    .concat(rows.slice(expected.length).map((row) => `served beyond the computed rows: ${row}`));
}

export async function annualReportCase(county, browsers) {
  const asOf = JSON.parse(county.admin('timescales', '--tenant', 'demo-county').split('\n')[0]).as_of;
  const [year, yearToDate] = periods(asOf);
  recordOnTablet(county, year);
  const records = councilRecords(county);

  const browser = await browsers.launch(county.browserHome());
  const page = await newPage(browser);
  assert.equal((await logIn(page, county.url, county.manager)).status(), 303, 'the manager logging in');
  for (const period of [year, yearToDate]) {
    const { from, to } = period;
    await page.goto(`${county.url}/dashboard/annual-report?from=${from}&to=${to}`);
    await browsers.screenshot(page, period.name);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv-download')]);
    const served = readFileSync(await download.path(), 'utf8');
    const expected = annualReportRows(records, from, to);
    assert.deepEqual(csvMismatches(served, expected), [],
                     `${from} to ${to}: the CSV against the figures computed from the records`);
    assert.equal(served, county.admin('annual-report', '--tenant', 'demo-county', '--from', from, '--to', to),
                 'the download is what `admin annual-report` prints');

    // The page's tables show the same figures.
    const figure = (table, item) => expected.find((r) => r[0] === table && r[1] === item);
    const [held, inTimescale] = [figure('reviews', 'held'), figure('reviews', 'in_timescale')];
    assert.deepEqual((await readTable(page, 'reviews')).map((row) => row.cells),
                     [['Held', held[2], ''], ['In timescale', inTimescale[2], inTimescale[3] && `${inTimescale[3]}%`]],
                     'the page\'s reviews table');
    for (const table of Object.keys(CODES)) {
      assert.deepEqual((await readTable(page, table)).map((row) => row.cells),
                       expected.filter((r) => r[0] === table)
                         .map(([, item, count, share]) => [item, count, share && `${share}%`]),
                       `the page's ${table} table`);
    }
    const recorded = (table) => expected.filter((r) => r[0] === table && r[1] !== 'not_recorded')
      .reduce((sum, r) => sum + Number(r[2]), 0);
    ok(`${from} to ${to}: the CSV and the page match the records (reviews held: ${held[2]}, ` +
       `in timescale: ${inTimescale[2]}, challenges with a stage: ${recorded('challenges_by_stage')}, ` +
       `permanence plans: ${recorded('permanence_at_second_review')})`);
    if (period === year) {
      assert.ok(recorded('challenges_by_stage') > 0 && recorded('permanence_at_second_review') > 0,
                'the last year has challenges and permanence plans to count');
    }
  }
}
