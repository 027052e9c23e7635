// Dates as the app shows them, the GOV.UK way ("3 May 2024"), from the
// store's "YYYY-MM-DD". Calendar dates only: no time zone moves a date.

const months = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

function parts(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? "");
  if (!match) return null;
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

export function formatDate(iso) {
  const date = parts(iso);
  if (!date) return "";
  return `${date.day} ${months[date.month - 1]} ${date.year}`;
}

// Days from `from` to `to` (both "YYYY-MM-DD"): positive when `to` is later.
export function daysBetween(from, to) {
  const a = parts(from);
  const b = parts(to);
  if (!a || !b) return null;
  const ms = Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day);
  return Math.round(ms / 86_400_000);
}

// "overdue by 3 days", "due today", "due in 12 days", relative to `today`.
export function dueWords(due, today) {
  const days = daysBetween(today, due);
  if (days === null) return "";
  if (days < 0) return `overdue by ${-days} ${-days === 1 ? "day" : "days"}`;
  if (days === 0) return "due today";
  return `due in ${days} ${days === 1 ? "day" : "days"}`;
}

// Today where the tablet is, as "YYYY-MM-DD".
export function localToday(now = new Date()) {
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

// "10:42" for a time in milliseconds since 1970, in the tablet's time.
export function formatTime(ms) {
  const at = new Date(ms);
  return `${String(at.getHours()).padStart(2, "0")}:${String(at.getMinutes()).padStart(2, "0")}`;
}
