// An Autosaver (autosave.mjs) on a screen: says "Saved at ..." (or why not)
// in `state`, tells the status bar of each save (a change to send), and
// saves what is typed when the page goes away or the tablet sleeps.
// Returns the screen's leave function, which saves and stops listening.
import { formatTime } from "./dates.mjs";

export function autosaveOnScreen(autosaver, state, { savedWords = () => `Saved at ${formatTime(Date.now())}` } = {}) {
  autosaver.onSaved = () => {
    state.textContent = savedWords();
    window.dispatchEvent(new CustomEvent("iro:saved"));
  };
  autosaver.onFailed = (error) => {
    state.textContent = `Not saved yet: ${error.message}`;
  };
  const save = () => autosaver.flush();
  const hidden = () => {
    if (document.visibilityState === "hidden") autosaver.flush();
  };
  window.addEventListener("pagehide", save);
  document.addEventListener("visibilitychange", hidden);
  return () => {
    window.removeEventListener("pagehide", save);
    document.removeEventListener("visibilitychange", hidden);
    return autosaver.flush();
  };
}
