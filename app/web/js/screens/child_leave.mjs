// Leaving child mode: the IRO's passphrase, and nothing else, ends it. Five
// wrong guesses in a row make the next wait (the store says how long).
import { call } from "../api.mjs";
import { askPassphrase, errorSummary, passphraseField } from "../form_parts.mjs";
import { html } from "../html.mjs";
import { childAddress } from "../router.mjs";

export function childLeavePage(error = null) {
  return html`
    <a href="#/child-mode" class="govuk-back-link">Back to the form</a>
    ${errorSummary(error)}
    <h1 class="govuk-heading-l">For the IRO: end the form</h1>
    <p class="govuk-body">The child's answers and drawings are saved. Type your passphrase to go back to your caseload.</p>
    <form id="leave-form" novalidate>
      ${passphraseField("passphrase", "Your passphrase", { error })}
      <button type="submit" class="govuk-button" data-module="govuk-button">End the form</button>
    </form>`;
}

export function showChildLeave(main) {
  document.title = "End the form";
  askPassphrase(main, childLeavePage, async (passphrase) => {
    const left = await call("child.leave", { passphrase });
    location.hash = left.child_id ? childAddress(left.child_id) : "#/";
  });
}
