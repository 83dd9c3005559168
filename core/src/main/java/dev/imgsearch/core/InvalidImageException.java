package dev.imgsearch.core;

import java.util.Objects;

/** An image cannot be decoded or is refused; {@link #reason()} says which case it is. */
public class InvalidImageException extends ImageSearchException {
  private static final long serialVersionUID = 1L;

  /** Why an image was refused. */
  public enum Reason {
    /** The input holds no bytes at all. */
    EMPTY,
    /** The bytes are not a readable image of the format they claim to be. */
    CORRUPT,
    /** The image data ends before the image is complete. */
    TRUNCATED,
    /** No installed decoder recognises the format. */
    UNSUPPORTED_FORMAT,
    /** Width times height is above the configured pixel limit (a decompression-bomb guard). */
    TOO_LARGE,
    /** The file or stream could not be read (missing, permission denied, I/O error). */
    UNREADABLE
  }

  private final Reason reason;
  private final String source;

  public InvalidImageException(Reason reason, String source, String message) {
    this(reason, source, message, null);
  }

  public InvalidImageException(Reason reason, String source, String message, Throwable cause) {
    super(source + ": " + message, cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.source = source;
  }

  /** Which case of bad image this is. */
  public Reason reason() {
    return reason;
  }

  /** A description of the input (a path, or "bytes[1234]"). */
  public String source() {
    return source;
  }
}
