// A child's page: who they are, their review dates, and every record about
// them, newest first.
import { call } from "../api.mjs";
import { dueWords, formatDate } from "../dates.mjs";
import { html } from "../html.mjs";
import { consultationAddress, handoverAddress, letterAddress, letterDraftAddress, noteAddress } from "../router.mjs";

const kindNames = {
  review: "Review",
  visit: "Visit",
  consultation: "Consultation form",
  letter: "Letter",
  challenge: "Challenge",
  midway: "Midway tracking",
};

// "in_progress" as "In progress".
function sentenceCase(code) {
  const words = code.replaceAll("_", " ");
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function recordTitle(record) {
  if (record.kind === "visit" && record.visit_type === "pre_review") return "Pre-review visit";
  const base = kindNames[record.kind] ?? record.kind;
  return record.place ? `${base}, ${record.place}` : base;
}

function recordLink(childId, record) {
  if (record.kind === "visit") {
    return html`<a class="govuk-link app-row-link" href="${noteAddress(childId, record.id)}">${recordTitle(record)}</a>`;
  }
  if (record.kind === "consultation") {
    return html`<a class="govuk-link app-row-link" href="${consultationAddress(childId, record.id)}">${recordTitle(record)}</a>`;
  }
  if (record.kind === "letter") {
    return html`<a class="govuk-link app-row-link" href="${letterAddress(childId, record.id)}">${recordTitle(record)}</a>`;
  }
  return recordTitle(record);
}

// What the IRO can do from a record's row: a review's letter.
function recordAction(childId, record) {
  if (record.kind !== "review") return "";
  return html`<br><a class="govuk-link app-row-link" href="${letterDraftAddress(childId, record.id)}">Draft the letter<span class="govuk-visually-hidden"> about the review${
    record.date ? ` of ${formatDate(record.date)}` : ""
  }</span></a>`;
}

function recordRow(childId, record) {
  return html`
    <tr class="govuk-table__row">
      <td class="govuk-table__cell app-nowrap">${record.date ? formatDate(record.date) : "Not dated"}</td>
      <th scope="row" class="govuk-table__header">${recordLink(childId, record)}
        ${record.status ? html`<strong class="govuk-tag govuk-tag--grey">${sentenceCase(record.status)}</strong>` : ""}
        ${record.conflicts ? html`<strong class="govuk-tag govuk-tag--orange">${record.conflicts} to resolve</strong>` : ""}
      </th>
      <td class="govuk-table__cell">${record.excerpt}${recordAction(childId, record)}</td>
    </tr>`;
}

function summaryRow(key, value) {
  if (!value) return "";
  return html`<div class="govuk-summary-list__row">
      <dt class="govuk-summary-list__key">${key}</dt>
      <dd class="govuk-summary-list__value">${value}</dd>
    </div>`;
}

export function childPage(reply, today) {
  const child = reply.child;
  const fields = child.fields;
  const next = reply.timescales?.next_review;
  return html`
    <a href="#/" class="govuk-back-link">Caseload</a>
    <span class="govuk-caption-l">${child.child_id}</span>
    <h1 class="govuk-heading-l">${reply.name}</h1>
    <dl class="govuk-summary-list">
      ${summaryRow("Date of birth", formatDate(fields.date_of_birth))}
      ${summaryRow("Pronouns", fields.pronouns)}
      ${summaryRow("Looked after since", formatDate(fields.looked_after_since))}
      ${summaryRow("Next review", next ? `${formatDate(next.due)} (${dueWords(next.due, today)})` : reply.timescales_problem)}
      ${summaryRow("Pre-review visit by", next?.pre_review_visit_by ? formatDate(next.pre_review_visit_by) : "")}
    </dl>
    <div class="govuk-button-group">
      <a href="${noteAddress(child.child_id)}" role="button" draggable="false" class="govuk-button" data-module="govuk-button">Write a visit note</a>
      <a href="${handoverAddress(child.child_id)}" role="button" draggable="false" class="govuk-button govuk-button--secondary" data-module="govuk-button">Hand over for a form</a>
    </div>
    <h2 class="govuk-heading-m">Records</h2>
    ${
      reply.records.length === 0
        ? html`<p class="govuk-body">Nothing recorded yet.</p>`
        : html`<table class="govuk-table" id="records">
      <caption class="govuk-table__caption govuk-visually-hidden">Records, newest first</caption>
      <thead class="govuk-table__head"><tr class="govuk-table__row">
        <th scope="col" class="govuk-table__header">Date</th>
        <th scope="col" class="govuk-table__header">Record</th>
        <th scope="col" class="govuk-table__header">Summary</th>
      </tr></thead>
      <tbody class="govuk-table__body">${reply.records.map((record) => recordRow(child.child_id, record))}</tbody>
    </table>`
    }`;
}

export async function showChild(main, childId, today) {
  const reply = await call("child", { child_id: childId });
  main.innerHTML = childPage(reply, today).toString();
  document.title = `${reply.name} – IRO service`;
}
