// The bridge between libiro's listener (a C function and a context pointer,
// iro_store_set_listener) and a Java IroListener.
//
// Each Java IroStore owns one ListenerBox for its whole life, registered as
// the listener's context when the store opens. Setting a Java listener swaps
// the global reference inside the box instead of re-registering with libiro,
// so it never waits for listener calls in progress (one of which may be the
// caller itself) and never races iro_store_close.
//
// Lifetime: the box is freed only after iro_store_close has returned, when
// libiro has promised that no other thread runs the listener and none will.
// A listener that closes its own store frees the box under the call that is
// delivering to it: deliver_event reads the box only before calling Java.
#pragma once

#include <jni.h>

#include <mutex>

namespace iro::jni {

struct ListenerBox {
  std::mutex lock;             // held only to read or swap `listener`
  jobject listener = nullptr;  // global ref to the IroListener, or null
};

// Replaces the box's listener (null: none). The previous one may still be
// finishing an event on another thread; it hears nothing after that.
void set_listener(JNIEnv* env, ListenerBox& box, jobject listener);

// Deletes the listener's global reference and the box.
void free_listener_box(JNIEnv* env, ListenerBox* box);

// The iro_listener_fn registered with libiro; `context` is a ListenerBox.
// Runs on whatever thread libiro delivers on: attaches it to the JVM for the
// call when it is not a Java thread, and clears whatever the Java listener
// throws (nothing may unwind into libiro).
void deliver_event(void* context, const char* event_json);

}  // namespace iro::jni
