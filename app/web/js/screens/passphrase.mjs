// Setting the passphrase: it wraps the store's key (so the app can lock,
// and unlock with it alone) and it is what ends child mode. Changing it
// needs the current one.
import { call } from "../api.mjs";
import { errorSummary, passphraseField, showForm } from "../form_parts.mjs";
import { html } from "../html.mjs";

const kMinimumLength = 8;

export function passphrasePage(hasPassphrase, error = null, done = false) {
  return html`
    <a href="#/" class="govuk-back-link">Caseload</a>
    ${errorSummary(error)}
    ${
      done
        ? html`<div class="govuk-notification-banner govuk-notification-banner--success" role="alert" aria-labelledby="passphrase-done-title">
        <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="passphrase-done-title">Success</h2></div>
        <div class="govuk-notification-banner__content"><p class="govuk-notification-banner__heading">Your passphrase is set. The app now unlocks with it.</p></div>
      </div>`
        : ""
    }
    <h1 class="govuk-heading-l">${hasPassphrase ? "Change your passphrase" : "Set a passphrase"}</h1>
    <p class="govuk-body">The passphrase unlocks the records on this tablet, and ends a child's form when you take the tablet back.
      The app locks itself after 5 minutes untouched.</p>
    <form id="passphrase-form" novalidate>
      ${hasPassphrase ? passphraseField("current_passphrase", "Current passphrase", { error }) : ""}
      ${passphraseField("new_passphrase", "New passphrase", {
        error,
        autocomplete: "new-password",
        hint: `At least ${kMinimumLength} characters. A few words you will remember are best.`,
      })}
      ${passphraseField("confirm_passphrase", "Type the new passphrase again", { error, autocomplete: "new-password" })}
      <button type="submit" class="govuk-button" data-module="govuk-button">Save the passphrase</button>
    </form>`;
}

// What is wrong with the form's values, as {field, message}, or null.
export function passphraseProblem({ hasPassphrase, current, next, confirm }) {
  if (hasPassphrase && !current) return { field: "current_passphrase", message: "Enter your current passphrase" };
  if (next.length < kMinimumLength) {
    return { field: "new_passphrase", message: `The passphrase must be at least ${kMinimumLength} characters` };
  }
  if (next !== confirm) return { field: "confirm_passphrase", message: "The two passphrases are not the same" };
  return null;
}

export async function showPassphrase(main) {
  const status = await call("status");
  document.title = "Passphrase – IRO service";
  const render = (hasPassphrase, error, done) => {
    showForm(main, passphrasePage(hasPassphrase, error, done));
    main.querySelector("#passphrase-form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const fields = event.target.elements;
      const values = {
        hasPassphrase,
        current: fields.current_passphrase?.value ?? "",
        next: fields.new_passphrase.value,
        confirm: fields.confirm_passphrase.value,
      };
      const problem = passphraseProblem(values);
      if (problem) return render(hasPassphrase, problem, false);
      try {
        await call("passphrase.set", {
          passphrase: values.next,
          ...(hasPassphrase ? { current_passphrase: values.current } : {}),
        });
        render(true, null, true);
        window.dispatchEvent(new CustomEvent("iro:passphrase"));
      } catch (failure) {
        render(hasPassphrase, { field: hasPassphrase ? "current_passphrase" : "new_passphrase", message: failure.message }, false);
      }
    });
  };
  render(status.has_passphrase === true, null, false);
}
