package org.irosync;

/**
 * A call into libiro failed. {@link #code()} mirrors the C ABI's
 * {@code iro_status_t} one to one (mobile-bridge/include/iro/iro.h);
 * {@link #isTransient()} says whether the same call may succeed later
 * (a busy store, an unreachable server), so the app may retry.
 *
 * <p>Unchecked, like {@link IllegalStateException}: a closed store, a null
 * where a value is required or JSON that breaks a rule are programming
 * errors ({@link Code#MISUSE}, {@link Code#INVALID_INPUT}); an app that
 * expects a network failure catches this and checks the code.
 */
public class IroException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The C ABI's status codes ({@code IRO_ERR_*}), with their numbers. */
  public enum Code {
    INVALID_INPUT(1),
    NOT_FOUND(2),
    RECORD_LOCKED(3),
    CORRUPT_DATA(4),
    UNSUPPORTED_VERSION(5),
    STORAGE_FAILURE(6),
    STORAGE_BUSY(7),
    SCHEMA_TOO_NEW(8),
    INTERNAL(9),
    WRONG_KEY(10),
    NETWORK(11),
    REFUSED(12),
    /** The store's offline lease ran out: its records are locked until a sync. */
    LEASE_EXPIRED(13),
    /** Not in this state: the app's child mode, or too many wrong passphrases. */
    NOT_ALLOWED(14),
    /** A closed store, or a null where a value is required. */
    MISUSE(100);

    /** The number iro.h gives the code. */
    public final int status;

    Code(int status) { this.status = status; }

    /** The code for a status; {@link #INTERNAL} for one this class does not know. */
    public static Code of(int status) {
      for (Code code : values()) {
        if (code.status == status) return code;
      }
      return INTERNAL;
    }
  }

  private final Code code;
  private final int status;
  private final boolean isTransient;

  /** For errors found on the Java side (a closed store, a NUL in a string). */
  IroException(Code code, boolean isTransient, String message) {
    super(message);
    this.code = code;
    this.status = code.status;
    this.isTransient = isTransient;
  }

  /** Made by libiro_jni from an {@code iro_error_t}; the message is its UTF-8 bytes. */
  IroException(int status, boolean isTransient, byte[] message) {
    super(IroNative.text(message));
    this.code = Code.of(status);
    this.status = status;
    this.isTransient = isTransient;
  }

  public Code code() { return code; }

  /** The raw status, for a code newer than this class ({@link #code()} is then INTERNAL). */
  public int status() { return status; }

  public boolean isTransient() { return isTransient; }

  @Override
  public String toString() {
    return "IroException(" + code + (isTransient ? ", transient" : "") + "): " + getMessage();
  }
}
