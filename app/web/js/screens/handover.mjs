// Handing the tablet to the child: the IRO chooses the form (the one for the
// child's age first) and who is helping, and child mode starts. From then on
// the tablet shows that form alone until the IRO's passphrase ends it, so a
// passphrase must be set first.
import { call } from "../api.mjs";
import { errorSummary } from "../form_parts.mjs";
import { html } from "../html.mjs";
import { childAddress } from "../router.mjs";

// Who helped the child with the form (the consultation's helped_by).
const helpers = [
  ["nobody", "Nobody: on their own"],
  ["carer", "Their carer"],
  ["iro", "Me, their IRO"],
  ["advocate", "An advocate"],
  ["social_worker", "Their social worker"],
  ["parent", "A parent"],
  ["other", "Someone else"],
];

const variantNames = {
  under_8: "under 8: pictures and faces",
  "8_to_12": "8 to 12",
  "13_plus": "13 and over",
  parent_carer: "for a parent or carer",
};

export function handoverPage(childName, childId, reply, hasPassphrase, error = null) {
  const forms = [...reply.forms].sort((a, b) => Number(b.suggested) - Number(a.suggested));
  const back = html`<a href="${childAddress(childId)}" class="govuk-back-link">${childName}</a>`;
  if (!hasPassphrase) {
    return html`${back}
      <h1 class="govuk-heading-l">Set a passphrase first</h1>
      <p class="govuk-body">While ${childName} fills in a form, the tablet shows nothing else, and only your passphrase brings the caseload back.</p>
      <a class="govuk-button" href="#/passphrase" role="button" draggable="false">Set a passphrase</a>`;
  }
  if (forms.length === 0) {
    return html`${back}
      <h1 class="govuk-heading-l">No forms on this tablet yet</h1>
      <p class="govuk-body">The council's consultation forms arrive when the tablet syncs.</p>`;
  }
  return html`${back}
    ${errorSummary(error)}
    <span class="govuk-caption-l">${childName}</span>
    <h1 class="govuk-heading-l">Hand the tablet over for a form</h1>
    <p class="govuk-body">${childName} will see only this form, addressed by their name, until you type your passphrase.</p>
    <form id="handover-form" novalidate>
      <div class="govuk-form-group">
        <fieldset class="govuk-fieldset">
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Which form?</legend>
          ${reply.age !== null ? html`<div class="govuk-hint">${childName} is ${reply.age}.</div>` : ""}
          <div class="govuk-radios" data-module="govuk-radios">
            ${forms.map(
              (form, i) => html`<div class="govuk-radios__item">
                <input class="govuk-radios__input" id="form-${form.family}" name="template" type="radio" value="${form.family}"${
                  i === 0 ? html` checked` : ""
                }>
                <label class="govuk-label govuk-radios__label" for="form-${form.family}">${form.name} (${
                  variantNames[form.age_variant] ?? form.age_variant
                })${form.suggested ? " – for their age" : ""}</label>
              </div>`,
            )}
          </div>
        </fieldset>
      </div>
      <div class="govuk-form-group">
        <fieldset class="govuk-fieldset">
          <legend class="govuk-fieldset__legend govuk-fieldset__legend--m">Who is helping them?</legend>
          <div class="govuk-radios govuk-radios--small" data-module="govuk-radios">
            ${helpers.map(
              ([value, words], i) => html`<div class="govuk-radios__item">
                <input class="govuk-radios__input" id="helped-by-${value}" name="helped_by" type="radio" value="${value}"${
                  i === 0 ? html` checked` : ""
                }>
                <label class="govuk-label govuk-radios__label" for="helped-by-${value}">${words}</label>
              </div>`,
            )}
          </div>
        </fieldset>
      </div>
      <button type="submit" class="govuk-button" data-module="govuk-button">Give the tablet to ${childName}</button>
    </form>`;
}

export async function showHandover(main, childId) {
  const [child, forms, status] = await Promise.all([
    call("child", { child_id: childId }),
    call("forms", { child_id: childId }),
    call("status"),
  ]);
  document.title = `Hand over for a form – ${child.name} – IRO service`;
  const render = (error) => {
    main.innerHTML = handoverPage(child.name, childId, forms, status.has_passphrase === true, error).toString();
    main.querySelector("#handover-form")?.addEventListener("submit", async (event) => {
      event.preventDefault();
      const fields = event.target.elements;
      try {
        await call("child_mode.start", {
          child_id: childId,
          template_id: fields.template.value,
          helped_by: fields.helped_by.value,
        });
        location.hash = "#/child-mode";
      } catch (failure) {
        render({ field: `form-${fields.template.value}`, message: failure.message });
      }
    });
  };
  render(null);
}
