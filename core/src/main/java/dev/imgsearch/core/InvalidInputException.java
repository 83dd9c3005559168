package dev.imgsearch.core;

/** An argument passed by the caller is not acceptable; the message names it and says what is expected. */
public class InvalidInputException extends ImageSearchException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(String message) {
    super(message);
  }

  public InvalidInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
