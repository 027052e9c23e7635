// The annual report's figures computed again from raw records (`iro-server
// admin export` output), written from the regulations and the IRO Handbook rather
// than from the server's code, so the browser test can check the CSV the
// dashboard serves against something that does not share its mistakes.
//
// Dates are 'YYYY-MM-DD' strings; arithmetic is on UTC days.

const DAY_MS = 86400000;

export function toDay(text) {
  const [y, m, d] = text.split('-').map(Number);
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

export function fromDay(day) {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

const weekday = (day) => new Date(day * DAY_MS).getUTCDay(); // 0 Sunday .. 6 Saturday

// Gregorian Easter Sunday (the anonymous algorithm, as in Meeus).
function easterSunday(year) {
  const a = year % 19, b = Math.floor(year / 100), c = year % 100;
  const d = Math.floor(b / 4), e = b % 4, f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3), h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31), date = ((h + l - 7 * m + 114) % 31) + 1;
  return Date.UTC(year, month - 1, date) / DAY_MS;
}

const firstMonday = (year, month) => {
  const first = Date.UTC(year, month - 1, 1) / DAY_MS;
  return first + ((8 - weekday(first)) % 7);
};
const lastMonday = (year, month) => {
  const last = Date.UTC(year, month, 0) / DAY_MS;
  return last - ((weekday(last) + 6) % 7);
};

// Bank holidays moved or added by proclamation (GOV.UK): the rules below
// cannot know them.
const MOVED = { '2020-05-04': '2020-05-08', '2022-05-30': '2022-06-02' };
const ADDED = ['2022-06-03', '2022-09-19', '2023-05-08'];

// England and Wales: New Year's Day, Good Friday, Easter Monday, the early
// May, spring and summer bank holidays, Christmas and Boxing Day, with
// substitute Mondays/Tuesdays when they fall at a weekend.
export function bankHolidays(year) {
  const days = [];
  const jan1 = Date.UTC(year, 0, 1) / DAY_MS;
  days.push(jan1 + ({ 6: 2, 0: 1 }[weekday(jan1)] ?? 0));
  const easter = easterSunday(year);
  days.push(easter - 2, easter + 1);
  days.push(firstMonday(year, 5), lastMonday(year, 5), lastMonday(year, 8));
  const christmas = Date.UTC(year, 11, 25) / DAY_MS;
  // Saturday: 27th and 28th; Sunday: 26th and 27th; Friday: 25th and 28th.
  const shift = { 6: [2, 3], 0: [1, 2], 5: [0, 3] }[weekday(christmas)] ?? [0, 1];
  days.push(christmas + shift[0], christmas + shift[1]);
  const texts = days.map(fromDay).map((day) => MOVED[day] ?? day);
  return texts.concat(ADDED.filter((day) => day.startsWith(`${year}-`))).sort();
}

const holidayCache = new Map();
function isWorkingDay(day) {
  const w = weekday(day);
  if (w === 0 || w === 6) return false;
  const year = new Date(day * DAY_MS).getUTCFullYear();
  if (!holidayCache.has(year)) holidayCache.set(year, new Set(bankHolidays(year)));
  return !holidayCache.get(year).has(fromDay(day));
}

export function addWorkingDays(day, count) {
  let result = day;
  for (let left = count; left > 0; ) {
    result += 1;
    if (isWorkingDay(result)) left -= 1;
  }
  return result;
}

