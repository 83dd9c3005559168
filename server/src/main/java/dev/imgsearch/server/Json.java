package dev.imgsearch.server;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import io.javalin.http.Context;

/** JSON output with Gson (nulls kept, so every documented property is always present). */
final class Json {
  static final Gson GSON = new GsonBuilder().serializeNulls().disableHtmlEscaping().create();

  private Json() {}

  static void write(Context ctx, Object value) {
    ctx.contentType("application/json; charset=utf-8").result(GSON.toJson(value));
  }
}
