import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.irosync.IroChildSession;
import org.irosync.IroException.Code;
import org.irosync.IroStore;

/**
 * Child mode through IroChildSession against a real iro-server: the server
 * publishes a form template, the tablet syncs it, the child answers, draws
 * and finishes, and the server holds the consultation and the drawing.
 */
final class ChildModeCases {
  // A small under-8 form, as data/form-templates/ ships them.
  static final String TEMPLATE = "{\"family\": \"java_under_8\", \"name\": \"My review\","
      + " \"age_variant\": \"under_8\", \"intro\": \"This is about you.\", \"questions\": ["
      + "{\"id\": \"feel_at_home\", \"type\": \"scale\", \"min\": 0, \"max\": 10,"
      + " \"picture\": \"faces\", \"prompt\": \"How do you feel at home?\"},"
      + "{\"id\": \"who_comes\", \"type\": \"people\", \"prompt\": \"Who would you like there?\"},"
      + "{\"id\": \"family_time\", \"type\": \"choice\", \"options\": [\"happy\", \"ok\", \"sad\"],"
      + " \"prompt\": \"How do you feel about family time?\"},"
      + "{\"id\": \"not_talk_about\", \"type\": \"do_not_discuss\","
      + " \"prompt\": \"Anything you do NOT want talked about?\"}]}";
  private static final String CHILD = SyncCases.CHILD;

  private ChildModeCases() {}

