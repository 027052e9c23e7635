import assert from "node:assert/strict";
import { test } from "node:test";
import {
  childAddress,
  childModeRoute,
  consultationAddress,
  handoverAddress,
  letterAddress,
  letterDraftAddress,
  noteAddress,
  route,
} from "../js/router.mjs";

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

test("child mode has two addresses, and every other one shows the child's form", () => {
  assert.deepEqual(route("#/child-mode"), { screen: "child-mode" });
  assert.deepEqual(route("#/child-mode/leave"), { screen: "child-mode-leave" });
  assert.deepEqual(route(handoverAddress("C 1")), { screen: "handover", childId: "C 1" });
  assert.deepEqual(route("#/passphrase"), { screen: "passphrase" });
  for (const hash of ["#/", "#/child/DEMO-0001", "#/refused", "#/child-mode/leave/x", "#/nowhere"]) {
    assert.deepEqual(childModeRoute(route(hash)), { screen: "child-mode" }, hash);
  }
  assert.deepEqual(childModeRoute(route("#/child-mode/leave")), { screen: "child-mode-leave" });
});

test("a letter has an address, and so does drafting one from a review", () => {
  assert.deepEqual(route(letterAddress("C1", "L/1")), { screen: "letter", childId: "C1", letterId: "L/1" });
  assert.deepEqual(route(letterDraftAddress("C1", "R1")), { screen: "letter-draft", childId: "C1", reviewId: "R1" });
  assert.deepEqual(route("#/child/C1/letter"), { screen: "not-found" });
});

test("a consultation has an address", () => {
  assert.deepEqual(route(consultationAddress("C1", "K/1")), { screen: "consultation", childId: "C1", consultationId: "K/1" });
});
