package dev.imgsearch.pipeline;

import dev.imgsearch.core.InvalidImageException;
import java.util.Objects;

/**
 * One image that could not be indexed. The run goes on without it; a row already stored for it is kept.
 *
 * @param item the file's path, or the record's id
 * @param cause which case it is
 * @param message what was wrong and what to do
 */
public record IndexFailure(String item, Cause cause, String message) {
  public IndexFailure {
    Objects.requireNonNull(item, "item");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(message, "message");
  }

  /** Why an image was not indexed. The first six are {@link InvalidImageException.Reason}s of the decoder. */
  public enum Cause {
    /** Zero bytes. */
    EMPTY,
    /** Not a readable image of the format it claims to be. */
    CORRUPT,
    /** The image data ends before the image is complete. */
    TRUNCATED,
    /** No installed decoder recognises the format. */
    UNSUPPORTED_FORMAT,
    /** More pixels than the decoder's limit (a decompression-bomb guard). */
    TOO_LARGE,
    /** The file could not be read: missing, permission denied, broken link, I/O error. */
    UNREADABLE,
    /** The id, path or metadata cannot be stored (too long, a reserved or invalid field name, a bad value). */
    INVALID_METADATA,
    /** The model returned a vector that cannot be stored (NaN, infinity, wrong dimension). */
    INVALID_VECTOR;

    /** The cause for a decoder's reason. */
    public static Cause of(InvalidImageException.Reason reason) {
      return switch (reason) {
        case EMPTY -> EMPTY;
        case CORRUPT -> CORRUPT;
        case TRUNCATED -> TRUNCATED;
        case UNSUPPORTED_FORMAT -> UNSUPPORTED_FORMAT;
        case TOO_LARGE -> TOO_LARGE;
        case UNREADABLE -> UNREADABLE;
      };
    }
  }

  @Override
  public String toString() {
    return item + " (" + cause + "): " + message;
  }
}
