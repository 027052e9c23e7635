// Writing a visit note. What the IRO types is saved to the tablet's store as
// they type (Autosaver: within a second of any keystroke), so a reload, a
// crash or a flat battery loses nothing; the note then syncs like any other
// change. Reopening the note's address shows it as saved.
import { call } from "../api.mjs";
import { Autosaver } from "../autosave.mjs";
import { autosaveOnScreen } from "../screen_autosave.mjs";
import { localToday } from "../dates.mjs";
import { html } from "../html.mjs";
import { conflictPanel, wireConflicts } from "./conflicts.mjs";
import { childAddress, noteAddress } from "../router.mjs";

const visitTypes = [
  ["pre_review", "Pre-review visit"],
  ["midway", "Midway visit"],
  ["other", "Another visit"],
];

function radios(name, legend, options, chosen) {
  return html`
    <div class="govuk-form-group">
      <fieldset class="govuk-fieldset">
        <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${legend}</legend>
        <div class="govuk-radios govuk-radios--inline" data-module="govuk-radios">
          ${options.map(
            ([value, label]) => html`
            <div class="govuk-radios__item">
              <input class="govuk-radios__input" id="${name}-${value}" name="${name}" type="radio" value="${value}"${
                chosen === value ? html` checked` : ""
              }>
              <label class="govuk-label govuk-radios__label" for="${name}-${value}">${label}</label>
            </div>`,
          )}
        </div>
      </fieldset>
    </div>`;
}

export function notePage(childName, fields, conflicts = []) {
  const seenAlone = fields.seen_alone === true ? "yes" : fields.seen_alone === false ? "no" : "";
  return html`
    <a href="#" class="govuk-back-link" id="back">${childName}</a>
    <span class="govuk-caption-l">${childName}</span>
    <h1 class="govuk-heading-l">Visit note</h1>
    ${conflictPanel(conflicts)}
    <form id="note-form" novalidate>
      <div class="govuk-form-group">
        <label class="govuk-label govuk-label--s" for="date">Date of the visit</label>
        <input class="govuk-input govuk-input--width-10" id="date" name="date" type="date" value="${fields.date ?? ""}">
      </div>
      ${radios("visit_type", "Kind of visit", visitTypes, fields.visit_type ?? "")}
      <div class="govuk-form-group">
        <label class="govuk-label govuk-label--s" for="place">Where</label>
        <input class="govuk-input govuk-!-width-two-thirds" id="place" name="place" type="text" autocomplete="off" value="${fields.place ?? ""}">
      </div>
      ${radios("seen_alone", "Seen alone", [["yes", "Yes"], ["no", "No"]], seenAlone)}
      <div class="govuk-form-group">
        <label class="govuk-label govuk-label--s" for="note">Note</label>
        <div class="govuk-hint" id="note-hint">Saved on this tablet as you type, and sent to the server at the next sync.</div>
        <textarea class="govuk-textarea app-note" id="note" name="note" rows="12" aria-describedby="note-hint note-saved">${fields.note ?? ""}</textarea>
        <p class="govuk-body-s app-saved" id="note-saved" role="status" aria-live="polite"></p>
      </div>
      <button type="submit" class="govuk-button" data-module="govuk-button">Done</button>
    </form>`;
}

// The form's fields as the store takes them: a cleared field is null.
export function formFields(form) {
  const value = (name) => form.elements[name]?.value?.trim?.() ?? "";
  const checked = (name) => form.querySelector(`input[name="${name}"]:checked`)?.value ?? "";
  const seenAlone = checked("seen_alone");
  return {
    date: value("date") || null,
    visit_type: checked("visit_type") || null,
    place: value("place") || null,
    seen_alone: seenAlone === "yes" ? true : seenAlone === "no" ? false : null,
    note: form.elements.note.value === "" ? null : form.elements.note.value,
  };
}

// The fields that differ from what was saved last (all of them, for a new note).
export function changedFields(current, saved) {
  const changed = {};
  for (const [name, value] of Object.entries(current)) {
    if (saved === null ? value !== null : saved[name] !== value) changed[name] = value;
  }
  return changed;
}

export async function showNote(main, childId, noteId) {
  const child = await call("child", { child_id: childId });
  let saved = null;
  let id = noteId;
  let fields = { date: localToday() };
  let conflicts = [];
  if (id) {
    const reply = await call("record", { id });
    fields = reply.record.fields;
    conflicts = reply.conflicts ?? [];
  }
  main.innerHTML = notePage(child.name, fields, conflicts).toString();
  document.title = `Visit note – ${child.name} – IRO service`;
  const form = main.querySelector("#note-form");
  const state = main.querySelector("#note-saved");
  main.querySelector("#back").href = childAddress(childId);
  if (id) saved = formFields(form);
  // A conflict resolved changes the note: what is typed is saved first,
  // then the screen shows the note as it now is.
  wireConflicts(main, id, {
    before: () => autosaver.flush(),
    after: () => window.dispatchEvent(new CustomEvent("iro:show")),
  });

  const autosaver = new Autosaver(async () => {
    const current = formFields(form);
    const changes = changedFields(current, saved);
    if (Object.keys(changes).length === 0) return;
    const reply = await call(
      "note.save",
      { ...(id ? { id } : {}), child_id: childId, fields: changes },
      { keepalive: true },
    );
    saved = current;
    if (!id) {
      id = reply.id;
      // The address now names this note: a reload opens it, as saved.
      history.replaceState(null, "", noteAddress(childId, id));
    }
  });
  // Leaving the page, or the tablet going to sleep: what is typed is saved.
  const leave = autosaveOnScreen(autosaver, state);
  form.addEventListener("input", () => autosaver.changed());
  form.addEventListener("change", () => autosaver.changed());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await autosaver.flush();
    location.hash = childAddress(childId);
  });
  return leave;
}
