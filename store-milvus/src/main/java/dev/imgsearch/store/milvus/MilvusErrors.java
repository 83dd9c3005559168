package dev.imgsearch.store.milvus;

import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.StoreUnavailableException;
import io.milvus.shaded.io.grpc.Status;
import io.milvus.shaded.io.grpc.StatusRuntimeException;
import io.milvus.v2.exception.ErrorCode;
import io.milvus.v2.exception.MilvusClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns what milvus-sdk-java throws into core's exceptions, with messages that name the endpoint (never a secret)
 * and say what to do. Every message passes through {@link #redact} so that a token or password that found its way
 * into a server or SDK message is never shown.
 */
final class MilvusErrors {
  /** Milvus's server error code for a missing collection. */
  private static final int COLLECTION_NOT_FOUND = 100;
  /** Milvus's legacy error code for a missing collection. */
  private static final int LEGACY_COLLECTION_NOT_EXISTS = 4;

  private final String endpoint;
  private final List<String> secrets;

  MilvusErrors(String endpoint, List<String> secrets) {
    this.endpoint = endpoint;
    List<String> s = new ArrayList<>();
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        s.add(secret);
        int colon = secret.indexOf(':');
        if (colon >= 0 && colon + 1 < secret.length()) {
          s.add(secret.substring(colon + 1)); // the password part of user:password
        }
      }
    }
    this.secrets = List.copyOf(s);
  }

  /** The endpoint as shown in messages (without user info). */
  String endpoint() {
    return endpoint;
  }

  /** Replaces every secret in {@code text} with {@code ****}. */
  String redact(String text) {
    if (text == null) {
      return "";
    }
    String out = text;
    for (String secret : secrets) {
      out = out.replace(secret, "****");
    }
    return out;
  }

  /** Whether the failure is worth retrying: the server could not be reached or did not answer in time. */
  static boolean isTransient(Throwable t) {
    Status.Code code = grpcCode(t);
    if (code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED) {
      return true;
    }
    if (t instanceof MilvusClientException m && m.getErrorCode() == ErrorCode.TIMEOUT) {
      return true; // the SDK's own retry loop gave up (a client handed in through wrap() may retry itself)
    }
    if (code != null && code != Status.Code.UNKNOWN && code != Status.Code.CANCELLED
        && code != Status.Code.INTERNAL) {
      return false;
    }
    // The connection broke during the call (the server died or restarted): gRPC reports UNKNOWN/CANCELLED/INTERNAL
    // with the transport's words.
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.io.IOException) {
        return true;
      }
      String text = String.valueOf(c.getMessage());
      for (String sign : TRANSPORT_FAILURES) {
        if (text.contains(sign)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Words of a broken connection, in gRPC and Netty messages. */
  private static final List<String> TRANSPORT_FAILURES = List.of("UNAVAILABLE", "DEADLINE_EXCEEDED", "channel closed",
      "Connection reset", "Connection refused", "Connection closed", "Network closed", "GOAWAY", "io exception");

  /** Whether the server says the collection does not exist. */
  static boolean isCollectionNotFound(Throwable t) {
    if (t instanceof MilvusClientException m) {
      if (m.getServerErrCode() == COLLECTION_NOT_FOUND || (m.getServerErrCode() == 0
          && m.getLegacyServerCode() == LEGACY_COLLECTION_NOT_EXISTS)) {
        return true;
      }
      String text = String.valueOf(m.getMessage()).toLowerCase(Locale.ROOT);
      return m.getErrorCode() == ErrorCode.COLLECTION_NOT_FOUND
          || (text.contains("collection") && (text.contains("not found") || text.contains("not exist")));
    }
    return false;
  }

  private static Status.Code grpcCode(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) {
        return s.getStatus().getCode();
      }
    }
    return null;
  }

  /**
   * The core exception for a failed call.
   *
   * @param action what the store was doing, e.g. "search collection 'images'"
   * @param collection the collection concerned, or null
   */
  ImageSearchException translate(String action, String collection, RuntimeException e) {
    if (e instanceof ImageSearchException ise) {
      return ise;
    }
    if (collection != null && isCollectionNotFound(e)) {
      return new CollectionNotFoundException(collection);
    }
    String detail = redact(detail(e));
    if (isTransient(e)) {
      return new StoreUnavailableException("Milvus at " + endpoint + " did not answer while trying to " + action + " ("
          + detail + "). Check that the server is running and reachable (for a local test server: `milvus-lite "
          + "server --data-dir ./milvus-data`); the call can be retried.", sanitizedCause(e));
    }
    Status.Code code = grpcCode(e);
    if (code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED
        || detail.toLowerCase(Locale.ROOT).contains("auth")) {
      return new InvalidInputException("Milvus at " + endpoint + " refused the credentials while trying to " + action
          + " (" + detail + "). Check the token (user:password or API key) given to the store.", sanitizedCause(e));
    }
    if (code == Status.Code.UNIMPLEMENTED) {
      return new SchemaException("Milvus at " + endpoint + " does not support what was asked while trying to " + action
          + " (" + detail + "). This server version or edition lacks the feature; use a Milvus standalone server "
          + "or the native client for it.", sanitizedCause(e));
    }
    return new SchemaException("Milvus at " + endpoint + " refused to " + action + ": " + detail + ". Check the "
        + "request against the collection (describeCollection) and the server's log.", sanitizedCause(e));
  }

  /** A readable account of the failure, without stack traces. */
  private static String detail(Throwable e) {
    Status.Code code = grpcCode(e);
    String message = e.getMessage();
    if (message != null && message.contains("unknown enum value")) {
      // milvus-sdk-java cannot read some status codes of newer servers (Milvus Lite 3.x); the reason is then
      // only in the server's log.
      return "the server rejected the request with a status milvus-sdk-java cannot decode; its log has the reason";
    }
    if (message == null || message.isBlank()) {
      message = e.getClass().getSimpleName();
    }
    if (code != null && !message.contains(code.name())) {
      message = code.name() + ": " + message;
    }
    return message;
  }

  /**
   * The cause to attach: the SDK's exceptions can carry request details, so a cause is attached only as a plain
   * exception holding the redacted message.
   */
  private Throwable sanitizedCause(Throwable e) {
    RuntimeException plain = new RuntimeException(e.getClass().getName() + ": " + redact(String.valueOf(e.getMessage())));
    plain.setStackTrace(e.getStackTrace());
    return plain;
  }
}
