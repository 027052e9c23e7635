// Child mode: the one consultation form the IRO handed the tablet over for,
// in the template's age variant (under 8: pictures, faces and large buttons;
// 8-12; 13 and over), addressed by the child's chosen name. Every answer is
// saved as it is given (a face at once, words as they are typed); drawings
// are saved as PNG pictures on the form. Nothing else of the caseload is
// reachable from here: the store answers only the child's operations until
// the IRO's passphrase ends child mode.
import { call } from "../api.mjs";
import { Autosaver } from "../autosave.mjs";
import { autosaveOnScreen } from "../screen_autosave.mjs";
import { DrawingPad } from "../drawing_pad.mjs";
import { html } from "../html.mjs";
import { faceScale, optionFace, questionPicture } from "../pictures.mjs";

const textTypes = new Set(["free_text", "people", "where_when", "do_not_discuss"]);

// A choice's option as a label: "happy" as "Happy", "ok" as "OK".
export const optionWords = (option) => (option === "ok" ? "OK" : option.charAt(0).toUpperCase() + option.slice(1));

const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

function hintFor(question) {
  if (question.type === "do_not_discuss") return "Your IRO will not write this in your letter.";
  if (question.type === "people") return "Write their names, or who they are to you.";
  return "";
}

// One radio, with a picture above its words when there is one.
function radio(question, value, words, chosen, image = null) {
  const id = `answer-${question.id}-${value.replace(/[^a-z0-9]/gi, "_")}`;
  return html`<div class="govuk-radios__item${image ? " app-picture-choice" : ""}">
      <input class="govuk-radios__input" id="${id}" name="${question.id}" type="radio" value="${value}"${
        chosen === value ? html` checked` : ""
      }>
      <label class="govuk-label govuk-radios__label" for="${id}">${
        image ? html`<img class="app-picture-choice__image" src="${image}" alt="">` : ""
      }${words}</label>
    </div>`;
}

function choices(question, variant, chosen) {
  if (question.type === "scale" && variant === "under_8") {
    return faceScale(question.min, question.max).map((face) => radio(question, face.value, face.words, chosen, face.image));
  }
  if (question.type === "scale") {
    const values = [];
    for (let value = question.min; value <= question.max; ++value) values.push(String(value));
    return values.map((value) => radio(question, value, value, chosen));
  }
  if (question.type === "yes_no") return [radio(question, "yes", "Yes", chosen), radio(question, "no", "No", chosen)];
  return question.options.map((option) => {
    const image = question.picture === "faces_four" ? optionFace(option) : null;
    return radio(question, option, optionWords(option), chosen, image);
  });
}

function questionBlock(question, variant, answer) {
  const picture = questionPicture(question.picture);
  const hint = hintFor(question);
  const hintId = `answer-${question.id}-hint`;
  const prompt = html`${picture ? html`<img class="app-question-picture" src="${picture}" alt="">` : ""}${question.prompt}`;
  if (textTypes.has(question.type)) {
    return html`<div class="govuk-form-group app-question">
        <h2 class="govuk-label-wrapper"><label class="govuk-label govuk-label--m" for="answer-${question.id}">${prompt}</label></h2>
        ${hint ? html`<div class="govuk-hint" id="${hintId}">${hint}</div>` : ""}
        <textarea class="govuk-textarea" id="answer-${question.id}" name="${question.id}" rows="4"
          data-answer="text"${hint ? html` aria-describedby="${hintId}"` : ""}>${answer ?? ""}</textarea>
      </div>`;
  }
  const inline = question.type === "yes_no" || (question.type === "scale" && variant !== "under_8");
  return html`<div class="govuk-form-group app-question">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--m"><h2 class="govuk-fieldset__heading">${prompt}</h2></legend>
        <div class="govuk-radios${inline ? " govuk-radios--inline" : ""}${
          question.type === "scale" && variant === "under_8" ? " app-faces" : ""
        }" data-module="govuk-radios">
          ${choices(question, variant, answer ?? "")}
        </div>
      </fieldset>
    </div>`;
}

