package org.irosync;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A device store: an IRO's records on the tablet, synced with iro-server.
 * The Java face of libiro's C ABI (mobile-bridge/include/iro/iro.h, whose
 * comments are the full contract); records, conflicts, events and reports are
 * JSON strings, as the C ABI has them.
 *
 * <pre>{@code
 * try (IroStore store = IroStore.open(path, keyFromKeystore)) {
 *   store.enrol("wss://iro.example.org", code, "Sam's tablet");
 *   String noteId = store.addNote("DEMO-0001", "Seen at school");  // offline
 *   String report = store.sync(0, 5);   // on a background thread
 * } catch (IroException e) {
 *   if (e.isTransient()) retryLater();
 * }
 * }</pre>
 *
 * <p>Errors: every method throws {@link IroException} on failure. Once the
 * store is closed, every method throws it with {@link IroException.Code#MISUSE}:
 * the handle is a token libiro refuses once closed, never a pointer, so a use
 * after close cannot crash. A null where a value is required is MISUSE too.
 *
 * <p>Lifetime: close every store (try-with-resources); one never closed keeps
 * its native handle and listener until the process ends, as a C host's would.
 *
 * <p>Threads: every method may be called from any thread. libiro runs one
 * call on a store at a time (the others wait), except {@link #enrol} and
 * {@link #sync}, which wait on the network without holding the store up;
 * {@link #cancelSync} and {@link #close} stop them within about 100 ms.
 * enrol and sync block: call them off the UI thread.
 */
public final class IroStore implements AutoCloseable {
  /** The kinds a conflict can be resolved with (iro_conflict_resolution_t). */
  public enum Resolution {
    /** The record keeps its words. */
    KEEP(0),
    /** The record takes the conflict's words. */
    TAKE(1),
    /** The record takes the text the person settled on. */
    TEXT(2);

    final int value;

    Resolution(int value) { this.value = value; }
  }

  // libiro's token for the store; 0 once close() has begun.
  private final AtomicLong token;
  // The native ListenerBox registered as the C listener's context; 0 once
  // freed. Guarded by listenerLock, which is never held across a call into
  // libiro: a listener running during close() may call setListener().
  private final Object listenerLock = new Object();
  private long listenerBox;

  private IroStore(long token, long listenerBox) {
    this.token = new AtomicLong(token);
    this.listenerBox = listenerBox;
  }

  /**
   * Opens (creating when absent) the store at {@code path}. {@code key} is
   * the AES-256 key from the platform keystore (32 bytes), or null for a
   * store without encryption at rest; libiro copies it, so the caller may wipe
   * its array afterwards. Throws WRONG_KEY when the store was created with
   * another key (or with one, or without one), INVALID_INPUT for a key that
   * is not 32 bytes.
   */
  public static IroStore open(String path, byte[] key) {
    long box = IroNative.listenerBoxCreate();
    try {
      return new IroStore(IroNative.storeOpen(IroNative.utf8(path), key, box), box);
    } catch (RuntimeException | Error failure) {
      IroNative.listenerBoxFree(box);
      throw failure;
    }
  }

  /**
   * Closes the store: stops a running sync, waits for calls in progress on
   * other threads, and removes the listener. Harmless when already closed.
   */
  @Override
  public void close() {
    long closing = token.getAndSet(0);
    if (closing == 0) return;
    // Returns once no other thread runs the listener, and none will again:
    // only then may the box go.
    IroNative.storeClose(closing);
    synchronized (listenerLock) {
      IroNative.listenerBoxFree(listenerBox);
      listenerBox = 0;
    }
  }

  public boolean isClosed() { return token.get() == 0; }

  /** The C ABI version of the loaded libiro (iro.h's IRO_API_VERSION). */
  public static int apiVersion() { return IroNative.apiVersion(); }

  /** Stores open in this process, through any binding; tests use it to catch leaks. */
  public static long liveHandles() { return IroNative.liveHandles(); }

  public String deviceId() { return IroNative.text(IroNative.deviceId(handle())); }

  /** The device's state as {@code iro status --json} prints it. */
  public String statusJson() { return IroNative.text(IroNative.statusJson(handle())); }

  /** Changes waiting to be pushed. */
  public long pendingChanges() { return IroNative.pendingChanges(handle()); }

  /** Every record, deleted ones included, as {@code iro export --json} prints them. */
  public String exportJson() { return IroNative.text(IroNative.exportJson(handle())); }

  // ---- Records ---------------------------------------------------------------

  /**
   * Creates a record of {@code kind} ("visit", "review", ...) for a child with
   * {@code fieldsJson} (an object; "{}" for none); returns its id. INVALID_INPUT
   * for JSON that does not parse or a field that breaks a rule.
   */
  public String createDocument(String kind, String childId, String fieldsJson) {
    return IroNative.text(IroNative.documentCreate(
        handle(), IroNative.utf8(kind), IroNative.utf8(childId), IroNative.utf8(fieldsJson)));
  }

  /** Sets the fields in {@code fieldsJson} (null clears one; others are kept). */
  public void editDocument(String docId, String fieldsJson) {
    IroNative.documentEdit(handle(), IroNative.utf8(docId), IroNative.utf8(fieldsJson));
  }

  /** The record's JSON, or null when the store does not hold it. */
  public String getDocument(String docId) {
    return IroNative.text(IroNative.documentGet(handle(), IroNative.utf8(docId)));
  }

  /** Records (not deleted) of {@code kind} and child, either null for any, as a JSON array. */
  public String queryDocuments(String kind, String childId) {
    return IroNative.text(
        IroNative.documentQuery(handle(), IroNative.utf8(kind), IroNative.utf8(childId)));
  }

  /** Deletes the record (a change that syncs). NOT_FOUND when unknown. */
  public void deleteDocument(String docId) {
    IroNative.documentDelete(handle(), IroNative.utf8(docId));
  }

  /** Records a visit note for a child, dated today; returns the note's id. */
  public String addNote(String childId, String text) {
    return IroNative.text(
        IroNative.noteAdd(handle(), IroNative.utf8(childId), IroNative.utf8(text)));
  }

  // ---- Attachments -------------------------------------------------------------

  /**
   * Stores {@code bytes} (a drawing, a photo; at most 10 MiB) with a
   * consultation or visit; returns the attachment's SHA-256 hex. It syncs
   * with the record. INVALID_INPUT for no bytes or a kind without
   * attachments, NOT_FOUND for an unknown record.
   */
  public String addAttachment(String docId, byte[] bytes) {
    if (bytes == null) throw new IroException(IroException.Code.MISUSE, false, "bytes is null");
    return IroNative.text(IroNative.attachmentAdd(handle(), IroNative.utf8(docId), bytes));
  }

  /** The attachment's bytes; NOT_FOUND when the device does not hold them (yet). */
  public byte[] getAttachment(String hash) {
    return IroNative.attachmentGet(handle(), IroNative.utf8(hash));
  }

  /** Every attachment the device holds or awaits, as a JSON array ({@code iro attachments}). */
  public String attachmentsJson() { return IroNative.text(IroNative.attachmentsJson(handle())); }

  // ---- Consultation forms and child mode ------------------------------------------

  /**
   * The form templates the device holds (from the server), newest version of
   * each family, with their questions, as a JSON array.
   */
  public String formTemplatesJson() {
    return IroNative.text(IroNative.formTemplatesJson(handle()));
  }

  /**
   * The app's one request function (iro_app_call): a JSON request in, a JSON
   * reply out, as a WebView's screens send them (docs/app-api.md). A refused
   * request throws IroException with its status (NOT_ALLOWED in child mode
   * for anything but the child's form).
   */
  public String appCall(String requestJson) {
    return IroNative.text(IroNative.appCall(handle(), IroNative.utf8(requestJson)));
  }

  /**
   * Starts a consultation for a child on a form template ({@code templateId}:
   * a template's id, or a family for its newest version) and opens child mode
   * on it. {@code setupJson}: null or {@code {"helped_by": "carer",
   * "review_id": ID}}. NOT_FOUND when the device holds no such template.
   */
  public IroChildSession startChildSession(String childId, String templateId, String setupJson) {
    return new IroChildSession(IroNative.childSessionStart(
        handle(), IroNative.utf8(childId), IroNative.utf8(templateId), IroNative.utf8(setupJson)));
  }

  /** Opens child mode on an existing consultation, to carry on where the child left off. */
  public IroChildSession openChildSession(String consultationId) {
    return new IroChildSession(
        IroNative.childSessionOpen(handle(), IroNative.utf8(consultationId)));
  }

  // ---- Conflicts and timescales ------------------------------------------------

  /** Words that lost a merge, as a JSON array ({@code iro conflicts --json}). */
  public String conflicts() { return IroNative.text(IroNative.conflictList(handle())); }

  /**
   * Resolves conflict {@code conflictId} ("note#42") of a record; {@code text}
   * is required with {@link Resolution#TEXT} and ignored otherwise.
   */
  public void resolveConflict(String docId, String conflictId, Resolution resolution, String text) {
    if (resolution == null) {
      throw new IroException(IroException.Code.MISUSE, false, "resolution is required");
    }
    IroNative.conflictResolve(handle(), IroNative.utf8(docId), IroNative.utf8(conflictId),
        resolution.value, IroNative.utf8(text));
  }

  /** A child's review due dates as JSON; {@code asOf} "YYYY-MM-DD" or null for today. */
  public String childTimescales(String childId, String asOf) {
    return IroNative.text(
        IroNative.childTimescales(handle(), IroNative.utf8(childId), IroNative.utf8(asOf)));
  }

  /** Due dates from dates the app gives, no store needed (iro.h, iro_timescales). */
  public static String timescales(String requestJson) {
    return IroNative.text(IroNative.timescales(IroNative.utf8(requestJson)));
  }

  // ---- Sync --------------------------------------------------------------------

  /**
   * Enrols this device with the server ("wss://host:port") using the
   * one-time code an administrator issued; {@code deviceName} (null: "iro
   * mobile") is what the server's device list shows. The server's certificate
   * is checked against the system's roots. Blocks on the network. REFUSED
   * for an unknown, used or expired code; NETWORK (transient) when
   * unreachable.
   */
  public void enrol(String serverUrl, String code, String deviceName) {
    enrol(serverUrl, code, deviceName, null);
  }

  /**
   * As {@link #enrol(String, String, String)}, trusting the CA certificate
   * (PEM) at {@code caCertPath} for the server (null: the system's roots).
   * The store keeps it for later syncs.
   */
  public void enrol(String serverUrl, String code, String deviceName, String caCertPath) {
    IroNative.enrol(handle(), IroNative.utf8(serverUrl), IroNative.utf8(code),
        IroNative.utf8(deviceName), IroNative.utf8(caCertPath));
  }

  /**
   * Pushes local changes and pulls until caught up, then stays live for
   * {@code followSeconds}; tries at most {@code maxAttempts} connections
   * (1-100). Blocks on the network. Returns the report:
   * {@code {"result":"synced"|"wiped"|"cancelled","pushed":N,"pulled":N,
   * "pending":N,"attempts":N,"message":"..."}}. "wiped": the server revoked
   * the device, its files are deleted and this store is closed. NETWORK
   * (transient) when no attempt got through; REFUSED when the server refused.
   */
  public String sync(double followSeconds, int maxAttempts) {
    return sync(followSeconds, maxAttempts, null);
  }

  /**
   * As {@link #sync(double, int)}, trusting the CA certificate (PEM) at
   * {@code caCertPath} for this sync instead of the one kept at enrolment
   * (null: keep it).
   */
  public String sync(double followSeconds, int maxAttempts, String caCertPath) {
    String report = IroNative.text(
        IroNative.syncRun(handle(), followSeconds, maxAttempts, IroNative.utf8(caCertPath)));
    // libiro closed the handle itself; close ours too, freeing the listener.
    // The report is libiro's compact JSON, "result" first.
    if (report.startsWith("{\"result\":\"wiped\"")) close();
    return report;
  }

  /** Asks a running {@link #sync} or {@link #enrol} to stop; it returns within about 100 ms. */
  public void cancelSync() { IroNative.syncCancel(handle()); }

  // ---- Change notifications ------------------------------------------------------

  /**
   * Sets the listener told about changes to the store's records (null: none).
   * One per store; a new one replaces the old, though an event already being
   * delivered on another thread may still reach the old one.
   */
  public void setListener(IroListener listener) {
    synchronized (listenerLock) {
      if (listenerBox == 0 || isClosed()) throw closed();
      IroNative.listenerBoxSet(listenerBox, listener);
    }
  }

  // libiro's token, checked here first so a closed store says so plainly;
  // a close on another thread after this check is refused by libiro.
  private long handle() {
    long current = token.get();
    if (current == 0) throw closed();
    return current;
  }

  private static IroException closed() {
    return new IroException(IroException.Code.MISUSE, false, "the store is closed");
  }
}
