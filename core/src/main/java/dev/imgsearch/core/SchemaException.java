package dev.imgsearch.core;

/**
 * A collection or field does not exist, or exists with another schema than the one asked for.
 *
 * @see CollectionNotFoundException
 */
public class SchemaException extends ImageSearchException {
  private static final long serialVersionUID = 1L;

  public SchemaException(String message) {
    super(message);
  }

  public SchemaException(String message, Throwable cause) {
    super(message, cause);
  }
}
