import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.irosync.IroStore;

/**
 * The Android view of the bridge, run by ctest: org.irosync.IroStore over
 * libiro_jni over libiro, as an app would call it. One case syncs a visit
 * note with a real iro-server on 127.0.0.1 (SyncCases), another a child's
 * consultation form in child mode (ChildModeCases); the others show misuse
 * refused, not crashed (MisuseCases), and the listener and threads
 * (ListenerCases). Exits non-zero when any case fails or a store leaks.
 *
 * Usage: java -Djava.library.path=DIR_OF_LIBIRO_JNI -cp iro.jar:tests.jar
 *        IroStoreTest IRO_SERVER_BINARY WORK_DIR
 */
public final class IroStoreTest {
  interface Case {
    void run(Path dir) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      System.err.println("usage: IroStoreTest IRO_SERVER_BINARY IRO_BINARY WORK_DIR");
      System.exit(2);
    }
    String serverBinary = args[0];
    String iroBinary = args[1];
    Path work = Paths.get(args[2]);
    deleteTree(work);
    Files.createDirectories(work);

    Map<String, Case> cases = new LinkedHashMap<>();
    cases.put("a visit note recorded offline reaches a real server",
        dir -> SyncCases.noteReachesServer(serverBinary, dir));
    cases.put("a child's consultation and drawing reach a real server (child mode)",
        dir -> ChildModeCases.consultationReachesServer(serverBinary, dir));
    cases.put("appCall answers the app's requests as `iro app` answers the browser",
        dir -> AppCallCases.sameRepliesAsTheBrowser(serverBinary, iroBinary, dir));
    cases.put("use after close is refused, not a crash", MisuseCases::useAfterClose);
    cases.put("invalid JSON and bad keys are INVALID_INPUT", MisuseCases::invalidInput);
    cases.put("a wrong key for an existing store is WRONG_KEY", MisuseCases::wrongKey);
    cases.put("null arguments are refused", MisuseCases::nullArguments);
    cases.put("two threads on one store both succeed", ListenerCases::twoThreads);
    cases.put(
        "the listener hears changes and its exceptions stay in Java", ListenerCases::listener);

    int failed = 0;
    int number = 0;
    for (Map.Entry<String, Case> entry : cases.entrySet()) {
      Path dir = work.resolve("case-" + ++number);
      Files.createDirectories(dir);
      long started = System.nanoTime();
      try {
        entry.getValue().run(dir);
        System.out.printf("ok      %s (%d ms)%n", entry.getKey(), elapsedMs(started));
      } catch (Throwable failure) {
        ++failed;
        System.out.printf("FAILED  %s (%d ms): %s%n", entry.getKey(), elapsedMs(started), failure);
        failure.printStackTrace(System.out);
      }
    }
    // Every case closes what it opens; a store left open is a leak in the binding.
    long live = IroStore.liveHandles();
    if (live != 0) {
      ++failed;
      System.out.println("FAILED  " + live + " store handle(s) left open");
    }
    System.out.println(failed == 0 ? "all Java cases passed" : failed + " Java case(s) failed");
    if (failed == 0) deleteTree(work); // kept on failure, for the server's log
    System.exit(failed == 0 ? 0 : 1);
  }

  /** 32 made-up key bytes, as the Android Keystore would hand the app. */
  static byte[] key(int seed) {
    byte[] key = new byte[32];
    for (int i = 0; i < key.length; i++) key[i] = (byte) (seed * 31 + i * 7);
    return key;
  }

  private static long elapsedMs(long started) { return (System.nanoTime() - started) / 1_000_000; }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) return;
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }
}
