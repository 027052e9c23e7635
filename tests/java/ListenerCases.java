import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.irosync.IroException.Code;
import org.irosync.IroStore;

/** The listener as an app uses it, and two Java threads on one store. */
final class ListenerCases {
  private static final String CHILD = "DEMO-0002";
  private static final int NOTES_PER_THREAD = 25;

  private ListenerCases() {}

  static void twoThreads(Path dir) throws Exception {
    try (
        IroStore store = IroStore.open(dir.resolve("threads.db").toString(), IroStoreTest.key(5))) {
      EventLog events = new EventLog();
      store.setListener(events);
      CountDownLatch start = new CountDownLatch(1);
      List<String> ids = Collections.synchronizedList(new ArrayList<>());
      List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
      List<Thread> writers = new ArrayList<>();
      for (int writer = 0; writer < 2; writer++) {
        String name = "writer-" + writer;
        writers.add(new Thread(() -> {
          try {
            start.await();
            for (int n = 0; n < NOTES_PER_THREAD; n++) {
              ids.add(store.addNote(CHILD, "note " + n + " from " + name));
              Json.array(store.queryDocuments("visit", CHILD)); // reads between writes
            }
          } catch (Throwable failure) {
            failures.add(failure);
          }
        }, name));
      }
      for (Thread writer : writers) writer.start();
      start.countDown();
      for (Thread writer : writers) writer.join(60_000);
      for (Thread writer : writers)
        Check.that(!writer.isAlive(), writer.getName() + " finished within 60 s");
      Check.equal(List.of(), failures, "failures on the two threads");
      Check.equal(2 * NOTES_PER_THREAD, new HashSet<>(ids).size(), "distinct notes written");
      Check.equal(2 * NOTES_PER_THREAD, Json.array(store.queryDocuments("visit", CHILD)).size(),
          "notes in the store");
      Check.equal(2 * NOTES_PER_THREAD, events.of("changed", "local").size(), "events heard");
    }
  }

  static void listener(Path dir) throws Exception {
    // Not try-with-resources: the listener closes the store at the end.
    IroStore store = IroStore.open(dir.resolve("listener.db").toString(), null);
    try {
      EventLog first = new EventLog();
      store.setListener(first);
      String noteId = store.addNote(CHILD, "heard by the first listener");
      Check.equal(List.of(noteId), first.of("changed", "local").get(0).get("doc_ids"),
          "the note's event " + first);
      store.editDocument(noteId, "{\"note\": \"edited while listened to\"}");
      store.deleteDocument(noteId);
      Check.equal(3, first.of("changed", "local").size(), "create, edit, delete heard " + first);

      // A new listener replaces the old one.
      EventLog second = new EventLog();
      store.setListener(second);
      String secondId = store.addNote(CHILD, "heard by the second listener");
      Check.that(second.changed("local", secondId), "the second listener heard " + second);
      Check.that(!first.changed("local", secondId), "the replaced listener heard " + first);

      // What a listener throws stays in Java (printed), and the change stands.
      store.setListener(event -> {
        throw new IllegalStateException("a listener's bug (this test throws it on purpose)");
      });
      String madeDespite = store.addNote(CHILD, "made while the listener throws");
      Check.that(
          store.getDocument(madeDespite) != null, "the change made while the listener threw");

      // A listener may call its store, on the thread that made the change.
      AtomicReference<String> seenFromListener = new AtomicReference<>();
      store.setListener(event -> seenFromListener.set(store.deviceId()));
      store.addNote(CHILD, "heard by a listener that calls back");
      Check.equal(
          store.deviceId(), seenFromListener.get(), "the device id read inside the listener");

      // ... and even close it: the call that made the change still returns.
      store.setListener(event -> store.close());
      store.addNote(CHILD, "the last note before the listener closes the store");
      Check.that(store.isClosed(), "the listener closed the store");
      Check.refused(Code.MISUSE, "a call after the listener closed the store", store::deviceId);
    } finally {
      store.close();
    }
  }
}
