package dev.imgsearch.core;

/**
 * Root of the SDK's small, unchecked exception hierarchy.
 *
 * <p>Every message says what was wrong and what the caller can do about it. Catch this type to handle every
 * failure the SDK reports; catch a subclass to handle one kind:
 *
 * <ul>
 *   <li>{@link InvalidInputException}: an argument the caller passed is not acceptable (wrong vector dimension,
 *       NaN values, {@code topK <= 0}, an empty batch where one is not allowed, ...). Retrying the same call
 *       fails the same way.
 *   <li>{@link dev.imgsearch.core.filter.FilterSyntaxException}: a filter expression that does not parse.
 *   <li>{@link InvalidImageException}: an image that cannot be used (empty, corrupt, truncated, unsupported
 *       format, too many pixels, unreadable file).
 *   <li>{@link SchemaException}: a collection or field that does not exist or does not match.
 *   <li>{@link StoreUnavailableException}: the store cannot be reached now; the call may succeed later.
 *   <li>{@link ModelException}: a model cannot be found, loaded or run.
 *   <li>{@link ClosedException}: an object was used after {@code close()}.
 * </ul>
 */
public class ImageSearchException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ImageSearchException(String message) {
    super(message);
  }

  public ImageSearchException(String message, Throwable cause) {
    super(message, cause);
  }
}