  @SuppressWarnings("unchecked")
  static void consultationReachesServer(String serverBinary, Path dir) throws Exception {
    try (TestServer server = new TestServer(serverBinary, dir)) {
      Path spec = dir.resolve("java_under_8.json");
      Files.writeString(spec, TEMPLATE);
      String templateId = server.publishTemplate(spec);
      String iro = server.iro(0);
      byte[] drawing = new byte[70_000]; // bigger than one frame of text, smaller than a chunk
      for (int i = 0; i < drawing.length; i++) drawing[i] = (byte) (i * 7 + i / 256);

      String consultationId;
      String hash;
      EventLog events = new EventLog();
      Path tabletPath = dir.resolve("tablet.db");
      try (IroStore tablet = IroStore.open(tabletPath.toString(), IroStoreTest.key(3))) {
        tablet.setListener(events);
        Check.equal("[]", tablet.formTemplatesJson(), "templates before the first sync");
        tablet.enrol(server.url(), server.issueCode(iro), "java child mode tablet");
        Check.equal("synced", Json.object(tablet.sync(0, 3)).get("result"), "the first sync");

        List<Object> templates = Json.array(tablet.formTemplatesJson());
        Check.equal(1, templates.size(), "templates after the sync " + templates);
        Map<String, Object> template = (Map<String, Object>) templates.get(0);
        Check.equal(templateId, template.get("id"), "the template's id");
        Check.equal("java_under_8", template.get("family"), "the template's family");
        Check.equal(1L, template.get("version"), "the template's version");
        Check.equal(4, ((List<Object>) template.get("questions")).size(), "its questions");

        try (IroChildSession child =
                 tablet.startChildSession(CHILD, "java_under_8", "{\"helped_by\": \"carer\"}")) {
          Map<String, Object> form = Json.object(child.formJson());
          consultationId = (String) form.get("consultation_id");
          Check.that(consultationId != null && consultationId.length() == 36,
              "the consultation's id " + form);
          Check.that(form.get("child_name") instanceof String, "the child's name " + form);
          Check.equal(false, form.get("finished"), "finished before finish");
          List<Object> questions = (List<Object>) form.get("questions");
          Map<String, Object> scale = (Map<String, Object>) questions.get(0);
          Check.equal("faces", scale.get("picture"), "the scale's picture");
          Check.equal(10L, scale.get("max"), "the scale's max");
          Check.equal(null, scale.get("answer"), "no answer yet");

          child.answer("feel_at_home", "8");
          child.answer("who_comes", "Nan and my carer \uD83D\uDE42");
          child.answer("family_time", "ok");
          Check.refused(Code.INVALID_INPUT, "an answer to a question the template lacks",
              () -> child.answer("favourite_colour", "blue"));
          Check.refused(Code.INVALID_INPUT, "a scale answer out of range",
              () -> child.answer("feel_at_home", "11"));
          Check.refused(Code.INVALID_INPUT, "a choice not offered",
              () -> child.answer("family_time", "purple"));
          Check.refused(Code.MISUSE, "a null answer", () -> child.answer("who_comes", null));
          hash = child.attach(drawing);
          Check.equal(64, hash.length(), "the drawing's hash");

          form = Json.object(child.formJson());
          questions = (List<Object>) form.get("questions");
          Check.equal("8", ((Map<String, Object>) questions.get(0)).get("answer"), "scale answer");
          Check.equal("Nan and my carer \uD83D\uDE42",
              ((Map<String, Object>) questions.get(1)).get("answer"), "people answer");
          child.finish();
          Check.refused(Code.INVALID_INPUT, "an answer after finish",
              () -> child.answer("feel_at_home", "3"));
          Check.refused(Code.INVALID_INPUT, "a drawing after finish", () -> child.attach(drawing));
          Check.refused(Code.INVALID_INPUT, "a second finish", child::finish);
        }
        Check.that(events.changed("local", consultationId), "the listener heard it " + events);
        Check.that(Arrays.equals(drawing, tablet.getAttachment(hash)), "the drawing's bytes");
        Check.that(tablet.attachmentsJson().contains(hash), "the drawing in the list");

        // Reopened later: the answers and the finish are kept.
        try (IroChildSession again = tablet.openChildSession(consultationId)) {
          Check.equal(true, Json.object(again.formJson()).get("finished"), "finished, reopened");
        }

        Map<String, Object> report = Json.object(tablet.sync(0, 3));
        Check.equal("synced", report.get("result"), "the sync after the form " + report);
        Check.equal(0L, tablet.pendingChanges(), "changes pending after the sync");
      }

      // A session outlived by its store is refused, not a crash.
      IroStore store = IroStore.open(tabletPath.toString(), IroStoreTest.key(3));
      IroChildSession orphan = store.openChildSession(consultationId);
      store.close();
      Check.refused(Code.MISUSE, "a child session after its store closed", orphan::formJson);
      Check.refused(Code.MISUSE, "an answer after its store closed",
          () -> orphan.answer("feel_at_home", "1"));
      orphan.close();
      orphan.close(); // twice: harmless
      Check.refused(Code.MISUSE, "a closed child session", orphan::finish);
      Check.refused(Code.MISUSE, "closed store: startChildSession",
          () -> store.startChildSession(CHILD, templateId, null));
      Check.refused(Code.MISUSE, "closed store: formTemplatesJson", store::formTemplatesJson);
      Check.refused(Code.MISUSE, "closed store: getAttachment", () -> store.getAttachment(hash));

      Map<String, Object> fields = serverFields(server, iro, consultationId);
      Check.that(fields != null, "the server holds the consultation");
      Check.equal("8", fields.get("answer.feel_at_home"), "the answer on the server");
      Check.equal("completed", fields.get("status"), "the consultation's status on the server");
      Check.equal("carer", fields.get("helped_by"), "helped_by on the server");
      Check.that(String.valueOf(fields.get("attachments")).contains(hash),
          "the drawing's hash on the server " + fields.get("attachments"));
      Check.that(Arrays.equals(drawing, server.attachment(hash, dir.resolve("from-server.bin"))),
          "the drawing's bytes on the server");
    }
  }

  // The record's fields as the server holds them for the IRO; null when it has no such record.
  @SuppressWarnings("unchecked")
  private static Map<String, Object> serverFields(TestServer server, String iro, String docId)
      throws Exception {
    for (Object document : (List<?>) Json.parse(server.export(iro))) {
      Map<String, Object> record = (Map<String, Object>) document;
      if (docId.equals(record.get("id"))) return (Map<String, Object>) record.get("fields");
    }
    return null;
  }
}
