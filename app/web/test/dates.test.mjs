import assert from "node:assert/strict";
import { test } from "node:test";
import { daysBetween, dueWords, formatDate, localToday } from "../js/dates.mjs";

test("dates read the GOV.UK way", () => {
  assert.equal(formatDate("2024-05-03"), "3 May 2024");
  assert.equal(formatDate("2024-12-31"), "31 December 2024");
  assert.equal(formatDate("03/05/2024"), "");
  assert.equal(formatDate(undefined), "");
});

test("days between calendar dates, across month ends and the clock change", () => {
  assert.equal(daysBetween("2024-03-30", "2024-04-01"), 2);  // British Summer Time starts 31 March
  assert.equal(daysBetween("2024-02-28", "2024-03-01"), 2);  // a leap year
  assert.equal(daysBetween("2024-05-03", "2024-05-01"), -2);
  assert.equal(daysBetween("nonsense", "2024-05-01"), null);
});

test("due words say overdue, today or how long to go", () => {
  assert.equal(dueWords("2024-05-01", "2024-05-04"), "overdue by 3 days");
  assert.equal(dueWords("2024-05-03", "2024-05-04"), "overdue by 1 day");
  assert.equal(dueWords("2024-05-04", "2024-05-04"), "due today");
  assert.equal(dueWords("2024-05-05", "2024-05-04"), "due in 1 day");
});

test("today is the tablet's local date", () => {
  assert.equal(localToday(new Date(2024, 0, 9, 23, 59)), "2024-01-09");
});
