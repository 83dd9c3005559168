package dev.imgsearch.server;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The page and its assets, read once from the jar ({@code web/}) and served with ETags. */
final class Assets {
  private static final Map<String, String> ROUTES = Map.of(
      "/", "index.html",
      "/assets/app.js", "app.js",
      "/assets/app.css", "app.css",
      "/assets/favicon.svg", "favicon.svg",
      "/api/openapi.json", "openapi.json");

  private record Asset(byte[] bytes, String contentType, String etag) {}

  private final Map<String, Asset> assets = new LinkedHashMap<>();

  Assets() {
    ROUTES.forEach((route, name) -> assets.put(route, load(name)));
  }

  /** The paths served. */
  Set<String> paths() {
    return assets.keySet();
  }

  /** Answers a GET of one of the {@link #paths()}. */
  void serve(Context ctx, String path) {
    Asset a = assets.get(path);
    ctx.header("ETag", a.etag());
    ctx.header("Cache-Control", "no-cache");
    if (a.etag().equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType(a.contentType()).result(a.bytes());
  }

  private static Asset load(String name) {
    try (InputStream in = Assets.class.getResourceAsStream("web/" + name)) {
      if (in == null) {
        throw new IllegalStateException("Missing resource web/" + name + " in the imgsearch-server jar");
      }
      byte[] bytes = in.readAllBytes();
      String type = switch (name.substring(name.lastIndexOf('.') + 1)) {
        case "html" -> "text/html; charset=utf-8";
        case "js" -> "text/javascript; charset=utf-8";
        case "css" -> "text/css; charset=utf-8";
        case "svg" -> "image/svg+xml";
        case "json" -> "application/json; charset=utf-8";
        default -> "application/octet-stream";
      };
      return new Asset(bytes, type, "\"" + Hashes.sha256(bytes).substring(0, 32) + "\"");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
