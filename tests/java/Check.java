import org.irosync.IroException;

/**
 * Assertions for the Java test (no JUnit): each failure throws AssertionError with what was seen.
 */
final class Check {
  private Check() {}

  interface Call {
    void run() throws Exception;
  }

  static void that(boolean condition, String what) {
    if (!condition) throw new AssertionError(what);
  }

  static void equal(Object expected, Object actual, String what) {
    if (expected == null ? actual != null : !expected.equals(actual)) {
      throw new AssertionError(what + ": expected <" + expected + "> but was <" + actual + ">");
    }
  }

  /** Runs {@code call}, which must throw IroException with {@code code}; returns it. */
  static IroException refused(IroException.Code code, String what, Call call) {
    try {
      call.run();
    } catch (IroException thrown) {
      equal(code, thrown.code(), what + " (" + thrown.getMessage() + ")");
      return thrown;
    } catch (Exception other) {
      throw new AssertionError(what + ": expected IroException " + code + " but got " + other);
    }
    throw new AssertionError(what + ": expected IroException " + code + " but nothing was thrown");
  }
}
