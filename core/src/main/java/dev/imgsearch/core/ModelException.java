package dev.imgsearch.core;

/** A model cannot be found, downloaded, loaded or run; the message says where it was looked for. */
public class ModelException extends ImageSearchException {
  private static final long serialVersionUID = 1L;

  public ModelException(String message) {
    super(message);
  }

  public ModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
