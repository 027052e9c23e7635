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

// What the screen counts as saved after a note.save of `current` (every
// field as the form held it when the save was sent), given the reply and the
// form's values `now`. Words another device added while the note was open
// come back `merged`: they go into the form unless the IRO typed on
// meanwhile (then the next save merges again, from what was sent). Words
// another device changed in the same place come back `changed_elsewhere`
// and were not saved: that field stays unsaved until the IRO chooses.
export function afterSave(saved, current, reply, now) {
  const next = { ...current };
  const apply = {};
  for (const [field, text] of Object.entries(reply.merged ?? {})) {
    if (now[field] === current[field]) {
      apply[field] = text;
      next[field] = text;
    }
  }
  for (const field of Object.keys(reply.changed_elsewhere ?? {})) next[field] = saved?.[field] ?? null;
  return { saved: next, apply };
}

// The text fields' words as the screen last saved them: what its edits start from.
export function baseOf(changes, saved) {
  const base = {};
  for (const field of Object.keys(changes)) {
    if (typeof saved?.[field] === "string") base[field] = saved[field];
  }
  return base;
}

// The words another device put in the record in the place the IRO was
// writing, beside the IRO's own, until the IRO chooses.
function changedElsewherePanel(field, theirs, ours) {
  return html`<div class="govuk-notification-banner" role="region" aria-labelledby="elsewhere-title" id="changed-elsewhere" data-field="${field}">
      <div class="govuk-notification-banner__header">
        <h2 class="govuk-notification-banner__title" id="elsewhere-title">Changed on another device while you wrote</h2>
      </div>
      <div class="govuk-notification-banner__content">
        <p class="govuk-body">The same words were changed on another device. Yours are kept on this screen and not saved until you choose.</p>
        <div class="govuk-grid-row">
          <div class="govuk-grid-column-one-half">
            <h3 class="govuk-heading-s">Yours</h3>
            <p class="govuk-body app-words app-conflict__words">${ours}</p>
          </div>
          <div class="govuk-grid-column-one-half">
            <h3 class="govuk-heading-s">From the other device</h3>
            <p class="govuk-body app-words app-conflict__words" id="elsewhere-words">${theirs}</p>
          </div>
        </div>
        <div class="govuk-button-group">
          <button type="button" class="govuk-button" data-choose="mine">Keep mine</button>
          <button type="button" class="govuk-button govuk-button--secondary" data-choose="theirs">Use the other device's words</button>
        </div>
      </div>
    </div>`;
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
    const base = id ? baseOf(changes, saved) : {};
    const reply = await call(
      "note.save",
      { ...(id ? { id } : {}), child_id: childId, fields: changes, ...(Object.keys(base).length ? { base } : {}) },
      { keepalive: true },
    );
    const after = afterSave(saved, current, reply, formFields(form));
    saved = after.saved;
    for (const [field, text] of Object.entries(after.apply)) {
      const box = form.elements[field];
      const [start, end] = [box.selectionStart, box.selectionEnd];
      box.value = text;
      if (document.activeElement === box) box.setSelectionRange(start, end);
    }
    for (const [field, theirs] of Object.entries(reply.changed_elsewhere ?? {})) {
      main.querySelector("#changed-elsewhere")?.remove();
      form.insertAdjacentHTML("beforebegin", changedElsewherePanel(field, theirs, form.elements[field].value).toString());
      elsewhere = { field, theirs };
    }
    if (!id) {
      id = reply.id;
      // The address now names this note: a reload opens it, as saved.
      history.replaceState(null, "", noteAddress(childId, id));
    }
  });
  // Words changed in the same place on another device: the IRO chooses.
  let elsewhere = null;
  main.addEventListener("click", (event) => {
    const choice = event.target.closest("[data-choose]")?.dataset.choose;
    if (!choice || !elsewhere) return;
    if (choice === "theirs") form.elements[elsewhere.field].value = elsewhere.theirs;
    // Either way the record's words are now what the screen's start from.
    saved = { ...saved, [elsewhere.field]: elsewhere.theirs };
    elsewhere = null;
    main.querySelector("#changed-elsewhere")?.remove();
    autosaver.changed();
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
