package dev.imgsearch.server;

import dev.imgsearch.core.embed.TextEmbedder;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexFields;
import dev.imgsearch.pipeline.Query;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The searches: by text ({@code GET /api/search}), by an uploaded image ({@code POST /api/search/image}) and by an
 * indexed image ({@code GET /api/search/similar}), with topK, filter and minScore; each answers the hits with
 * their shown fields and the relative URLs of their thumbnail and original.
 */
record SearchRoutes(ImageIndex index, Uploads uploads, Limiter limiter) {
  static final int MAX_TOP_K = 100;
  static final int DEFAULT_TOP_K = 12;
  private static final int MAX_TEXT = 1000;
  private static final int MAX_FILTER = 2000;

  void text(Context ctx) {
    String q = ctx.queryParam("q");
    if (q == null || q.isBlank()) {
      throw ApiException.badRequest("missing-query", "Give the words to search for in the parameter q, e.g. "
          + "/api/search?q=a+white+dog.");
    }
    if (q.length() > MAX_TEXT) {
      throw ApiException.badRequest("query-too-long", "The query has " + q.length() + " characters; use at most "
          + MAX_TEXT + ".");
    }
    if (!(index.embedder() instanceof TextEmbedder)) {
      throw ApiException.badRequest("no-text-search", "Model '" + index.manifest().modelId() + "' embeds images "
          + "only, so this collection cannot be searched by text; search with an image instead.");
    }
    respond(ctx, Query.text(q.strip()), Map.of("kind", "text", "text", q.strip()), null);
  }

  /** Reads the upload outside the search turns (see {@link Uploads}), then searches in a turn. */
  void image(Context ctx) throws Exception {
    byte[] image = uploads.receive(ctx);
    limiter.around(c -> respond(c, Query.image(image), Map.of("kind", "image"), null)).handle(ctx);
  }

  void similar(Context ctx) {
    String id = Params.requireId(ctx);
    List<Row> rows = index.store().get(index.collection(), List.of(id), List.of(IndexFields.VECTOR));
    if (rows.isEmpty()) {
      throw Params.unknownId(id);
    }
    respond(ctx, Query.vector(rows.get(0).vector(IndexFields.VECTOR)), Map.of("kind", "similar", "id", id), id);
  }

  private void respond(Context ctx, Query.Builder query, Map<String, Object> described, String excludeId) {
    int topK = Params.intParam(ctx, "topK", DEFAULT_TOP_K, 1, MAX_TOP_K);
    String filter = Params.param(ctx, "filter");
    if (filter != null && filter.length() > MAX_FILTER) {
      throw ApiException.badRequest("filter-too-long", "The filter has " + filter.length() + " characters; use at "
          + "most " + MAX_FILTER + ".");
    }
    Double minScore = Params.doubleParam(ctx, "minScore");
    query.topK(excludeId != null ? Math.min(topK + 1, MAX_TOP_K + 1) : topK).filter(filter).outputFields("*");
    if (minScore != null) {
      query.threshold(minScore);
    }
    long t0 = System.nanoTime();
    List<ImageHit> hits = index.search(query.build());
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    List<Map<String, Object>> out = new ArrayList<>();
    for (ImageHit h : hits) {
      if (h.id().equals(excludeId) || out.size() == topK) {
        continue;
      }
      out.add(hit(h));
    }
    Map<String, Object> q = new LinkedHashMap<>(described);
    q.put("topK", topK);
    q.put("filter", filter == null || filter.isBlank() ? null : filter);
    q.put("minScore", minScore);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("query", q);
    m.put("metric", index.metric().name());
    m.put("higherIsCloser", index.metric().higherIsCloser());
    m.put("tookMs", tookMs);
    m.put("hits", out);
    Json.write(ctx, m);
  }

  private static Map<String, Object> hit(ImageHit h) {
    Map<String, Object> shown = new TreeMap<>();
    h.fields().forEach((k, v) -> {
      if (FieldCatalog.shown(k, v)) {
        shown.put(k, v);
      }
    });
    String hash = h.field(IndexFields.CONTENT_HASH) instanceof String s && s.length() >= 16 ? s.substring(0, 16)
        : "0";
    String enc = URLEncoder.encode(h.id(), StandardCharsets.UTF_8);
    boolean file = h.path() != null;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", h.id());
    m.put("score", h.score());
    m.put("caption", caption(h, shown));
    m.put("thumbnail", file ? "api/images/thumbnail?id=" + enc + "&v=" + hash : null);
    m.put("image", file ? "api/images/original?id=" + enc + "&v=" + hash : null);
    m.put("fields", shown);
    return m;
  }

  private static String caption(ImageHit h, Map<String, Object> fields) {
    for (String f : List.of("caption", "title", "label", "name")) {
      if (fields.get(f) instanceof String s && !s.isBlank()) {
        return s;
      }
    }
    String id = h.id();
    if (h.path() != null) {
      return Path.of(h.path()).getFileName().toString();
    }
    return id.substring(id.lastIndexOf('/') + 1);
  }
}