// Calendar months; a day the target month lacks becomes its last day
// (31 August + 6 months = 28 or 29 February).
export function addMonths(day, months) {
  const date = new Date(day * DAY_MS);
  const target = date.getUTCMonth() + months;
  const year = date.getUTCFullYear() + Math.floor(target / 12), month = ((target % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(date.getUTCDate(), lastDay)) / DAY_MS;
}

// Reg. 33: the first review within 20 working days of becoming looked after,
// the second within 3 months of the first, then every 6 months, each counted
// from the previous review's actual date.
export function statutoryDue(number, countedFrom) {
  if (number === 1) return addWorkingDays(countedFrom, 20);
  return addMonths(countedFrom, number === 2 ? 3 : 6);
}

// The child's reviews held by `asOf`, each { day, records } in date order.
// A record with no date, or dated before care began, counts for nothing; a
// record with part N > the previous review's last part is that review
// continued (it is complete on its last part's date); a second record on a
// review's date is a duplicate.
export function heldReviews(child, reviewRecords, asOf) {
  const lookedAfter = toDay(child.fields.looked_after_since);
  const part = (record) => record.fields.part ?? 1;
  const dated = reviewRecords
    .filter((r) => !r.deleted && typeof r.fields.date === 'string')
    .filter((r) => toDay(r.fields.date) >= lookedAfter)
    .sort((a, b) => a.fields.date.localeCompare(b.fields.date) || part(a) - part(b) ||
                    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const reviews = [];
  for (const record of dated) {
    const day = toDay(record.fields.date), last = reviews.at(-1);
    if (last && part(record) >= 2 && part(record) > last.lastPart) {
      Object.assign(last, { day, lastPart: part(record) });
      last.records.push(record);
    } else if (!last || last.day !== day) {
      reviews.push({ day, lastPart: part(record), records: [record] });
    }
  }
  return reviews.filter((review) => review.day <= asOf);
}

// SSDA903 participation codes, and the schema's permanence plans, stages and
// categories: every one is a row of the report, even when none was recorded.
export const CODES = {
  participation: ['PN0', 'PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7'],
  permanence_at_second_review: ['return_to_family', 'adoption', 'special_guardianship_or_cao',
    'long_term_fostering', 'long_term_residential', 'supported_living', 'twin_tracking',
    'no_plan_yet'],
  challenges_by_stage: ['drp1', 'drp2', 'drp3', 'drp4', 'drp5', 'team_manager', 'service_manager',
    'head_of_service', 'assistant_director', 'director'],
  challenges_by_category: ['care_plan_not_written', 'care_plan_not_authorised', 'legal_delay',
    'no_placement_plan', 'assessments_incomplete', 'no_social_worker', 'no_safety_plan',
    'asylum_delay', 'adoption_drift', 'life_story_drift', 'health_delay', 'good_practice',
    'other'],
};

// One decimal, as C's printf("%.1f") writes it: the double's exact value
// rounded to nearest, a tie (x.x5 exactly: only n.25 and n.75 are exact in
// binary) to even. toFixed breaks such ties upwards.
export function percent(count, total) {
  if (total === 0) return '';
  const quarters = (400 * count) / total;
  if (Number.isInteger(quarters) && quarters % 2 === 1) {
    const tenths = Math.floor((quarters * 5) / 2);
    return ((tenths % 2 === 0 ? tenths : tenths + 1) / 10).toFixed(1);
  }
  return ((100 * count) / total).toFixed(1);
}

// The report's CSV rows, [table, item, count, percent] as strings, for the
// period [from, to] (inclusive), from every record of the council.
export function annualReportRows(records, from, to) {
  const [first, last] = [toDay(from), toDay(to)];
  const tallies = Object.fromEntries(Object.keys(CODES).map((name) => [name, new Map()]));
  const tally = (name, code) => {
    const item = CODES[name].includes(code) ? code : 'not_recorded';
    tallies[name].set(item, (tallies[name].get(item) ?? 0) + 1);
  };
  // The last part that records the field speaks for the review.
  const fieldOf = (review, field) =>
    review.records.findLast((r) => r.fields[field] !== undefined)?.fields[field];

  let held = 0, inTimescale = 0, notAssessed = 0;
  const children = records.filter((r) => r.kind === 'child' && !r.deleted);
  for (const child of children) {
    if (typeof child.fields.looked_after_since !== 'string') {
      notAssessed += 1;
      continue;
    }
    const own = records.filter((r) => r.kind === 'review' && r.child_id === child.child_id);
    let countedFrom = toDay(child.fields.looked_after_since);
    heldReviews(child, own, last).forEach((review, index) => {
      const due = statutoryDue(index + 1, countedFrom);
      countedFrom = review.day;
      if (review.day < first) return;
      held += 1;
      if (review.day <= due) inTimescale += 1;
      tally('participation', fieldOf(review, 'participation_code'));
      if (index === 1) tally('permanence_at_second_review', fieldOf(review, 'permanence_plan'));
    });
  }
  for (const challenge of records.filter((r) => r.kind === 'challenge' && !r.deleted)) {
    const raised = challenge.fields.raised_on;
    if (typeof raised !== 'string' || toDay(raised) < first || toDay(raised) > last) continue;
    tally('challenges_by_stage', challenge.fields.stage);
    tally('challenges_by_category', challenge.fields.category);
  }

  const rows = [
    ['reviews', 'held', held, ''],
    ['reviews', 'in_timescale', inTimescale, percent(inTimescale, held)],
    ['reviews', 'children_not_assessed', notAssessed, ''],
  ];
  for (const [name, counts] of Object.entries(tallies)) {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    for (const item of [...CODES[name], 'not_recorded']) {
      const count = counts.get(item) ?? 0;
      rows.push([name, item, count, percent(count, total)]);
    }
  }
  return rows.map((row) => row.map(String));
}
