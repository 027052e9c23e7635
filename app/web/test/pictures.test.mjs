import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { test } from "node:test";
import { faceScale, optionFace, questionPicture } from "../js/pictures.mjs";

const shipped = (path) => existsSync(new URL(`..${path}`, import.meta.url));

test("five faces span the scale, saddest at its bottom, happiest at its top", () => {
  assert.deepEqual(
    faceScale(0, 10).map((face) => face.value),
    ["0", "3", "5", "8", "10"],
  );
  assert.deepEqual(
    faceScale(1, 5).map((face) => face.value),
    ["1", "2", "3", "4", "5"],
  );
  assert.equal(faceScale(0, 10)[0].words, "Very sad");
  for (const face of faceScale(0, 10)) assert.ok(shipped(face.image), face.image);
});

test("every picture the bundled forms name is shipped; unknown names have none", () => {
  for (const name of ["sunshine", "rain_cloud", "people_round_table", "chair", "zip_mouth"]) {
    assert.ok(shipped(questionPicture(name)), name);
  }
  for (const option of ["happy", "ok", "sad", "worried"]) assert.ok(shipped(optionFace(option)), option);
  assert.equal(questionPicture("unicorn"), null);
  assert.equal(optionFace("cross"), null);
});
