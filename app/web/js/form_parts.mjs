// Form pieces the screens share, in GOV.UK Frontend's patterns: an error
// summary that takes focus, and a passphrase field with its error message.
import { html } from "./html.mjs";

// A message as a sentence: the store's messages start in lower case.
export const sentence = (message) => message.charAt(0).toUpperCase() + message.slice(1);

// The error summary at the top of a form (null when there is no error).
export function errorSummary(error) {
  if (!error) return "";
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary" id="error-summary" tabindex="-1">
      <div role="alert">
        <h2 class="govuk-error-summary__title">There is a problem</h2>
        <div class="govuk-error-summary__body">
          <ul class="govuk-list govuk-error-summary__list">
            <li><a href="#${error.field}">${sentence(error.message)}</a></li>
          </ul>
        </div>
      </div>
    </div>`;
}

// A passphrase input; `error` ({field, message}) marks it when it names this field.
export function passphraseField(id, label, { error = null, autocomplete = "current-password", hint = "" } = {}) {
  const failed = error?.field === id;
  const describedBy = [hint ? `${id}-hint` : "", failed ? `${id}-error` : ""].filter(Boolean).join(" ");
  return html`<div class="govuk-form-group${failed ? " govuk-form-group--error" : ""}">
      <label class="govuk-label govuk-label--s" for="${id}">${label}</label>
      ${hint ? html`<div class="govuk-hint" id="${id}-hint">${hint}</div>` : ""}
      ${failed ? html`<p class="govuk-error-message" id="${id}-error"><span class="govuk-visually-hidden">Error:</span> ${sentence(error.message)}</p>` : ""}
      <input class="govuk-input govuk-!-width-two-thirds${failed ? " govuk-input--error" : ""}" id="${id}" name="${id}" type="password"
        autocomplete="${autocomplete}" spellcheck="false"${describedBy ? html` aria-describedby="${describedBy}"` : ""}>
    </div>`;
}

// Shows `page` in `main`, focusing the error summary when there is one (so a
// screen reader hears it first), else the first input.
export function showForm(main, page) {
  main.innerHTML = page.toString();
  const summary = main.querySelector("#error-summary");
  if (summary) summary.focus();
  else main.querySelector("input:not([type=hidden])")?.focus();
  // The summary's links move to the field they name without changing the address.
  main.querySelectorAll(".govuk-error-summary__list a").forEach((link) =>
    link.addEventListener("click", (event) => {
      event.preventDefault();
      main.querySelector(link.getAttribute("href"))?.focus();
    }),
  );
}

// A one-field passphrase form: `page(error)` is its HTML (with a form and a
// "passphrase" field), `submit(passphrase)` does what the passphrase is for.
// An empty passphrase, or one `submit` refuses, shows the form again with
// the reason beside the field.
export function askPassphrase(main, page, submit) {
  const render = (error) => {
    showForm(main, page(error));
    main.querySelector("form").addEventListener("submit", async (event) => {
      event.preventDefault();
      const passphrase = event.target.elements.passphrase.value;
      if (!passphrase) return render({ field: "passphrase", message: "Enter your passphrase" });
      try {
        await submit(passphrase);
      } catch (failure) {
        render({ field: "passphrase", message: failure.message });
      }
    });
  };
  render(null);
}
