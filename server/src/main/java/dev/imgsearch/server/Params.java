package dev.imgsearch.server;

import dev.imgsearch.pipeline.IndexFields;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Request parameters, checked: each bad one is a 400 problem that says what to give instead. */
final class Params {
  private Params() {}

  /** A parameter from the query string or, for multipart requests, a form field; null when blank. */
  static String param(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null && isMultipart(ctx)) {
      v = ctx.formParam(name);
    }
    return v == null || v.isBlank() ? null : v.strip();
  }

  /** Every value of a parameter, from the query string and, for multipart requests, the form fields. */
  static List<String> params(Context ctx, String name) {
    List<String> vs = new ArrayList<>(ctx.queryParams(name));
    if (isMultipart(ctx)) {
      vs.addAll(ctx.formParams(name));
    }
    return vs;
  }

  static boolean isMultipart(Context ctx) {
    String t = ctx.contentType();
    return t != null && t.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
  }

  static int intParam(Context ctx, String name, int fallback, int min, int max) {
    String v = param(ctx, name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest("bad-parameter", "Parameter " + name + " is '" + abbreviate(v) + "'; use a whole "
        + "number from " + min + " to " + max + ".");
  }

  static Double doubleParam(Context ctx, String name) {
    String v = param(ctx, name);
    if (v == null) {
      return null;
    }
    try {
      double d = Double.parseDouble(v);
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest("bad-parameter", "Parameter " + name + " is '" + abbreviate(v) + "'; use a "
        + "number such as 0.25.");
  }

  /** The parameter {@code id}: an image id as search results give it. */
  static String requireId(Context ctx) {
    String id = ctx.queryParam("id");
    if (id == null || id.isEmpty()) {
      throw ApiException.badRequest("missing-id", "Give the id of an indexed image in the parameter id, as a "
          + "search result gives it.");
    }
    if (id.length() > IndexFields.ID_MAX_LENGTH || id.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw ApiException.badRequest("bad-id", "That is not an image id; use an id from a search result.");
    }
    return id;
  }

  /** The 404 for an id the index does not hold. */
  static ApiException unknownId(String id) {
    return ApiException.notFound("unknown-id", "No image with id '" + abbreviate(id) + "' is in the index. Use an "
        + "id from a search result.");
  }

  static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
