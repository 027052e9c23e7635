// Words that lost an overlapping merge: another device changed the same
// words at the same time, so the record kept one version and holds the
// other as a conflict (nothing typed is lost). Shown on the record's screen
// side by side; the IRO keeps this version, takes the other, or writes one
// from both. The resolution syncs to every device.
import { call } from "../api.mjs";
import { html } from "../html.mjs";

const fieldNames = { note: "the note", place: "where", body: "the letter", recommendations: "the recommendations" };

function words(value) {
  if (value === null || value === undefined || value === "") return html`<em>(nothing)</em>`;
  return typeof value === "string" ? value : JSON.stringify(value);
}

function conflictBlock(conflict, i) {
  const field = fieldNames[conflict.field] ?? conflict.field;
  const merged = [conflict.current, conflict.value].filter((v) => typeof v === "string" && v !== "").join("\n\n");
  return html`<div class="app-conflict" data-conflict="${conflict.id}">
      <h3 class="govuk-heading-s">Two versions of ${field}</h3>
      <div class="govuk-grid-row">
        <div class="govuk-grid-column-one-half">
          <h4 class="govuk-heading-s">Kept on the record</h4>
          <p class="govuk-body app-words app-conflict__words" id="conflict-${i}-current">${words(conflict.current)}</p>
        </div>
        <div class="govuk-grid-column-one-half">
          <h4 class="govuk-heading-s">Written at the same time on another device</h4>
          <p class="govuk-body app-words app-conflict__words" id="conflict-${i}-other">${words(conflict.value)}</p>
        </div>
      </div>
      <div class="govuk-button-group">
        <button type="button" class="govuk-button govuk-button--secondary" data-resolve="keep">Keep the record's version</button>
        <button type="button" class="govuk-button govuk-button--secondary" data-resolve="take">Take the other version</button>
      </div>
      ${
        typeof conflict.value === "string"
          ? html`<div class="govuk-form-group">
        <label class="govuk-label govuk-label--s" for="conflict-${i}-merged">Or write one version from both</label>
        <textarea class="govuk-textarea" id="conflict-${i}-merged" rows="6">${merged}</textarea>
      </div>
      <button type="button" class="govuk-button" data-resolve="text">Save the version I wrote</button>`
          : ""
      }
    </div>`;
}

export function conflictPanel(conflicts) {
  if (!conflicts?.length) return "";
  return html`<div class="govuk-notification-banner" role="region" aria-labelledby="conflicts-title" id="conflicts">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="conflicts-title">Changed on two devices at once</h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-body">These words were changed here and on another device at the same time. Both are kept until you choose.</p>
        ${conflicts.map(conflictBlock)}
      </div>
    </div>`;
}

// Wires the panel's buttons. `before()` runs before a resolution (the screen
// saves what is typed, so the resolution is the last word), `after()` once
// it is made (the screen shows the record again).
export function wireConflicts(container, recordId, { before = async () => {}, after }) {
  container.querySelector("#conflicts")?.addEventListener("click", async (event) => {
    const button = event.target.closest("[data-resolve]");
    if (!button) return;
    const block = button.closest("[data-conflict]");
    const resolution = button.dataset.resolve;
    const request = { id: recordId, conflict_id: block.dataset.conflict, resolution };
    if (resolution === "text") request.text = block.querySelector("textarea").value;
    button.disabled = true;
    try {
      await before();
      await call("conflict.resolve", request);
      window.dispatchEvent(new CustomEvent("iro:saved"));
      await after();
    } catch (error) {
      button.disabled = false;
      block.insertAdjacentHTML("beforeend", html`<p class="govuk-error-message">${error.message}</p>`.toString());
    }
  });
}
