// Changes the server refused, each with its reason and the words it carried,
// which stay on the tablet (nothing typed is lost): the IRO reads why and
// writes again where they need to (an addendum to an issued letter, say).
import { call } from "../api.mjs";
import { formatTime } from "../dates.mjs";
import { html } from "../html.mjs";
import { childAddress } from "../router.mjs";

function words(value) {
  if (value === null || value === undefined) return "(cleared)";
  if (Array.isArray(value)) return value.join(", ");
  return String(value);
}

export function refusedPage(reply) {
  return html`
    <a href="#/" class="govuk-back-link">Caseload</a>
    <h1 class="govuk-heading-l">Changes the server refused</h1>
    ${
      reply.changes.length === 0
        ? html`<p class="govuk-body">None.</p>`
        : html`<p class="govuk-body">Your words are kept here: copy them where they belong.</p>
      ${reply.changes.map(
        (change) => html`
        <div class="govuk-summary-card">
          <div class="govuk-summary-card__title-wrapper">
            <h2 class="govuk-summary-card__title">${change.kind} ${change.field ? `, ${change.field}` : ""} –
              <a class="govuk-link" href="${childAddress(change.child_id)}">${change.child_id}</a></h2>
          </div>
          <div class="govuk-summary-card__content">
            <dl class="govuk-summary-list">
              <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Why</dt><dd class="govuk-summary-list__value">${change.reason}</dd></div>
              <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Your words</dt><dd class="govuk-summary-list__value app-words">${words(change.value)}</dd></div>
              <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Refused at</dt><dd class="govuk-summary-list__value">${formatTime(change.refused_ms)}</dd></div>
            </dl>
          </div>
        </div>`,
      )}`
    }`;
}

export async function showRefused(main) {
  main.innerHTML = refusedPage(await call("refused")).toString();
  document.title = "Changes the server refused – IRO service";
}
