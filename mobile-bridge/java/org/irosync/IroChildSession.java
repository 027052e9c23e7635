package org.irosync;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Child mode: what the IRO hands the child on the tablet. A session reaches
 * one consultation (the child's chosen name, the questions of its form
 * template version and the answers so far) and nothing else of the store.
 * Opened by {@link IroStore#startChildSession} or
 * {@link IroStore#openChildSession}; the Java face of iro.h's
 * {@code iro_child_session_*}.
 *
 * <p>Errors: every method throws {@link IroException}. After {@link #close},
 * or once its store is closed, every method throws it with
 * {@link IroException.Code#MISUSE}: the handle is a token libiro refuses,
 * never a pointer. Close the session as well as the store
 * (try-with-resources).
 *
 * <p>Threads: any thread; libiro runs one call on the session, and on its
 * store, at a time.
 */
public final class IroChildSession implements AutoCloseable {
  // libiro's token for the session; 0 once close() has begun.
  private final AtomicLong token;

  IroChildSession(long token) { this.token = new AtomicLong(token); }

  /**
   * What the child sees, as JSON: {@code {"consultation_id", "child_name",
   * "finished", "template": {...}, "questions": [{"id", "type", "prompt",
   * ..., "answer"}]}} (iro.h, iro_child_session_form_json).
   */
  public String formJson() { return IroNative.text(IroNative.childSessionFormJson(handle())); }

  /**
   * Records the answer to {@code questionId} (empty text clears it). A scale
   * takes its number as text ("7"), yes_no "yes" or "no". INVALID_INPUT for a
   * question the template lacks, an answer that does not fit, or a finished
   * form.
   */
  public void answer(String questionId, String text) {
    IroNative.childSessionAnswer(handle(), IroNative.utf8(questionId), IroNative.utf8(text));
  }

  /** Attaches a drawing (or other picture, at most 10 MiB); returns its SHA-256 hex. */
  public String attach(byte[] bytes) {
    if (bytes == null) throw new IroException(IroException.Code.MISUSE, false, "bytes is null");
    return IroNative.text(IroNative.childSessionAttach(handle(), bytes));
  }

  /** Marks the consultation completed; later answers and drawings are refused. */
  public void finish() { IroNative.childSessionFinish(handle()); }

  /** Closes the session (not the store). Harmless when already closed. */
  @Override
  public void close() {
    long closing = token.getAndSet(0);
    if (closing != 0) IroNative.childSessionClose(closing);
  }

  public boolean isClosed() { return token.get() == 0; }

  private long handle() {
    long current = token.get();
    if (current == 0) {
      throw new IroException(IroException.Code.MISUSE, false, "the child session is closed");
    }
    return current;
  }
}