export function childFormPage(form) {
  const variant = form.form.age_variant;
  if (form.finished) {
    return html`<div class="app-child app-child--${variant}">
        <div class="govuk-panel govuk-panel--confirmation">
          <h1 class="govuk-panel__title">Thank you, ${form.child_name}</h1>
          <div class="govuk-panel__body">Your answers are saved</div>
        </div>
        <p class="govuk-body-l">Please give the tablet back to the grown-up who gave it to you.</p>
        <a class="govuk-button govuk-button--secondary" href="#/child-mode/leave" role="button" draggable="false">For the grown-up: finish</a>
      </div>`;
  }
  return html`<div class="app-child app-child--${variant}">
      <span class="govuk-caption-l">${form.form.name}</span>
      <h1 class="govuk-heading-xl">Hello, ${form.child_name}</h1>
      ${form.form.intro ? html`<p class="govuk-body-l">${form.form.intro}</p>` : ""}
      <form id="child-form" novalidate>
        ${form.questions.map((question) => questionBlock(question, variant, form.answers[question.id]))}
      </form>
      <h2 class="govuk-heading-m">Draw a picture</h2>
      <p class="govuk-body" id="drawing-hint">Draw with your finger. When you like it, press "Save my drawing".</p>
      <canvas class="app-drawing" id="drawing" width="960" height="540" role="img" aria-label="Drawing pad" aria-describedby="drawing-hint"></canvas>
      <div class="govuk-button-group">
        <button type="button" class="govuk-button" id="save-drawing">Save my drawing</button>
        <button type="button" class="govuk-button govuk-button--secondary" id="clear-drawing">Start again</button>
      </div>
      <p class="govuk-body" id="drawings-saved" role="status" aria-live="polite">${
        form.drawings ? `You have saved ${plural(form.drawings, "drawing", "drawings")}.` : ""
      }</p>
      <p class="govuk-body app-saved" id="answers-saved" role="status" aria-live="polite"></p>
      <button type="button" class="govuk-button app-child__finish" id="finish">I have finished</button>
      <p class="govuk-body"><a class="govuk-link app-row-link" href="#/child-mode/leave">For the grown-up: finish without the form</a></p>
    </div>`;
}

export async function showChildForm(main) {
  const form = await call("child.form");
  main.innerHTML = childFormPage(form).toString();
  document.title = `${form.form.name} – ${form.child_name}`;
  if (form.finished) return null;

  const saved = { ...form.answers };
  const state = main.querySelector("#answers-saved");
  const say = (words) => {
    state.textContent = words;
  };
  const answer = async (questionId, value) => {
    await call("child.answer", { question_id: questionId, answer: value }, { keepalive: true });
    saved[questionId] = value;
  };
  const formElement = main.querySelector("#child-form");
  // Words: saved as they are typed, like the IRO's notes.
  const autosaver = new Autosaver(async () => {
    for (const box of formElement.querySelectorAll("[data-answer=text]")) {
      if ((saved[box.name] ?? "") !== box.value) await answer(box.name, box.value);
    }
  });
  const leave = autosaveOnScreen(autosaver, state, { savedWords: () => "Your answers are saved." });
  formElement.addEventListener("input", (event) => {
    if (event.target.dataset.answer === "text") autosaver.changed();
  });
  // A face or a button: saved at once.
  formElement.addEventListener("change", async (event) => {
    if (event.target.type !== "radio") return;
    try {
      await answer(event.target.name, event.target.value);
      say("Your answers are saved.");
    } catch (error) {
      say(`Not saved yet: ${error.message}`);
    }
  });

  const pad = new DrawingPad(main.querySelector("#drawing"));
  const drawingsSaved = main.querySelector("#drawings-saved");
  main.querySelector("#clear-drawing").addEventListener("click", () => pad.clear());
  main.querySelector("#save-drawing").addEventListener("click", async () => {
    if (!pad.drawn) {
      drawingsSaved.textContent = "Draw something first.";
      return;
    }
    try {
      const reply = await call("child.drawing", { png_base64: pad.pngBase64() });
      pad.clear();
      drawingsSaved.textContent = `Your drawing is saved. You have saved ${plural(reply.drawings, "drawing", "drawings")}.`;
    } catch (error) {
      drawingsSaved.textContent = `Your drawing is not saved yet: ${error.message}`;
    }
  });
  main.querySelector("#finish").addEventListener("click", async () => {
    await autosaver.flush();
    await call("child.finish");
    window.dispatchEvent(new CustomEvent("iro:show"));
  });
  return leave;
}
