// The app: shows the screen the address names, keeps the sync status fresh.
import { route } from "./router.mjs";
import { localToday } from "./dates.mjs";
import { html } from "./html.mjs";
import { showCaseload } from "./screens/caseload.mjs";
import { showChild } from "./screens/child.mjs";
import { showNote } from "./screens/note.mjs";
import { showRefused } from "./screens/refused.mjs";
import { StatusBar } from "./screens/status.mjs";

const main = document.getElementById("main-content");
const statusBar = new StatusBar(document.getElementById("sync-status"));
let leaveScreen = null;

async function show() {
  if (leaveScreen) {
    const leave = leaveScreen;
    leaveScreen = null;
    await leave();
  }
  const where = route(location.hash);
  try {
    if (where.screen === "caseload") await showCaseload(main);
    else if (where.screen === "child") await showChild(main, where.childId, localToday());
    else if (where.screen === "note") leaveScreen = await showNote(main, where.childId, where.noteId);
    else if (where.screen === "refused") await showRefused(main);
    else main.innerHTML = html`<h1 class="govuk-heading-l">Page not found</h1><p class="govuk-body"><a class="govuk-link" href="#/">Back to your caseload</a></p>`.toString();
  } catch (error) {
    main.innerHTML = html`<h1 class="govuk-heading-l">Something went wrong</h1><p class="govuk-body">${error.message}</p><p class="govuk-body"><a class="govuk-link" href="#/">Back to your caseload</a></p>`.toString();
  }
  main.focus();
  statusBar.refresh();
}

window.addEventListener("hashchange", show);
window.addEventListener("iro:saved", () => statusBar.refresh());
// The status every two seconds (a sync's progress), and a sync when it is
// due (StatusBar.refresh, shouldSync).
setInterval(() => statusBar.refresh(), 2000);
show();
