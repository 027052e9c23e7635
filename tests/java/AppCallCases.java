import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.irosync.IroException.Code;
import org.irosync.IroStore;

/**
 * The app's one request function from Java, as an Android WebView host
 * binds it: IroStore.appCall with the requests the app's screens send (a
 * sync, the caseload, a child's page, a note saved as it is typed, child
 * mode), against a real iro-server. Then the same store is opened by a real
 * `iro app` and the read requests are sent to it over HTTP, as the browser
 * sends them: the replies are the same, field for field.
 */
final class AppCallCases {
  private static final String CHILD = SyncCases.CHILD;
  private static final String PASSPHRASE = "kitchen table 42";
  private static final Pattern PRINTED =
      Pattern.compile("open (http://127\\.0\\.0\\.1:([0-9]+))/launch\\?secret=([0-9a-f]+)");

  private AppCallCases() {}

  @SuppressWarnings("unchecked")
  static void sameRepliesAsTheBrowser(String serverBinary, String iroBinary, Path dir)
      throws Exception {
    byte[] key = IroStoreTest.key(5);
    Path tabletPath = dir.resolve("tablet.db");
    List<String> reads = new ArrayList<>();
    List<Object> javaReplies = new ArrayList<>();
    try (TestServer server = new TestServer(serverBinary, dir)) {
      Path spec = dir.resolve("java_under_8.json");
      Files.writeString(spec, ChildModeCases.TEMPLATE);
      server.publishTemplate(spec);
      try (IroStore tablet = IroStore.open(tabletPath.toString(), key)) {
        tablet.enrol(server.url(), server.issueCode(server.iro(0)), "java app tablet");
        Check.equal(true, call(tablet, "{\"op\": \"sync.now\"}").get("started"), "sync.now");
        Map<String, Object> sync = awaitSync(tablet);
        Check.equal("synced", sync.get("result"), "the app's sync " + sync);

        String note = "{\"op\": \"note.save\", \"child_id\": \"" + CHILD
            + "\", \"fields\": {\"note\": \"Sam showed me the garden.\", \"visit_type\": \"pre_review\"}}";
        String noteId = (String) call(tablet, note).get("id");
        call(tablet, "{\"op\": \"note.save\", \"id\": \"" + noteId + "\", \"child_id\": \"" + CHILD
            + "\", \"fields\": {\"note\": \"Sam showed me the garden and the rabbit.\"}}");
        call(tablet, "{\"op\": \"passphrase.set\", \"passphrase\": \"" + PASSPHRASE + "\"}");
        Check.equal(true, call(tablet, "{\"op\": \"status\"}").get("has_passphrase"), "passphrase");

        // Child mode: the child's form and nothing else, until the passphrase.
        call(tablet, "{\"op\": \"child_mode.start\", \"child_id\": \"" + CHILD
            + "\", \"template_id\": \"java_under_8\", \"helped_by\": \"carer\"}");
        call(tablet, "{\"op\": \"child.answer\", \"question_id\": \"feel_at_home\", \"answer\": \"8\"}");
        Check.refused(Code.NOT_ALLOWED, "the caseload in child mode",
            () -> tablet.appCall("{\"op\": \"caseload\"}"));
        Check.refused(Code.WRONG_KEY, "leaving with the wrong passphrase",
            () -> tablet.appCall("{\"op\": \"child.leave\", \"passphrase\": \"let me out\"}"));
        call(tablet, "{\"op\": \"child.finish\"}");
        call(tablet, "{\"op\": \"child.leave\", \"passphrase\": \"" + PASSPHRASE + "\"}");
        Check.refused(Code.INVALID_INPUT, "an unknown operation",
            () -> tablet.appCall("{\"op\": \"dance\"}"));

        // What the screens read, as Java sees it.
        reads.add("{\"op\": \"caseload\"}");
        reads.add("{\"op\": \"child\", \"child_id\": \"" + CHILD + "\"}");
        reads.add("{\"op\": \"record\", \"id\": \"" + noteId + "\"}");
        reads.add("{\"op\": \"forms\", \"child_id\": \"" + CHILD + "\"}");
        reads.add("{\"op\": \"refused\"}");
        for (String read : reads) javaReplies.add(Json.parse(tablet.appCall(read)));
        List<Object> children =
            (List<Object>) ((Map<String, Object>) javaReplies.get(0)).get("children");
        Check.that(children.size() >= 2, "the synced caseload " + children);
        Map<String, Object> record =
            (Map<String, Object>) ((Map<String, Object>) javaReplies.get(2)).get("record");
        Check.equal("Sam showed me the garden and the rabbit.",
            ((Map<String, Object>) record.get("fields")).get("note"), "the note as saved");
      }
    }

    // The same store under `iro app`, asked over HTTP as the browser asks.
    Process app = new ProcessBuilder(iroBinary, "--db", tabletPath.toString(), "app")
                      .redirectErrorStream(true)
                      .start();
    try {
      Matcher printed = awaitAddress(app);
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      String origin = printed.group(1);
      String cookie = "iro_app=" + printed.group(3);
      Check.equal(403, post(http, origin, cookie, "{\"op\": \"caseload\"}").statusCode(),
          "the caseload before unlocking");
      Check.equal(200,
          post(http, origin, cookie, "{\"op\": \"app.unlock\", \"passphrase\": \"" + PASSPHRASE + "\"}")
              .statusCode(),
          "unlocking with the passphrase");
      for (int i = 0; i < reads.size(); i++) {
        HttpResponse<String> reply = post(http, origin, cookie, reads.get(i));
        Check.equal(200, reply.statusCode(), reads.get(i));
        Check.equal(javaReplies.get(i), Json.parse(reply.body()), "the reply to " + reads.get(i));
      }
    } finally {
      app.destroy();
      if (!app.waitFor(10, TimeUnit.SECONDS)) app.destroyForcibly().waitFor();
    }
  }

  private static Map<String, Object> call(IroStore store, String request) {
    return Json.object(store.appCall(request));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> awaitSync(IroStore tablet) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      Map<String, Object> sync = (Map<String, Object>) call(tablet, "{\"op\": \"status\"}").get("sync");
      if (Boolean.FALSE.equals(sync.get("running"))) return sync;
      Thread.sleep(50);
    }
    throw new AssertionError("the app's sync did not end within 30 s");
  }

  private static Matcher awaitAddress(Process app) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    for (String line; (line = out.readLine()) != null;) {
      Matcher matcher = PRINTED.matcher(line);
      if (matcher.find()) return matcher;
      seen.append(line).append('\n');
    }
    throw new AssertionError("iro app printed no address: " + seen);
  }

  private static HttpResponse<String> post(HttpClient http, String origin, String cookie,
      String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(origin + "/api"))
                              .timeout(Duration.ofSeconds(10))
                              .header("Content-Type", "application/json")
                              .header("Cookie", cookie)
                              .POST(HttpRequest.BodyPublishers.ofString(body))
                              .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
