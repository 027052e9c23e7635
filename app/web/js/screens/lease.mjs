// The lease screen: a tablet that has not synced for the council's offline
// lease locks its records (a lost tablet goes dark by itself). The IRO's
// way back is a sync, which renews the lease.
import { call } from "../api.mjs";
import { formatDate } from "../dates.mjs";
import { html } from "../html.mjs";

export function leasePage(status) {
  const expired = status.lease_expires ? formatDate(status.lease_expires.slice(0, 10)) : null;
  const sync = status.sync ?? {};
  return html`
    <h1 class="govuk-heading-l">This tablet needs to sync</h1>
    <p class="govuk-body">The records are locked because this tablet has not synced with the council's
      server for too long${expired ? html` (since ${expired})` : ""}. Nothing you wrote is lost: it is kept on the tablet.</p>
    <h2 class="govuk-heading-m">What to do</h2>
    <ol class="govuk-list govuk-list--number">
      <li>Connect the tablet to the council's network or a Wi-Fi you trust.</li>
      <li>Select "Sync now". The records open again as soon as the server has answered.</li>
      <li>If it still says this, call the IRO service's system administrator: the tablet may have been switched off remotely.</li>
    </ol>
    ${sync.result === "unreachable" ? html`<p class="govuk-body"><strong>The server could not be reached.</strong></p>` : ""}
    ${sync.result === "refused" ? html`<p class="govuk-body"><strong>The server refused this tablet: ${sync.message}</strong></p>` : ""}
    <button type="button" class="govuk-button" data-module="govuk-button" id="lease-sync"${
      sync.running ? html` disabled aria-disabled="true"` : ""
    }>${sync.running ? "Syncing…" : "Sync now"}</button>`;
}

// Resolves when the lease is renewed (the caller shows the screen asked for).
export function showLease(main, status) {
  document.title = "This tablet needs to sync – IRO service";
  return new Promise((resolve) => {
    const render = (current) => {
      main.innerHTML = leasePage(current).toString();
      main.querySelector("#lease-sync").addEventListener("click", async () => {
        await call("sync.now").catch(() => {});
        poll();
      });
    };
    const poll = async () => {
      const current = await call("status");
      if (!current.locked) return resolve();
      render(current);
      if (current.sync?.running) setTimeout(poll, 1000);
    };
    render(status);
  });
}
