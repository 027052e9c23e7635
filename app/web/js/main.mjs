// The app: shows the screen the address names, behind two gates (the
// passphrase's lock and the offline lease), keeps the sync status fresh, and
// in child mode shows the child's form whatever the address says.
import { call } from "./api.mjs";
import { localToday } from "./dates.mjs";
import { html } from "./html.mjs";
import { childModeRoute, route } from "./router.mjs";
import { showCaseload } from "./screens/caseload.mjs";
import { showChild } from "./screens/child.mjs";
import { showChildForm } from "./screens/child_form.mjs";
import { showChildLeave } from "./screens/child_leave.mjs";
import { showConsultation } from "./screens/consultation.mjs";
import { showHandover } from "./screens/handover.mjs";
import { showLease } from "./screens/lease.mjs";
import { showLetter, showLetterDraft } from "./screens/letter.mjs";
import { showNote } from "./screens/note.mjs";
import { showPassphrase } from "./screens/passphrase.mjs";
import { showRefused } from "./screens/refused.mjs";
import { StatusBar } from "./screens/status.mjs";
import { showUnlock } from "./screens/unlock.mjs";

const main = document.getElementById("main-content");
const statusRegion = document.getElementById("sync-status");
const menu = document.getElementById("app-menu");
const lockButton = document.getElementById("lock");
const statusBar = new StatusBar(statusRegion);
let leaveScreen = null;
// What the app is showing: "unlock", "lease", "child" (child mode) or "iro".
let mode = "iro";
// Each show() has a number; one that a later show() overtook stops.
let generation = 0;

async function leaveCurrentScreen() {
  if (!leaveScreen) return;
  const leave = leaveScreen;
  leaveScreen = null;
  await leave().catch(() => {});
}

function enter(newMode, status = {}) {
  mode = newMode;
  const iro = newMode === "iro";
  menu.hidden = !iro;
  lockButton.hidden = !(iro && status.has_passphrase);
  statusRegion.hidden = !iro;
  document.body.classList.toggle("app-child-mode", newMode === "child");
}

// The status, or {appLocked: true} while the passphrase's lock is on.
async function currentStatus() {
  try {
    return await call("status");
  } catch (error) {
    if (error.locked) return { appLocked: true };
    throw error;
  }
}

const screens = {
  caseload: () => showCaseload(main),
  child: (where) => showChild(main, where.childId, localToday()),
  note: (where) => showNote(main, where.childId, where.noteId),
  handover: (where) => showHandover(main, where.childId),
  letter: (where) => showLetter(main, where.childId, where.letterId),
  consultation: (where) => showConsultation(main, where.consultationId),
  "letter-draft": (where) => showLetterDraft(main, where.childId, where.reviewId),
  refused: () => showRefused(main),
  passphrase: () => showPassphrase(main),
  "child-mode": () => showChildForm(main),
  "child-mode-leave": () => showChildLeave(main),
};

async function show() {
  const mine = ++generation;
  await leaveCurrentScreen();
  try {
    let status = await currentStatus();
    if (status.appLocked) {
      enter("unlock");
      await showUnlock(main);
      if (mine !== generation) return;
      status = await call("status");
    }
    let where = route(location.hash);
    if (status.child_mode) {
      // The back button, a typed address, a bookmark: all show the form.
      where = childModeRoute(where);
      const address = where.screen === "child-mode" ? "#/child-mode" : "#/child-mode/leave";
      if (location.hash !== address) history.replaceState(null, "", address);
      enter("child");
    } else if (status.locked) {
      enter("lease");
      await showLease(main, status);
      if (mine !== generation) return;
      status = await call("status");
      enter("iro", status);
    } else {
      if (where.screen.startsWith("child-mode")) {
        history.replaceState(null, "", "#/");
        where = route("#/");
      }
      enter("iro", status);
    }
    const screen = screens[where.screen];
    if (screen) {
      leaveScreen = (await screen(where)) ?? null;
    } else {
      main.innerHTML = html`<h1 class="govuk-heading-l">Page not found</h1><p class="govuk-body"><a class="govuk-link" href="#/">Back to your caseload</a></p>`.toString();
    }
  } catch (error) {
    if (mine !== generation) return;
    main.innerHTML = html`<h1 class="govuk-heading-l">Something went wrong</h1><p class="govuk-body">${error.message}</p><p class="govuk-body"><a class="govuk-link" href="#/">Back to your caseload</a></p>`.toString();
  }
  if (mine !== generation) return;
  // A screen reader starts at the new screen, unless a form put the cursor in its field.
  if (!main.contains(document.activeElement) || document.activeElement === main) main.focus();
  if (mode === "iro") statusBar.refresh();
}

// "Lock": what is typed is saved first, then the store closes.
lockButton.addEventListener("click", async () => {
  await leaveCurrentScreen();
  await call("app.lock").catch(() => {});
  show();
});

// The host locks after five minutes untouched; any screen's request that
// finds it locked brings up the unlock screen.
window.addEventListener("iro:locked", () => {
  if (mode !== "unlock") show();
});
window.addEventListener("iro:show", show);
window.addEventListener("iro:passphrase", () => {
  lockButton.hidden = false;
});
window.addEventListener("hashchange", show);
window.addEventListener("iro:saved", () => {
  if (mode === "iro") statusBar.refresh();
});

// Someone using the app keeps it open: a tap or a key tells the host (at
// most every 30 s). The status bar's timer below does not.
let lastTouch = 0;
const touched = () => {
  if (mode === "unlock" || Date.now() - lastTouch < 30_000) return;
  lastTouch = Date.now();
  call("app.touch").catch(() => {});
};
document.addEventListener("pointerdown", touched, { capture: true, passive: true });
document.addEventListener("keydown", touched, { capture: true, passive: true });

// The status every two seconds (a sync's progress), and a sync when it is
// due (StatusBar.refresh, shouldSync); in the lease screen, whether it is over.
setInterval(() => {
  if (mode === "iro") statusBar.refresh();
}, 2000);
show();
