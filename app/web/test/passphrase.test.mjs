import assert from "node:assert/strict";
import { test } from "node:test";
import { passphraseProblem } from "../js/screens/passphrase.mjs";

test("a passphrase is refused short, mistyped, or without the current one when changing it", () => {
  const base = { hasPassphrase: false, current: "", next: "kitchen table", confirm: "kitchen table" };
  assert.equal(passphraseProblem(base), null);
  assert.equal(passphraseProblem({ ...base, next: "short", confirm: "short" }).field, "new_passphrase");
  assert.equal(passphraseProblem({ ...base, confirm: "kitchen tablet" }).field, "confirm_passphrase");
  assert.equal(passphraseProblem({ ...base, hasPassphrase: true }).field, "current_passphrase");
  assert.equal(passphraseProblem({ ...base, hasPassphrase: true, current: "old one here" }), null);
});
