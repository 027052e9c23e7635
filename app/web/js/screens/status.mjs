// The sync status, on every screen: changes not yet on the server, the last
// sync, and what went wrong with the last attempt.
import { call } from "../api.mjs";
import { formatTime } from "../dates.mjs";
import { html } from "../html.mjs";

export function statusLine(status) {
  const pending = status.pending_changes;
  const synced = Boolean(status.last_sync);
  const parts = [];
  if (pending > 0) {
    parts.push(`${pending} ${pending === 1 ? "change" : "changes"} not on the server yet`);
  } else if (synced) {
    parts.push("Everything is on the server");
  }
  parts.push(synced ? `last synced ${formatTime(Date.parse(status.last_sync))}` : "not synced yet");
  if (status.rejected_changes) {
    parts.push(`${status.rejected_changes} refused by the server`);
  }
  return html`<p class="govuk-body-s app-status__line">
      <span class="govuk-tag ${pending === 0 && synced ? "govuk-tag--green" : "govuk-tag--yellow"}">${
        pending === 0 && synced ? "Synced" : "Not synced"
      }</span>
      ${parts.join(", ").replace(/^./, (first) => first.toUpperCase())}.${
        status.last_sync_error
          ? html` <span class="app-status__error">Last attempt: ${status.last_sync_error}</span>`
          : ""
      }</p>`;
}

export async function refreshStatus(region) {
  try {
    region.innerHTML = statusLine(await call("status")).toString();
  } catch (error) {
    region.innerHTML = html`<p class="govuk-body-s">${error.message}</p>`.toString();
  }
}
