import assert from "node:assert/strict";
import { test } from "node:test";
import { shouldSync, syncState } from "../js/screens/status.mjs";

const base = { enrolled: true, pending_changes: 0, last_sync: "2026-01-01T10:00:00Z", sync: {} };

test("the tag says the one thing that matters most", () => {
  assert.equal(syncState({ ...base, enrolled: false }).tag, "Not enrolled");
  assert.equal(syncState({ ...base, sync: { running: true } }).tag, "Syncing");
  assert.equal(syncState({ ...base, pending_changes: 3, sync: { result: "unreachable" } }).tag, "Offline");
  assert.equal(syncState({ ...base, pending_changes: 3, sync: { result: "synced" } }).tag, "Not synced");
  assert.equal(syncState({ ...base, sync: { result: "synced" } }).tag, "Synced");
  assert.equal(syncState({ ...base, last_sync: null }).tag, "Not synced");
});

test("the app syncs by itself when there is something to send, or a minute has passed", () => {
  const now = 100_000;
  assert.equal(shouldSync({ ...base, enrolled: false }, now), false);
  assert.equal(shouldSync({ ...base, sync: { running: true } }, now), false);
  assert.equal(shouldSync({ ...base, pending_changes: 1, sync: { finished_ms: now - 3000 } }, now), true);
  assert.equal(shouldSync({ ...base, pending_changes: 1, sync: { finished_ms: now - 1000 } }, now), false);
  assert.equal(shouldSync({ ...base, sync: { result: "unreachable", finished_ms: now - 3000 } }, now), true);
  assert.equal(shouldSync({ ...base, sync: { result: "synced", finished_ms: now - 30_000 } }, now), false);
  assert.equal(shouldSync({ ...base, sync: { result: "synced", finished_ms: now - 61_000 } }, now), true);
  assert.equal(shouldSync({ ...base, sync: {} }, now), true); // never tried since the app started
});
