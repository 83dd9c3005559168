package dev.imgsearch.server;

import com.google.gson.Gson;
import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.CollectionNotFoundException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidImageException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.filter.FilterSyntaxException;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns exceptions into RFC 9457 problem details ({@code application/problem+json}): a status, a type URI, a
 * title and a detail that says what to do; never a stack trace. SDK exceptions map by kind: a bad image is 422
 * (413 when it is too large), bad input and filter syntax 400, a missing collection 404, an unavailable store 503.
 */
final class Problems {
  /** The base of every problem type URI; the server serves no page there, it only names the kind of problem. */
  static final String TYPE_BASE = "https://imgsearch.dev/problems/";
  static final String CONTENT_TYPE = "application/problem+json";
  private static final Logger LOG = LoggerFactory.getLogger(Problems.class);
  private static final Gson GSON = new Gson();

  private Problems() {}

  /** The problem for any exception a handler threw. */
  static ApiException of(Throwable e) {
    if (e instanceof ApiException a) {
      return a;
    }
    if (e instanceof InvalidImageException bad) {
      return switch (bad.reason()) {
        case TOO_LARGE -> new ApiException(413, "image-too-large", "Image too large",
            "The image has more pixels than this server decodes (a guard against decompression bombs). Scale it "
                + "down, e.g. to at most 4000 x 4000 pixels, and upload it again.");
        case EMPTY -> new ApiException(422, "empty-image", "Empty image",
            "The uploaded file holds no bytes. Choose an image file (JPEG, PNG, GIF, BMP, WebP or TIFF).");
        case TRUNCATED -> new ApiException(422, "truncated-image", "Truncated image",
            "The image data ends before the image is complete: the file was cut off. Upload the whole file again.");
        case UNSUPPORTED_FORMAT -> new ApiException(422, "unsupported-image-format", "Unsupported image format",
            "This is not an image format the server can read. Use JPEG, PNG, GIF, BMP, WebP or TIFF.");
        case CORRUPT -> new ApiException(422, "corrupt-image", "Unreadable image",
            "The file claims to be an image but its data cannot be decoded; it is damaged. Try another file.");
        case UNREADABLE -> new ApiException(422, "unreadable-image", "Unreadable image",
            "The image could not be read. Try again, or try another file.");
      };
    }
    if (e instanceof FilterSyntaxException f) {
      return new ApiException(400, "filter-syntax", "Invalid filter",
          f.getMessage() + " Write filters like: category == \"cat\" and file_size < 100000.");
    }
    if (e instanceof CollectionNotFoundException c) {
      return new ApiException(404, "collection-not-found", "Collection not found",
          c.getMessage() + " Index some images first (it is created by indexing).");
    }
    if (e instanceof SchemaException s) {
      // Reached from a search when a filter or output field names a field the collection does not have.
      return new ApiException(400, "unknown-field", "Unknown field", s.getMessage());
    }
    if (e instanceof InvalidInputException i) {
      return new ApiException(400, "invalid-input", "Invalid request", i.getMessage());
    }
    if (e instanceof StoreUnavailableException) {
      LOG.warn("Vector store unavailable", e);
      return new ApiException(503, "store-unavailable", "Store unavailable",
          "The vector store cannot be reached right now. Try again in a moment; if it persists, check that the "
              + "store (e.g. the Milvus server) is running.", "5");
    }
    if (e instanceof ClosedException) {
      return new ApiException(503, "shutting-down", "Shutting down",
          "The server is shutting down. Try again when it is back.", "5");
    }
    if (e instanceof ModelException) {
      LOG.error("Model failure", e);
      return new ApiException(500, "model-failure", "Model failure",
          "The embedding model failed on this request. Try again; if it persists, the server's log says why.");
    }
    if (e instanceof ImageSearchException) {
      LOG.error("Search failure", e);
      return new ApiException(500, "search-failure", "Search failed",
          "The search failed on the server. Try again; if it persists, the server's log says why.");
    }
    if (isTooLarge(e)) {
      return tooLarge(-1);
    }
    LOG.error("Unexpected error", e);
    return new ApiException(500, "internal-error", "Internal error",
        "Something went wrong on the server. Try again; if it persists, the server's log says why.");
  }

  /** The problem for an HTTP error Javalin answers itself: no such route, wrong method, body too large. */
  static ApiException fromJavalin(HttpResponseException e) {
    int s = e.getStatus();
    return switch (s) {
      case 404 -> ApiException.notFound("no-such-route", "There is nothing at this address. The API is described "
          + "at /api/openapi.json; the search page is at /.");
      case 405 -> new ApiException(405, "method-not-allowed", "Method not allowed",
          "This address does not take that HTTP method; see /api/openapi.json.");
      case 413 -> tooLarge(-1);
      default -> new ApiException(s, "http-" + s, e.getMessage() == null ? "Error" : e.getMessage(),
          "The request could not be served (" + s + "); see /api/openapi.json.");
    };
  }

  /** Jetty's and Javalin's ways of saying that a body or a multipart part is above its limit. */
  private static boolean isTooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = String.valueOf(t.getMessage()).toLowerCase(java.util.Locale.ROOT);
      if (m.contains("exceeds") || m.contains("too large") || m.contains("max") && m.contains("size")) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  static ApiException tooLarge(long limit) {
    return new ApiException(413, "body-too-large", "Upload too large",
        "The request body is larger than this server accepts" + (limit > 0 ? " (" + limit / 1024 + " KiB)" : "")
            + ". Upload a smaller image, e.g. a JPEG under that size.");
  }

  /** Writes the problem to the response. */
  static void write(Context ctx, ApiException p) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", TYPE_BASE + p.type());
    body.put("title", p.title());
    body.put("status", p.status());
    body.put("detail", p.getMessage());
    body.put("instance", ctx.path());
    if (p.retryAfter() != null) {
      ctx.header("Retry-After", p.retryAfter());
    }
    ctx.status(p.status()).contentType(CONTENT_TYPE).result(GSON.toJson(body));
  }
}
