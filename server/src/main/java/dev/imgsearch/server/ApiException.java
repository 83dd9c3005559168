package dev.imgsearch.server;

/**
 * An HTTP error the server answers with an RFC 9457 problem details document: a status, a short machine-readable
 * type (appended to {@value Problems#TYPE_BASE}), a title and a detail that says what to do.
 */
final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String type;
  private final String title;
  private final transient String retryAfter;

  ApiException(int status, String type, String title, String detail) {
    this(status, type, title, detail, null);
  }

  ApiException(int status, String type, String title, String detail, String retryAfter) {
    super(detail, null, false, false);
    this.status = status;
    this.type = type;
    this.title = title;
    this.retryAfter = retryAfter;
  }

  int status() {
    return status;
  }

  String type() {
    return type;
  }

  String title() {
    return title;
  }

  String retryAfter() {
    return retryAfter;
  }

  static ApiException badRequest(String type, String detail) {
    return new ApiException(400, type, "Bad request", detail);
  }

  static ApiException notFound(String type, String detail) {
    return new ApiException(404, type, "Not found", detail);
  }
}
