// A child's consultation form as the IRO reads it back: each question with
// the child's answer (the ones not to be talked about marked so), who
// helped, and the child's drawings.
import { call } from "../api.mjs";
import { html } from "../html.mjs";
import { childAddress } from "../router.mjs";
import { optionWords } from "./child_form.mjs";

const helpers = {
  nobody: "Nobody: on their own",
  carer: "Their carer",
  iro: "Their IRO",
  advocate: "An advocate",
  social_worker: "Their social worker",
  parent: "A parent",
  other: "Someone else",
};

// An answer in words: "8 out of 10", "Yes", "Happy".
export function answerWords(question, answer) {
  if (answer === undefined || answer === null || answer === "") return null;
  if (question.type === "scale") return `${answer} out of ${question.max}`;
  if (question.type === "yes_no") return answer === "yes" ? "Yes" : "No";
  if (question.type === "choice") return optionWords(answer);
  return answer;
}

function answerRow(question, raw) {
  const answer = answerWords(question, raw);
  const private_ = question.type === "do_not_discuss";
  return html`<div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">${question.prompt}</dt>
      <dd class="govuk-summary-list__value app-words">${answer ?? html`<span class="app-due">Not answered</span>`}${
        private_ && answer ? html`<br><strong class="govuk-tag govuk-tag--grey">Not to be talked about or quoted in the letter</strong>` : ""
      }</dd>
    </div>`;
}

export function consultationPage(reply) {
  return html`
    <a href="${childAddress(reply.child_id)}" class="govuk-back-link">${reply.child_name || reply.child_id}</a>
    <span class="govuk-caption-l">${reply.child_name || reply.child_id}</span>
    <h1 class="govuk-heading-l">${reply.form.name} <strong class="govuk-tag govuk-tag--${reply.finished ? "green" : "yellow"}">${
      reply.finished ? "Finished" : "In progress"
    }</strong></h1>
    ${reply.helped_by ? html`<p class="govuk-body">Helped by: ${helpers[reply.helped_by] ?? reply.helped_by}</p>` : ""}
    <dl class="govuk-summary-list" id="answers">
      ${reply.questions.map((question) => answerRow(question, reply.answers[question.id]))}
    </dl>
    <h2 class="govuk-heading-m">Drawings</h2>
    ${
      reply.attachments.length === 0
        ? html`<p class="govuk-body">No drawings.</p>`
        : html`<div id="drawings">${reply.attachments.map(
            (hash, i) => html`<figure class="app-drawing-shown" data-hash="${hash}">
              <p class="govuk-body" data-loading>Loading drawing ${i + 1}…</p>
              <figcaption class="govuk-body-s">Drawing ${i + 1} of ${reply.attachments.length}</figcaption>
            </figure>`,
          )}</div>`
    }`;
}

export async function showConsultation(main, id) {
  const reply = await call("consultation", { id });
  main.innerHTML = consultationPage(reply).toString();
  document.title = `${reply.form.name} – ${reply.child_name || reply.child_id} – IRO service`;
  // Each drawing from the store, shown from its bytes (the page's policy
  // allows data: pictures); one the tablet does not hold yet says so.
  for (const figure of main.querySelectorAll("[data-hash]")) {
    const loading = figure.querySelector("[data-loading]");
    try {
      const picture = await call("attachment", { hash: figure.dataset.hash });
      if (!picture.type.startsWith("image/")) {
        loading.textContent = "This attachment is not a picture.";
        continue;
      }
      const image = document.createElement("img");
      image.src = `data:${picture.type};base64,${picture.base64}`;
      image.alt = `A drawing by ${reply.child_name || "the child"}`;
      image.className = "app-drawing-image";
      loading.replaceWith(image);
    } catch (error) {
      loading.textContent = error.message;
    }
  }
}
