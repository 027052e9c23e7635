import assert from "node:assert/strict";
import { test } from "node:test";
import { leasePage } from "../js/screens/lease.mjs";

test("the lease screen says why the records are locked and what to do", () => {
  const page = leasePage({ locked: true, lease_expires: "2026-11-30T09:00:00Z", sync: { result: "unreachable" } }).toString();
  assert.match(page, /This tablet needs to sync/);
  assert.match(page, /since 30 November 2026/);
  assert.match(page, /Connect the tablet/);
  assert.match(page, /The server could not be reached/);
  assert.match(page, /id="lease-sync"[^>]*>Sync now</);
  const refused = leasePage({ locked: true, sync: { result: "refused", message: "this device was revoked" } }).toString();
  assert.match(refused, /The server refused this tablet: this device was revoked/);
  const running = leasePage({ locked: true, sync: { running: true } }).toString();
  assert.match(running, /disabled[^>]*>Syncing…</);
});
