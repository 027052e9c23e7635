import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real iro-server on 127.0.0.1 for the Java test, as tests/support/
 * server_process.cpp starts one for the C++ tests: a synthetic demo county
 * (made-up names, no review histories) set up with `iro-server admin`, then
 * `serve` on an ephemeral port read from its "listening on" line. Every wait
 * is bounded; close() stops it (SIGTERM, then SIGKILL).
 */
final class TestServer implements AutoCloseable {
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:([0-9]+)");

  private static final String TENANT = "demo-county"; // what demo-county sets up

  private final String binary;
  private final Path data;
  private final Path log;
  private final List<String> iros = new ArrayList<>();
  private final Process process;
  private final int port;

  TestServer(String binary, Path dir) throws Exception {
    this.binary = binary;
    this.data = dir.resolve("server");
    this.log = dir.resolve("server.log");
    for (String line : admin("demo-county", "--children", "6", "--no-reviews").split("\n")) {
      String[] words = line.trim().split("\\s+");
      if (words.length >= 2 && words[0].equals("iro")) iros.add(words[1]);
    }
    Check.that(iros.size() == 3, "demo-county made three IROs: " + iros);
    process = new ProcessBuilder(binary, "serve", "--data", data.toString(), "--listen",
        "127.0.0.1:0", "--insecure-loopback")
                  .redirectErrorStream(true)
                  .redirectOutput(log.toFile())
                  .start();
    try {
      port = awaitListening();
    } catch (Exception failure) {
      close();
      throw failure;
    }
  }

  String url() { return "ws://127.0.0.1:" + port; }

  /** The user id of demo IRO {@code index} (0-2); DEMO-0001 is IRO 0's child. */
  String iro(int index) { return iros.get(index); }

  /** A one-time enrolment code for the user (`admin enrol` prints it last). */
  String issueCode(String user) throws Exception {
    String[] lines = admin("enrol", "--user", user).trim().split("\n");
    return lines[lines.length - 1].trim();
  }

  /** What the user's devices may hold, as the server has it (`admin export`). */
  String export(String user) throws Exception { return admin("export", "--user", user); }

  /** Publishes a form template (JSON, as data/form-templates/); returns its id (printed last). */
  String publishTemplate(Path file) throws Exception {
    String[] lines =
        admin("publish-template", "--tenant", TENANT, file.toString()).trim().split("\n");
    return lines[lines.length - 1].trim();
  }

  /** The bytes of an attachment the server holds (`admin attachment`), through `out`. */
  byte[] attachment(String hash, Path out) throws Exception {
    admin("attachment", "--tenant", TENANT, "--hash", hash, "--out", out.toString());
    return Files.readAllBytes(out);
  }

  /** Revokes a lost device: its next sync wipes it. */
  void revoke(String deviceId) throws Exception { admin("revoke", "--device", deviceId); }

  @Override
  public void close() {
    if (process == null || !process.isAlive()) return;
    process.destroy(); // SIGTERM: the server drains and exits
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException interrupted) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private int awaitListening() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log) : "";
      Matcher listening = LISTENING.matcher(text);
      if (listening.find()) return Integer.parseInt(listening.group(1));
      if (!process.isAlive()) throw new IOException("iro-server exited at start: " + text);
      Thread.sleep(20);
    }
    throw new IOException("iro-server did not start listening within 20 s");
  }

  /** `iro-server admin --data DIR args...`; its stdout, or an exception with its stderr. */
  private String admin(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(Arrays.asList(binary, "admin", "--data", data.toString()));
    command.addAll(Arrays.asList(args));
    File out = File.createTempFile("iro-admin", ".out");
    File err = File.createTempFile("iro-admin", ".err");
    try {
      // Output through files, not pipes: a bounded wait cannot hang on a read.
      Process admin = new ProcessBuilder(command).redirectOutput(out).redirectError(err).start();
      if (!admin.waitFor(60, TimeUnit.SECONDS)) {
        admin.destroyForcibly();
        throw new IOException("iro-server admin " + args[0] + " took over 60 s");
      }
      if (admin.exitValue() != 0) {
        throw new IOException(
            "iro-server admin " + args[0] + " failed: " + Files.readString(err.toPath()));
      }
      return new String(Files.readAllBytes(out.toPath()), StandardCharsets.UTF_8);
    } finally {
      out.delete();
      err.delete();
    }
  }
}
