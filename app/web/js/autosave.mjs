// When a note being typed is saved: soon after the typing pauses (`idleMs`),
// and at least every `maxWaitMs` while it goes on, so no keystroke waits
// longer than that to be written to the store. One save at a time: changes
// made during a save are saved after it. `flush()` saves now (leaving the
// page, the tablet going to sleep).
//
// `save()` returns a promise; `timers` defaults to the browser's, and tests
// pass their own.

export class Autosaver {
  constructor(save, { idleMs = 400, maxWaitMs = 1000, timers = globalThis } = {}) {
    this.save = save;
    this.idleMs = idleMs;
    this.maxWaitMs = maxWaitMs;
    this.timers = timers;
    this.dirty = false;
    this.saving = null;
    this.idleTimer = null;
    this.firstChangeAt = null;
    this.onSaved = () => {};
    this.onFailed = () => {};
  }

  // A keystroke (or any change): schedules a save.
  changed(now = Date.now()) {
    this.dirty = true;
    if (this.firstChangeAt === null) this.firstChangeAt = now;
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    const waited = now - this.firstChangeAt;
    const wait = Math.max(0, Math.min(this.idleMs, this.maxWaitMs - waited));
    this.idleTimer = this.timers.setTimeout(() => this.flush(), wait);
  }

  // Saves what changed, now; resolves once it is saved.
  async flush() {
    if (this.idleTimer !== null) this.timers.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.saving) {
      await this.saving;
      if (!this.dirty) return;
    }
    if (!this.dirty) return;
    this.dirty = false;
    this.firstChangeAt = null;
    this.saving = (async () => {
      try {
        const result = await this.save();
        this.onSaved(result);
      } catch (error) {
        this.dirty = true; // not saved: try again at the next change or flush
        this.onFailed(error);
      }
    })();
    try {
      await this.saving;
    } finally {
      this.saving = null;
    }
  }
}
