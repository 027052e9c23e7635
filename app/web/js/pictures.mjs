// The pictures a form template names (its questions' "picture"), drawn for
// the app (images/*.svg). A question's own picture is decoration beside its
// words (empty alt); the faces are answers, so each has its words.

// A question's picture: its file, or null for names the app has no picture of
// (a newer template's: the words still show).
const questionPictures = {
  sunshine: "sunshine.svg",
  rain_cloud: "rain_cloud.svg",
  people_round_table: "people_round_table.svg",
  chair: "chair.svg",
  zip_mouth: "zip_mouth.svg",
};

export function questionPicture(name) {
  const file = questionPictures[name];
  return file ? `/images/${file}` : null;
}

// Five faces for a scale, saddest first.
const scaleFaces = [
  ["face_1_very_sad.svg", "Very sad"],
  ["face_2_sad.svg", "Sad"],
  ["face_3_ok.svg", "OK"],
  ["face_4_happy.svg", "Happy"],
  ["face_5_very_happy.svg", "Very happy"],
];

// A scale question answered with faces: each face's value, spread evenly
// from min to max (0-10: 0, 3, 5, 8, 10), with its picture and words.
export function faceScale(min, max) {
  return scaleFaces.map(([file, words], i) => ({
    value: String(Math.round(min + ((max - min) * i) / (scaleFaces.length - 1))),
    image: `/images/${file}`,
    words,
  }));
}

// The four-faces choice's options, by the option's own word.
const optionFaces = {
  happy: "face_4_happy.svg",
  ok: "face_3_ok.svg",
  sad: "face_2_sad.svg",
  worried: "face_worried.svg",
};

export function optionFace(option) {
  const file = optionFaces[option];
  return file ? `/images/${file}` : null;
}
