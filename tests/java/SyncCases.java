import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.irosync.IroException;
import org.irosync.IroStore;

/** IroStore against a real iro-server on 127.0.0.1, as an Android app would sync. */
final class SyncCases {
  // With a character outside the BMP: JNI's "modified UTF-8" would mangle it
  // on its way to libiro, so this checks the binding passes standard UTF-8.
  static final String NOTE =
      "Seen at school; talked about football \uD83D\uDE42 and the new bedroom";
  static final String CHILD = "DEMO-0001"; // IRO 0's first child in the demo county

  private SyncCases() {}

  static void noteReachesServer(String serverBinary, Path dir) throws Exception {
    try (TestServer server = new TestServer(serverBinary, dir)) {
      String iro = server.iro(0);
      Path tabletPath = dir.resolve("tablet.db");
      String noteId;
      EventLog tabletEvents = new EventLog();
      try (IroStore tablet = IroStore.open(tabletPath.toString(), IroStoreTest.key(1))) {
        tablet.setListener(tabletEvents);
        tablet.enrol(server.url(), server.issueCode(iro), "java test tablet");
        Check.equal(iro, Json.object(tablet.statusJson()).get("user_id"), "user after enrolling");

        // Offline: the note stays on the tablet until the sync.
        noteId = tablet.addNote(CHILD, NOTE);
        Check.that(tablet.pendingChanges() >= 1, "the note waits to be pushed");
        Check.equal(
            null, serverNoteText(server, iro, noteId), "the note on the server before the sync");

        Map<String, Object> report = Json.object(tablet.sync(0, 3));
        Check.equal("synced", report.get("result"), "the sync's result " + report);
        Check.that((Long) report.get("pushed") >= 1, "the sync pushed the note " + report);
        Check.equal(0L, tablet.pendingChanges(), "changes pending after the sync");
        Check.that(
            tabletEvents.changed("local", noteId), "the listener heard the note " + tabletEvents);
        Check.that(!tabletEvents.of("synced", null).isEmpty(),
            "the listener heard the sync " + tabletEvents);
      }
      Check.equal(NOTE, serverNoteText(server, iro, noteId), "the note's text on the server");

      // A second device of the same IRO pulls it, through the same binding.
      EventLog laptopEvents = new EventLog();
      Path laptopPath = dir.resolve("laptop.db");
      try (IroStore laptop = IroStore.open(laptopPath.toString(), null)) {
        laptop.setListener(laptopEvents);
        laptop.enrol(server.url(), server.issueCode(iro), "java test laptop");
        Check.equal("synced", Json.object(laptop.sync(0, 3)).get("result"), "the laptop's sync");
        Check.equal(NOTE, noteText(laptop.getDocument(noteId)), "the note's text on the laptop");
        Check.that(
            laptopEvents.changed("pull", noteId), "the laptop heard the pull " + laptopEvents);
        followerStopsWhenCancelled(laptop);
        wipedWhenRevoked(server, laptop, laptopPath);
      }

      // The tablet's store reopens with its key, note and all.
      try (IroStore tablet = IroStore.open(tabletPath.toString(), IroStoreTest.key(1))) {
        Check.equal(NOTE, noteText(tablet.getDocument(noteId)), "the note after reopening");
      }
    }
  }

  // sync() blocks while following; cancelSync() from another thread ends it.
  private static void followerStopsWhenCancelled(IroStore store) throws Exception {
    EventLog events = new EventLog();
    store.setListener(events);
    AtomicReference<Object> outcome = new AtomicReference<>();
    Thread follower = new Thread(() -> {
      try {
        outcome.set(store.sync(60, 3));
      } catch (Throwable failure) {
        outcome.set(failure);
      }
    }, "follower");
    follower.start();
    boolean caughtUp = events.await("synced", 20);
    store.cancelSync();
    follower.join(10_000);
    Check.that(caughtUp, "the follower caught up within 20 s " + events);
    Check.that(!follower.isAlive(), "cancelSync stopped the follower within 10 s");
    Check.that(outcome.get() instanceof String, "the follower's outcome: " + outcome.get());
    // A follower that had caught up reports "synced" (iro.h, iro_sync_run).
    Check.equal(
        "synced", Json.object((String) outcome.get()).get("result"), "the follower's result");
  }

  // A revoked device's sync wipes it: libiro deletes the files and closes the
  // handle, and the Java store is closed with it.
  private static void wipedWhenRevoked(TestServer server, IroStore store, Path path)
      throws Exception {
    EventLog events = new EventLog();
    store.setListener(events);
    server.revoke(store.deviceId());
    Check.equal("wiped", Json.object(store.sync(0, 3)).get("result"), "a revoked device's sync");
    Check.that(store.isClosed(), "the Java store is closed after the wipe");
    Check.that(!events.of("wiped", null).isEmpty(), "the listener heard the wipe " + events);
    Check.that(!Files.exists(path), "the store's file is gone after the wipe");
    Check.refused(IroException.Code.MISUSE, "a call after the wipe", store::deviceId);
  }

  // The note's text in a record's JSON; null for no record.
  private static Object noteText(String documentJson) {
    return documentJson == null ? null : noteOf(Json.object(documentJson));
  }

  @SuppressWarnings("unchecked")
  private static Object noteOf(Map<String, Object> record) {
    return ((Map<String, Object>) record.get("fields")).get("note");
  }

  // The note's text as the server holds it for the IRO; null when it has no such record.
  @SuppressWarnings("unchecked")
  private static Object serverNoteText(TestServer server, String iro, String noteId)
      throws Exception {
    for (Object document : (List<?>) Json.parse(server.export(iro))) {
      Map<String, Object> record = (Map<String, Object>) document;
      if (noteId.equals(record.get("id"))) return noteOf(record);
    }
    return null;
  }
}
