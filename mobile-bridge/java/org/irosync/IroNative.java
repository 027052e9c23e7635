package org.irosync;

import java.nio.charset.StandardCharsets;

/**
 * The native methods of libiro_jni (mobile-bridge/jni/iro_jni.cpp), one per C
 * function of iro.h. Package-private: apps use {@link IroStore} and
 * {@link IroChildSession}.
 *
 * <p>Store and child session handles are libiro's tokens as {@code long}s (never pointers: a
 * closed one is refused, not dereferenced). Strings cross as byte arrays of
 * standard UTF-8, encoded and decoded here, because JNI's own string
 * functions use "modified UTF-8", which differs for characters outside the
 * BMP. Failures are thrown as {@link IroException}.
 */
final class IroNative {
  static {
    // On Android, libiro.so and libiro_jni.so both go in jniLibs/<abi>/; the
    // linker finds libiro next to libiro_jni (API 23 and later).
    System.loadLibrary("iro_jni");
  }

  private IroNative() {}

  /** UTF-8 bytes for libiro; null stays null. Java strings may hold NUL, C strings may not. */
  static byte[] utf8(String text) {
    if (text == null) return null;
    if (text.indexOf('\0') >= 0) {
      throw new IroException(
          IroException.Code.INVALID_INPUT, false, "a string contains a NUL character");
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** A string libiro returned; null stays null. */
  static String text(byte[] utf8) {
    return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8);
  }

  /** Called by libiro_jni's listener trampoline, on the thread libiro delivers on. */
  static void deliver(IroListener listener, byte[] eventJson) { listener.onEvent(text(eventJson)); }

  static native int apiVersion();

  static native long liveHandles();

  static native byte[] timescales(byte[] requestJson);

  // A store's listener box: the C listener's context, holding the Java listener.
  static native long listenerBoxCreate();

  static native void listenerBoxSet(long box, IroListener listener);

  static native void listenerBoxFree(long box);

  static native long storeOpen(byte[] path, byte[] key, long listenerBox);

  static native void storeClose(long store);

  static native byte[] deviceId(long store);

  static native byte[] statusJson(long store);

  static native long pendingChanges(long store);

  static native byte[] exportJson(long store);

  static native byte[] documentCreate(long store, byte[] kind, byte[] childId, byte[] fieldsJson);

  static native void documentEdit(long store, byte[] docId, byte[] fieldsJson);

  static native byte[] documentGet(long store, byte[] docId);

  static native byte[] documentQuery(long store, byte[] kind, byte[] childId);

  static native void documentDelete(long store, byte[] docId);

  static native byte[] noteAdd(long store, byte[] childId, byte[] text);

  static native byte[] attachmentAdd(long store, byte[] docId, byte[] bytes);

  static native byte[] attachmentGet(long store, byte[] hash);

  static native byte[] attachmentsJson(long store);

  static native byte[] formTemplatesJson(long store);

  static native byte[] appCall(long store, byte[] requestJson);

  static native long childSessionStart(
      long store, byte[] childId, byte[] templateId, byte[] setupJson);

  static native long childSessionOpen(long store, byte[] consultationId);

  static native void childSessionClose(long session);

  static native byte[] childSessionFormJson(long session);

  static native void childSessionAnswer(long session, byte[] questionId, byte[] text);

  static native byte[] childSessionAttach(long session, byte[] bytes);

  static native void childSessionFinish(long session);

  static native byte[] conflictList(long store);

  static native void conflictResolve(
      long store, byte[] docId, byte[] conflictId, int resolution, byte[] text);

  static native byte[] childTimescales(long store, byte[] childId, byte[] asOf);

  static native void enrol(
      long store, byte[] serverUrl, byte[] code, byte[] deviceName, byte[] caCertPath);

  static native byte[] syncRun(
      long store, double followSeconds, int maxAttempts, byte[] caCertPath);

  static native void syncCancel(long store);
}
