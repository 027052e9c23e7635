// The sync status, on every screen: whether the tablet reaches the server,
// a sync's progress, changes not yet on the server, the last sync, changes
// the server refused, and a "Sync now" button.
import { call } from "../api.mjs";
import { formatTime } from "../dates.mjs";
import { html } from "../html.mjs";

const plural = (count, one, many) => `${count} ${count === 1 ? one : many}`;

// What the tag says: the one word that matters most now.
export function syncState(status) {
  const sync = status.sync ?? {};
  if (!status.enrolled) return { tag: "Not enrolled", colour: "grey" };
  if (sync.running) return { tag: "Syncing", colour: "blue" };
  if (sync.result === "unreachable") return { tag: "Offline", colour: "grey" };
  if (sync.result === "refused") return { tag: "Refused", colour: "red" };
  if (status.pending_changes > 0) return { tag: "Not synced", colour: "yellow" };
  return status.last_sync ? { tag: "Synced", colour: "green" } : { tag: "Not synced", colour: "yellow" };
}

export function statusLine(status) {
  const sync = status.sync ?? {};
  const state = syncState(status);
  const parts = [];
  if (sync.running) {
    parts.push(`sending and receiving changes (${sync.pushed} sent, ${sync.pulled} received so far)`);
  } else if (sync.result === "unreachable") {
    parts.push("this tablet cannot reach the server; what you write is kept here and sent when it can");
  } else if (sync.result === "refused") {
    parts.push(`the server refused this tablet: ${sync.message}`);
  }
  if (status.pending_changes > 0) {
    parts.push(`${plural(status.pending_changes, "change", "changes")} not on the server yet`);
  } else if (status.last_sync) {
    parts.push("everything is on the server");
  }
  parts.push(status.last_sync ? `last synced at ${formatTime(Date.parse(status.last_sync))}` : "not synced yet");
  const text = parts.join("; ");
  return html`<div class="app-status__bar">
      <p class="govuk-body-s app-status__line">
        <strong class="govuk-tag govuk-tag--${state.colour}" id="sync-state">${state.tag}</strong>
        <span id="sync-words">${text.charAt(0).toUpperCase() + text.slice(1)}.</span>
        ${
          status.rejected_changes > 0
            ? html` <a class="govuk-link" href="#/refused">${plural(status.rejected_changes, "change", "changes")} refused by the server: see why</a>`
            : ""
        }
      </p>
      ${
        status.enrolled
          ? html`<button type="button" class="govuk-button govuk-button--secondary app-status__sync" id="sync-now"${
              sync.running ? html` disabled aria-disabled="true"` : ""
            }>Sync now</button>`
          : ""
      }
    </div>`;
}

// When the app syncs by itself: whenever it is not syncing already and there
// is something to send, or it last tried a while ago (a minute), so changes
// others made arrive too. An attempt that finds no server is cheap (one
// connection refused), and it is how the app notices the network is back.
export function shouldSync(status, now, { every = 60_000, retryOffline = 3_000 } = {}) {
  const sync = status.sync ?? {};
  if (!status.enrolled || sync.running) return false;
  const last = sync.finished_ms ?? 0;
  if (sync.result === "refused") return now - last > every; // nothing to do until an admin acts
  if (status.pending_changes > 0 || sync.result === "unreachable") return now - last >= retryOffline;
  return now - last >= every;
}

export class StatusBar {
  constructor(region) {
    this.region = region;
    this.region.addEventListener("click", (event) => {
      if (event.target.closest("#sync-now")) this.syncNow();
    });
  }

  async refresh({ sync = true } = {}) {
    try {
      const status = await call("status");
      if (sync && shouldSync(status, Date.now())) {
        await call("sync.now");
        return this.refresh({ sync: false });
      }
      const hadFocus = this.region.contains(document.activeElement);
      this.region.innerHTML = statusLine(status).toString();
      if (hadFocus) this.region.querySelector("#sync-now")?.focus();
      return status;
    } catch (error) {
      this.region.innerHTML = html`<p class="govuk-body-s">${error.message}</p>`.toString();
      return null;
    }
  }

  async syncNow() {
    try {
      await call("sync.now");
    } finally {
      await this.refresh({ sync: false });
    }
  }
}
