import java.nio.file.Path;
import org.irosync.IroException;
import org.irosync.IroException.Code;
import org.irosync.IroStore;

/** Misuse through the Java binding is refused with an IroException, never a crash. */
final class MisuseCases {
  private static final String CHILD = "DEMO-0001";

  private MisuseCases() {}

  static void useAfterClose(Path dir) throws Exception {
    IroStore store = IroStore.open(dir.resolve("closed.db").toString(), IroStoreTest.key(2));
    String noteId = store.addNote(CHILD, "written before the close");
    store.close();
    Check.that(store.isClosed(), "isClosed after close");
    store.close(); // a second close is harmless

    String what = "after close: ";
    Check.refused(Code.MISUSE, what + "deviceId", store::deviceId);
    Check.refused(Code.MISUSE, what + "statusJson", store::statusJson);
    Check.refused(Code.MISUSE, what + "pendingChanges", store::pendingChanges);
    Check.refused(Code.MISUSE, what + "exportJson", store::exportJson);
    Check.refused(
        Code.MISUSE, what + "createDocument", () -> store.createDocument("visit", CHILD, "{}"));
    Check.refused(Code.MISUSE, what + "editDocument", () -> store.editDocument(noteId, "{}"));
    Check.refused(Code.MISUSE, what + "getDocument", () -> store.getDocument(noteId));
    Check.refused(Code.MISUSE, what + "queryDocuments", () -> store.queryDocuments(null, null));
    Check.refused(Code.MISUSE, what + "deleteDocument", () -> store.deleteDocument(noteId));
    Check.refused(Code.MISUSE, what + "addNote", () -> store.addNote(CHILD, "too late"));
    Check.refused(Code.MISUSE, what + "conflicts", store::conflicts);
    Check.refused(Code.MISUSE, what + "resolveConflict",
        () -> store.resolveConflict(noteId, "note#1", IroStore.Resolution.KEEP, null));
    Check.refused(Code.MISUSE, what + "childTimescales", () -> store.childTimescales(CHILD, null));
    Check.refused(Code.MISUSE, what + "enrol", () -> store.enrol("ws://127.0.0.1:9", "code", null));
    Check.refused(Code.MISUSE, what + "sync", () -> store.sync(0, 1));
    Check.refused(Code.MISUSE, what + "cancelSync", store::cancelSync);
    Check.refused(Code.MISUSE, what + "setListener", () -> store.setListener(new EventLog()));
    Check.refused(Code.MISUSE, what + "addAttachment",
        () -> store.addAttachment(noteId, new byte[] {1, 2, 3}));
    Check.refused(Code.MISUSE, what + "getAttachment", () -> store.getAttachment("00"));
    Check.refused(Code.MISUSE, what + "attachmentsJson", store::attachmentsJson);
    Check.refused(Code.MISUSE, what + "formTemplatesJson", store::formTemplatesJson);
    Check.refused(Code.MISUSE, what + "startChildSession",
        () -> store.startChildSession(CHILD, "review_under_8", null));
    Check.refused(Code.MISUSE, what + "openChildSession", () -> store.openChildSession(noteId));

    // libiro refuses the token itself too, not only the Java check: a close
    // on another thread may land between the check and the call.
    IroStore other = IroStore.open(dir.resolve("raced.db").toString(), null);
    Thread closer = new Thread(other::close);
    closer.start();
    closer.join();
    Check.refused(Code.MISUSE, "after a close on another thread", other::deviceId);
  }

  static void invalidInput(Path dir) throws Exception {
    try (IroStore store = IroStore.open(dir.resolve("input.db").toString(), null)) {
      IroException thrown = Check.refused(Code.INVALID_INPUT, "fields that are not JSON",
          () -> store.createDocument("visit", CHILD, "{\"note\": \"unfinished"));
      Check.that(!thrown.isTransient(), "invalid input is not transient");
      Check.refused(Code.INVALID_INPUT, "an unknown field",
          () -> store.createDocument("visit", CHILD, "{\"no_such_field\": 1}"));
      String noteId = store.addNote(CHILD, "a note to edit");
      Check.refused(
          Code.INVALID_INPUT, "an edit that is not JSON", () -> store.editDocument(noteId, "[1,"));
      Check.refused(
          Code.INVALID_INPUT, "a NUL inside a Java string", () -> store.addNote(CHILD, "a\0b"));
      Check.refused(Code.INVALID_INPUT, "a timescales request that is not JSON",
          () -> IroStore.timescales("not json"));
      Check.refused(Code.NOT_FOUND, "editing a record that is not there",
          () -> store.editDocument("no-such-record", "{}"));
      Check.equal(null, store.getDocument("no-such-record"), "a record that is not there");
      Check.equal("[]", store.queryDocuments("review", null), "a query that matches nothing");
    }
    Check.refused(Code.INVALID_INPUT, "a 16-byte key",
        () -> IroStore.open(dir.resolve("short-key.db").toString(), new byte[16]));
  }

