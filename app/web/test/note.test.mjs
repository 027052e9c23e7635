import assert from "node:assert/strict";
import { test } from "node:test";
import { afterSave, baseOf, changedFields } from "../js/screens/note.mjs";

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

test("a save from a stale screen: merged words go in unless the IRO typed on, overlaps stay unsaved", () => {
  const saved = { note: "Sam likes school.", place: "Home" };
  const current = { note: "Sam likes school a lot.", place: "Home" };
  assert.deepEqual(baseOf({ note: current.note }, saved), { note: "Sam likes school." });
  assert.deepEqual(baseOf({ note: "x" }, null), {});

  const merged = { id: "v", merged: { note: "Sam really likes school a lot." } };
  assert.deepEqual(afterSave(saved, current, merged, current), {
    saved: { note: "Sam really likes school a lot.", place: "Home" },
    apply: { note: "Sam really likes school a lot." },
  });
  // Typed on while the save was out: the form keeps its words, and the next
  // save starts from what was sent, so the store merges the other words in again.
  const typedOn = { ...current, note: "Sam likes school a lot. And football." };
  assert.deepEqual(afterSave(saved, current, merged, typedOn), { saved: current, apply: {} });

  const overlap = { id: "v", changed_elsewhere: { note: "Sam hates school." } };
  assert.deepEqual(afterSave(saved, current, overlap, current), {
    saved: { note: "Sam likes school.", place: "Home" },
    apply: {},
  });
});
