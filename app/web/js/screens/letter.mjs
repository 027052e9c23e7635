// A letter to the child after their review: a first draft written from the
// review's records (letter.draft), the IRO's edits saved as they type, the
// letter as the child will read it, and "submit" to a manager, who approves
// it. Once submitted the words are fixed here. "Print" prints the letter
// alone, which every platform's web view can also save as a PDF.
import { call } from "../api.mjs";
import { Autosaver } from "../autosave.mjs";
import { autosaveOnScreen } from "../screen_autosave.mjs";
import { formatDate } from "../dates.mjs";
import { html } from "../html.mjs";
import { childAddress, letterAddress } from "../router.mjs";

const statusWords = {
  draft: ["Draft", "yellow"],
  submitted: ["Waiting for approval", "blue"],
  approved: ["Approved", "green"],
  issued: ["Sent", "grey"],
};

export function letterPreview(page) {
  return html`<article class="app-letter" id="letter-preview" aria-label="The letter as it will read">
      <h2 class="govuk-heading-m">${page.title}</h2>
      ${page.paragraphs.map((paragraph) => html`<p class="govuk-body app-words">${paragraph}</p>`)}
      ${page.note ? html`<p class="govuk-body-s app-letter__note">${page.note}</p>` : ""}
    </article>`;
}

export function letterPage(childName, reply) {
  const letter = reply.letter;
  const [tag, colour] = statusWords[letter.status] ?? [letter.status, "grey"];
  const draft = letter.status === "draft";
  return html`
    <a href="${childAddress(letter.child_id)}" class="govuk-back-link no-print">${childName}</a>
    <div class="no-print">
      <span class="govuk-caption-l">${childName}</span>
      <h1 class="govuk-heading-l">Letter to ${childName} <strong class="govuk-tag govuk-tag--${colour}" id="letter-status">${tag}</strong></h1>
      ${
        letter.distribution_due
          ? html`<p class="govuk-body">It must reach ${childName} by <strong>${formatDate(letter.distribution_due)}</strong> (20 working days after the review).</p>`
          : ""
      }
      ${
        draft
          ? html`<form id="letter-form" novalidate>
        <div class="govuk-form-group">
          <label class="govuk-label govuk-label--s" for="body">The letter</label>
          <div class="govuk-hint" id="body-hint">A first draft from the review's records. Write to ${childName} in your own words; it is saved as you type.</div>
          <textarea class="govuk-textarea app-note" id="body" name="body" rows="16" aria-describedby="body-hint body-saved">${letter.body}</textarea>
          <p class="govuk-body-s app-saved" id="body-saved" role="status" aria-live="polite"></p>
        </div>
        <div class="govuk-button-group">
          <button type="submit" class="govuk-button" data-module="govuk-button" id="submit-letter">Send to a manager to approve</button>
          <button type="button" class="govuk-button govuk-button--secondary" id="print-letter">Print</button>
          <button type="button" class="govuk-button govuk-button--secondary" id="download-pdf" hidden>Download as PDF</button>
        </div>
      </form>
      <h2 class="govuk-heading-m">How it reads</h2>`
          : html`<div class="govuk-button-group">
        <button type="button" class="govuk-button govuk-button--secondary" id="print-letter">Print</button>
        <button type="button" class="govuk-button govuk-button--secondary" id="download-pdf" hidden>Download as PDF</button>
      </div>`
      }
    </div>
    ${letterPreview(reply.page)}`;
}

// Where the host makes PDFs itself (`iro app` on a desktop, app.state's
// letter_pdf), "Download as PDF" gives the file; elsewhere "Print" and the
// browser's own "save as PDF" do.
async function offerPdf(button, letterId) {
  const state = await call("app.state").catch(() => null);
  if (!state?.letter_pdf) return;
  button.hidden = false;
  button.addEventListener("click", async () => {
    const { pdf_base64: base64, file_name: fileName } = await call("letter.pdf", { id: letterId });
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([bytes], { type: "application/pdf" }));
    link.download = fileName;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  });
}

async function showLetterScreen(main, childId, letterId) {
  const [child, reply] = await Promise.all([call("child", { child_id: childId }), call("letter", { id: letterId })]);
  main.innerHTML = letterPage(child.name, reply).toString();
  document.title = `Letter to ${child.name} – IRO service`;
  main.querySelector("#print-letter").addEventListener("click", () => window.print());
  offerPdf(main.querySelector("#download-pdf"), letterId);
  const form = main.querySelector("#letter-form");
  if (!form) return null;
  const state = main.querySelector("#body-saved");
  let saved = reply.letter.body;
  const autosaver = new Autosaver(async () => {
    const body = form.elements.body.value;
    if (body === saved) return;
    await call("letter.save", { id: letterId, body }, { keepalive: true });
    saved = body;
    const fresh = await call("letter", { id: letterId });
    main.querySelector("#letter-preview").outerHTML = letterPreview(fresh.page).toString();
  });
  const leave = autosaveOnScreen(autosaver, state);
  form.addEventListener("input", () => autosaver.changed());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await autosaver.flush();
    try {
      await call("letter.submit", { id: letterId });
      window.dispatchEvent(new CustomEvent("iro:show"));
    } catch (error) {
      state.textContent = error.message;
    }
  });
  return leave;
}

export function showLetter(main, childId, letterId) {
  return showLetterScreen(main, childId, letterId);
}

// Drafts a letter from the review, then shows it; the address becomes the
// letter's, so a reload or the back button does not draft another.
export async function showLetterDraft(main, childId, reviewId) {
  const { id } = await call("letter.draft", { child_id: childId, review_id: reviewId });
  history.replaceState(null, "", letterAddress(childId, id));
  window.dispatchEvent(new CustomEvent("iro:saved"));
  return showLetterScreen(main, childId, id);
}