  static void wrongKey(Path dir) throws Exception {
    String path = dir.resolve("keyed.db").toString();
    String noteId;
    try (IroStore store = IroStore.open(path, IroStoreTest.key(3))) {
      noteId = store.addNote(CHILD, "kept under the right key");
    }
    Check.refused(Code.WRONG_KEY, "another key", () -> IroStore.open(path, IroStoreTest.key(4)));
    Check.refused(Code.WRONG_KEY, "no key for an encrypted store", () -> IroStore.open(path, null));
    try (IroStore store = IroStore.open(path, IroStoreTest.key(3))) {
      Check.that(store.getDocument(noteId) != null, "the note under the right key");
    }
    String plainPath = dir.resolve("plain.db").toString();
    IroStore.open(plainPath, null).close();
    Check.refused(Code.WRONG_KEY, "a key for a store without one",
        () -> IroStore.open(plainPath, IroStoreTest.key(3)));
  }

  static void nullArguments(Path dir) throws Exception {
    Check.refused(Code.MISUSE, "open(null path)", () -> IroStore.open(null, null));
    try (IroStore store = IroStore.open(dir.resolve("nulls.db").toString(), null)) {
      String noteId = store.addNote(CHILD, "a note");
      Check.refused(
          Code.MISUSE, "createDocument(null kind)", () -> store.createDocument(null, CHILD, "{}"));
      Check.refused(Code.MISUSE, "createDocument(null fields)",
          () -> store.createDocument("visit", CHILD, null));
      Check.refused(Code.MISUSE, "editDocument(null id)", () -> store.editDocument(null, "{}"));
      Check.refused(Code.MISUSE, "getDocument(null)", () -> store.getDocument(null));
      Check.refused(Code.MISUSE, "deleteDocument(null)", () -> store.deleteDocument(null));
      Check.refused(Code.MISUSE, "addNote(null text)", () -> store.addNote(CHILD, null));
      Check.refused(Code.MISUSE, "resolveConflict(null resolution)",
          () -> store.resolveConflict(noteId, "note#1", null, null));
      Check.refused(Code.MISUSE, "resolveConflict(TEXT without text)",
          () -> store.resolveConflict(noteId, "note#1", IroStore.Resolution.TEXT, null));
      Check.refused(Code.MISUSE, "enrol(null url)", () -> store.enrol(null, "code", null));
      Check.refused(Code.MISUSE, "timescales(null)", () -> IroStore.timescales(null));
      Check.refused(
          Code.MISUSE, "addAttachment(null bytes)", () -> store.addAttachment(noteId, null));
      Check.refused(Code.MISUSE, "getAttachment(null)", () -> store.getAttachment(null));
      Check.refused(Code.MISUSE, "startChildSession(null child)",
          () -> store.startChildSession(null, "review_under_8", null));
      Check.refused(Code.MISUSE, "openChildSession(null)", () -> store.openChildSession(null));
      // An attachment round trip, and what a device without templates says.
      byte[] photo = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff};
      String hash = store.addAttachment(noteId, photo);
      Check.that(java.util.Arrays.equals(photo, store.getAttachment(hash)), "getAttachment");
      Check.refused(Code.NOT_FOUND, "getAttachment(unknown)",
          ()
              -> store.getAttachment(
                  "0000000000000000000000000000000000000000000000000000000000000000"));
      Check.refused(Code.INVALID_INPUT, "addAttachment(no bytes)",
          () -> store.addAttachment(noteId, new byte[0]));
      Check.equal("[]", store.formTemplatesJson(), "formTemplatesJson without a sync");
      Check.refused(Code.NOT_FOUND, "startChildSession(unknown template)",
          () -> store.startChildSession(CHILD, "review_under_8", null));
      Check.refused(Code.INVALID_INPUT, "startChildSession(bad setup JSON)",
          () -> store.startChildSession(CHILD, "review_under_8", "{\"helped_by\": "));
      // Where iro.h allows NULL, null is fine.
      Check.that(store.queryDocuments(null, null).contains(noteId), "queryDocuments(null, null)");
      store.setListener(null);
    }
  }
}
