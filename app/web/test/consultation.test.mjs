import assert from "node:assert/strict";
import { test } from "node:test";
import { answerWords } from "../js/screens/consultation.mjs";

test("answers read back in words", () => {
  assert.equal(answerWords({ type: "scale", max: 10 }, "8"), "8 out of 10");
  assert.equal(answerWords({ type: "yes_no" }, "no"), "No");
  assert.equal(answerWords({ type: "choice" }, "worried"), "Worried");
  assert.equal(answerWords({ type: "choice" }, "ok"), "OK");
  assert.equal(answerWords({ type: "free_text" }, "My rabbit"), "My rabbit");
  assert.equal(answerWords({ type: "free_text" }, undefined), null);
  assert.equal(answerWords({ type: "scale", max: 10 }, ""), null);
});
