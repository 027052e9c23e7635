// The unlock screen: the store stays closed (its key wrapped under the IRO's
// passphrase) until the passphrase is typed. Shown at launch, after five
// minutes untouched and after "Lock", over whichever screen was open.
import { call } from "../api.mjs";
import { askPassphrase, errorSummary, passphraseField } from "../form_parts.mjs";
import { html } from "../html.mjs";

export function unlockPage(error = null) {
  return html`
    ${errorSummary(error)}
    <h1 class="govuk-heading-l">Unlock the app</h1>
    <p class="govuk-body">The records on this tablet are locked. Type your passphrase to open them.</p>
    <form id="unlock-form" novalidate>
      ${passphraseField("passphrase", "Passphrase", { error })}
      <button type="submit" class="govuk-button" data-module="govuk-button">Unlock</button>
    </form>`;
}

// Resolves once the app is unlocked.
export function showUnlock(main) {
  document.title = "Unlock the app – IRO service";
  return new Promise((resolve) => {
    askPassphrase(main, unlockPage, async (passphrase) => {
      await call("app.unlock", { passphrase });
      resolve();
    });
  });
}
