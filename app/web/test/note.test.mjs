import assert from "node:assert/strict";
import { test } from "node:test";
import { changedFields } from "../js/screens/note.mjs";

test("a new note sends every field typed, and only those", () => {
  assert.deepEqual(changedFields({ note: "Hi", place: null, date: "2024-05-01" }, null), {
    note: "Hi",
    date: "2024-05-01",
  });
});

test("a note being edited sends what changed since the last save, a cleared field as null", () => {
  const saved = { note: "Hi", place: "School", date: "2024-05-01" };
  assert.deepEqual(changedFields({ note: "Hi there", place: null, date: "2024-05-01" }, saved), {
    note: "Hi there",
    place: null,
  });
  assert.deepEqual(changedFields(saved, saved), {});
});
