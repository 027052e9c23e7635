import assert from "node:assert/strict";
import { test } from "node:test";
import { childAddress, noteAddress, route } from "../js/router.mjs";

test("every screen has an address, and an address names one screen", () => {
  assert.deepEqual(route(""), { screen: "caseload" });
  assert.deepEqual(route("#/"), { screen: "caseload" });
  assert.deepEqual(route("#/child/DEMO-0001"), { screen: "child", childId: "DEMO-0001" });
  assert.deepEqual(route("#/child/DEMO-0001/note"), { screen: "note", childId: "DEMO-0001", noteId: null });
  assert.deepEqual(route("#/child/DEMO-0001/note/abc"), { screen: "note", childId: "DEMO-0001", noteId: "abc" });
  assert.deepEqual(route("#/elsewhere"), { screen: "not-found" });
});

test("addresses round-trip, ids with odd characters included", () => {
  const id = "C/1 &2";
  assert.deepEqual(route(childAddress(id)), { screen: "child", childId: id });
  assert.deepEqual(route(noteAddress(id, "n")), { screen: "note", childId: id, noteId: "n" });
});

test("the refused changes have an address of their own", () => {
  assert.deepEqual(route("#/refused"), { screen: "refused" });
});
