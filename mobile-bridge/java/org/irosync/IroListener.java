package org.irosync;

/**
 * Told about changes to a store's records; see {@link IroStore#setListener}.
 *
 * <p>Events are small JSON objects, as iro.h's {@code iro_store_set_listener}
 * lists them: {@code {"event":"changed","origin":"local"|"pull"|"push"|"purge",
 * "doc_ids":[...]}}, {@code {"event":"synced",...}} and
 * {@code {"event":"wiped","reason":...}}.
 *
 * <p>Threads: called on the thread that made the change (a thread calling the
 * store, or one running {@link IroStore#sync}), possibly on several at once,
 * so it must be thread-safe and return quickly: hand the event to the UI
 * thread. It may call the store, even close it. Whatever it throws is
 * printed and dropped; it never reaches the call that made the change.
 */
@FunctionalInterface
public interface IroListener {
  void onEvent(String eventJson);
}
