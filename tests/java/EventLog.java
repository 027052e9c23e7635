import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.irosync.IroListener;

/** A listener that keeps every event, parsed, in order; safe on any thread. */
final class EventLog implements IroListener {
  private final List<Map<String, Object>> events = new ArrayList<>();

  @Override
  public synchronized void onEvent(String eventJson) {
    events.add(Json.object(eventJson));
    notifyAll();
  }

  /** Events of that type ("changed", "synced", "wiped"), and that origin unless null. */
  synchronized List<Map<String, Object>> of(String event, String origin) {
    List<Map<String, Object>> found = new ArrayList<>();
    for (Map<String, Object> entry : events) {
      if (event.equals(entry.get("event"))
          && (origin == null || origin.equals(entry.get("origin")))) {
        found.add(entry);
      }
    }
    return found;
  }

  /** Whether a "changed" event of that origin named the record. */
  synchronized boolean changed(String origin, String docId) {
    for (Map<String, Object> entry : of("changed", origin)) {
      if (((List<?>) entry.get("doc_ids")).contains(docId)) return true;
    }
    return false;
  }

  synchronized int size() { return events.size(); }

  /** Waits (at most `seconds`) for an event of that type; false when none came. */
  synchronized boolean await(String event, double seconds) throws InterruptedException {
    long deadline = System.nanoTime() + (long) (seconds * TimeUnit.SECONDS.toNanos(1));
    while (of(event, null).isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) return false;
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  @Override
  public synchronized String toString() {
    return events.toString();
  }
}
