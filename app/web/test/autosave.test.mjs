import assert from "node:assert/strict";
import { test } from "node:test";
import { Autosaver } from "../js/autosave.mjs";

// Timers the test moves by hand.
class FakeTimers {
  constructor() {
    this.now = 0;
    this.pending = new Map();
    this.next = 1;
  }
  setTimeout(callback, ms) {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, callback });
    return id;
  }
  clearTimeout(id) {
    this.pending.delete(id);
  }
  async advance(ms) {
    const until = this.now + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at);
      if (due.length === 0) break;
      const [id, timer] = due[0];
      this.pending.delete(id);
      this.now = timer.at;
      timer.callback();
      await new Promise((resolve) => setImmediate(resolve));
    }
    this.now = until;
  }
}

test("a pause in typing saves soon after", async () => {
  const timers = new FakeTimers();
  let saves = 0;
  const saver = new Autosaver(async () => saves++, { idleMs: 400, maxWaitMs: 1000, timers });
  saver.changed(timers.now);
  await timers.advance(399);
  assert.equal(saves, 0);
  await timers.advance(1);
  assert.equal(saves, 1);
});

test("typing without a pause is still saved at least every second", async () => {
  const timers = new FakeTimers();
  const savedAt = [];
  const saver = new Autosaver(async () => savedAt.push(timers.now), { idleMs: 400, maxWaitMs: 1000, timers });
  for (let t = 0; t < 3000; t += 100) {
    saver.changed(timers.now);
    await timers.advance(100);
  }
  await timers.advance(1000);
  assert.ok(savedAt.length >= 3, `saved at ${savedAt}`);
  let last = 0;
  for (const at of savedAt) {
    assert.ok(at - last <= 1000, `a gap of ${at - last} ms between saves`);
    last = at;
  }
});

test("a failed save is tried again, and flush saves at once", async () => {
  const timers = new FakeTimers();
  let attempts = 0;
  let failures = 0;
  const saver = new Autosaver(
    async () => {
      attempts++;
      if (attempts === 1) throw new Error("disk full");
    },
    { timers },
  );
  saver.onFailed = () => failures++;
  saver.changed(timers.now);
  await saver.flush();
  assert.equal(failures, 1);
  assert.equal(saver.dirty, true);
  await saver.flush();
  assert.equal(attempts, 2);
  assert.equal(saver.dirty, false);
  await saver.flush();
  assert.equal(attempts, 2); // nothing new to save
});

test("changes made during a save are saved after it", async () => {
  const timers = new FakeTimers();
  let release;
  let saves = 0;
  const saver = new Autosaver(
    () => {
      saves++;
      return saves === 1 ? new Promise((resolve) => (release = resolve)) : Promise.resolve();
    },
    { timers },
  );
  saver.changed(timers.now);
  const first = saver.flush();
  saver.changed(timers.now);
  const second = saver.flush();
  release();
  await first;
  await second;
  assert.equal(saves, 2);
});
