// The caseload: every child allocated to the IRO, overdue first, with the
// next review and the pre-review visit before it.
import { call } from "../api.mjs";
import { dueWords, formatDate } from "../dates.mjs";
import { html } from "../html.mjs";
import { childAddress } from "../router.mjs";

function dueTag(overdue, words) {
  if (overdue) return html`<strong class="govuk-tag govuk-tag--red">${words}</strong>`;
  return html`<span class="app-due">${words}</span>`;
}

function childRow(child, today) {
  const next = child.next_review;
  const review = next
    ? html`${formatDate(next.due)}<br>${dueTag(next.overdue, dueWords(next.due, today))}`
    : html`<span class="app-due">${child.problem ?? "no review due"}</span>`;
  const visit = next?.pre_review_visit_by
    ? html`${formatDate(next.pre_review_visit_by)}<br>${dueTag(
        next.pre_review_visit_overdue,
        dueWords(next.pre_review_visit_by, today),
      )}`
    : "";
  return html`
    <tr class="govuk-table__row">
      <th scope="row" class="govuk-table__header">
        <a class="govuk-link app-row-link" href="${childAddress(child.child_id)}">${child.name}</a>
        <span class="govuk-caption-m app-child-id">${child.child_id}${
          child.age !== undefined ? `, age ${child.age}` : ""
        }</span>
      </th>
      <td class="govuk-table__cell">${review}</td>
      <td class="govuk-table__cell">${visit}</td>
    </tr>`;
}

export function caseloadPage(reply) {
  const today = reply.as_of;
  const overdue = reply.children.filter((child) => child.next_review?.overdue).length;
  return html`
    <h1 class="govuk-heading-l">Your caseload</h1>
    <p class="govuk-body">${reply.children.length} ${
      reply.children.length === 1 ? "child" : "children"
    }${overdue ? html`, <strong>${overdue} with a review overdue</strong>` : ""}.</p>
    ${
      reply.children.length === 0
        ? html`<p class="govuk-body">No children yet. They arrive when they are allocated to you and this tablet syncs.</p>`
        : html`
    <table class="govuk-table" id="caseload">
      <caption class="govuk-table__caption govuk-visually-hidden">Children, overdue first</caption>
      <thead class="govuk-table__head">
        <tr class="govuk-table__row">
          <th scope="col" class="govuk-table__header">Child</th>
          <th scope="col" class="govuk-table__header">Next review</th>
          <th scope="col" class="govuk-table__header">Pre-review visit by</th>
        </tr>
      </thead>
      <tbody class="govuk-table__body">${reply.children.map((child) => childRow(child, today))}</tbody>
    </table>`
    }`;
}

export async function showCaseload(main) {
  const reply = await call("caseload");
  main.innerHTML = caseloadPage(reply).toString();
  document.title = "Your caseload – IRO service";
}
