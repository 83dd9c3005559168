package dev.imgsearch.server;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.core.embed.TextEmbedder;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.image.ImageInfo;
import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexFields;
import dev.imgsearch.pipeline.IndexListener;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.pipeline.LabelProbability;
import dev.imgsearch.pipeline.Query;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A web server over an {@link ImageIndex}: a JSON API (described by the OpenAPI document it serves at
 * {@code /api/openapi.json}) and a search page, in any Java application.
 *
 * <pre>{@code
 * try (ImageSearchServer server = ImageSearchServer.builder().index(index).port(8080).start()) {
 *   server.indexInBackground(IndexSource.directory(Path.of("photos")).build());  // optional: the page shows progress
 *   server.awaitClose();                                                          // or go on with your application
 * }
 * }</pre>
 *
 * <p><b>Safe by default.</b> The server binds {@code 127.0.0.1} unless told otherwise, and refuses to start on any
 * other address without a bearer {@linkplain Builder#token token}. It serves only images that are in the index,
 * addressed by their id (never by a file path); uploads are limited in size ({@link Builder#maxUploadBytes}) and
 * decoded under the index's pixel limit, so a decompression bomb is a 413, not an {@link OutOfMemoryError}. At most
 * {@link Builder#maxConcurrentRequests} searches run at once and a bounded number wait; beyond that the answer is
 * 503 with {@code Retry-After}. Every page response carries a Content-Security-Policy without inline script.
 * Errors are RFC 9457 problem details ({@code application/problem+json}), never stack traces.
 *
 * <p>The server does not close the index, its embedder or its store: the caller owns them. Thread-safe.
 */
public final class ImageSearchServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImageSearchServer.class);

  /** The Content-Security-Policy of every response: no inline script or style, nothing from elsewhere. */
  static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
      + "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
      + "form-action 'self'";
  /** The cookie the page stores a token in, so that images and event streams carry it too. */
  static final String TOKEN_COOKIE = "imgsearch_token";
  static final int MAX_TOP_K = 100;
  static final int DEFAULT_TOP_K = 12;
  private static final int MAX_TEXT = 1000;
  private static final int MAX_FILTER = 2000;
  private static final int MAX_LABELS = 64;
  private static final int MULTIPART_SLACK = 64 * 1024;
  private static final Set<String> HIDDEN_FIELDS = Set.of(IndexFields.ID, IndexFields.PATH, IndexFields.SOURCE,
      IndexFields.CONTENT_HASH, IndexFields.VECTOR);
  private static final Map<String, String> ASSETS = Map.of(
      "/", "index.html",
      "/assets/app.js", "app.js",
      "/assets/app.css", "app.css",
      "/assets/favicon.svg", "favicon.svg",
      "/api/openapi.json", "openapi.json");

  /** Every route the server answers, as "METHOD path"; the OpenAPI document must list each /api one. */
  static final List<String> ROUTES = List.of(
      "GET /", "GET /assets/app.js", "GET /assets/app.css", "GET /assets/favicon.svg",
      "GET /api/openapi.json", "GET /api/info", "GET /api/status", "GET /api/status/events",
      "GET /api/search", "POST /api/search/image", "GET /api/search/similar", "POST /api/classify",
      "GET /api/images/thumbnail", "GET /api/images/original");

  private final ImageIndex index;
  private final String host;
  private final String token;
  private final long maxUploadBytes;
  private final ImageDecoder decoder;
  private final Limiter limiter;
  private final Limiter uploads;
  private final IndexingStatus status;
  private final Thumbnails thumbnails;
  private final Map<String, Asset> assets = new LinkedHashMap<>();
  private final boolean loopback;
  private final ExecutorService indexer;
  private final ScheduledExecutorService heartbeat;
  private final Javalin app;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  /** Metadata (dynamic) field names seen on a sample of rows, asked for by name with every search. */
  private volatile List<String> metadataFields;

  private record Asset(byte[] bytes, String contentType, String etag) {}

  private ImageSearchServer(Builder b) {
    this.index = Objects.requireNonNull(b.index, "index: call index(...) on the builder");
    this.host = b.host;
    this.token = b.token;
    this.maxUploadBytes = b.maxUploadBytes;
    this.decoder = b.decoder;
    this.loopback = isLoopback(b.host);
    if (!loopback && (token == null || token.isEmpty())) {
      throw new InvalidInputException("Refusing to serve on " + b.host + " without a token: that address is "
          + "reachable from other machines, and the API would serve every indexed image to anyone. Set a bearer "
          + "token with token(...) (at least 16 characters), or bind 127.0.0.1.");
    }
    if (token != null && token.length() < 16) {
      throw new InvalidInputException("The token has " + token.length() + " characters; use at least 16 random "
          + "characters (e.g. from: openssl rand -hex 16).");
    }
    this.limiter = new Limiter(b.maxConcurrentRequests, b.maxQueuedRequests, b.queueTimeout);
    this.uploads = new Limiter(Math.max(4, 4 * b.maxConcurrentRequests), b.maxQueuedRequests, b.queueTimeout);
    this.status = new IndexingStatus(b.maxEventClients);
    this.thumbnails = new Thumbnails(decoder, Math.max(1, Math.min(4, b.maxConcurrentRequests)), 64L << 20);
    ASSETS.forEach((route, name) -> assets.put(route, load(name)));
    this.indexer = Executors.newSingleThreadExecutor(
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat("imgsearch-server-indexer-%d").build());
    this.heartbeat = Executors.newSingleThreadScheduledExecutor(
        new ThreadFactoryBuilder().setDaemon(true).setNameFormat("imgsearch-server-heartbeat-%d").build());
    this.app = Javalin.create(this::configure);
    try {
      app.start(b.host, b.port);
    } catch (RuntimeException e) {
      indexer.shutdownNow();
      heartbeat.shutdownNow();
      throw new IllegalStateException("Could not start the server on " + b.host + ":" + b.port + ": "
          + e.getMessage() + ". Is the port taken? Choose another with port(...), or 0 for a free one.", e);
    }
    heartbeat.scheduleAtFixedRate(status::heartbeat, 15, 15, TimeUnit.SECONDS);
    LOG.info("Serving collection '{}' at {}", index.collection(), url());
  }

  /** A builder; {@link Builder#index} is required. */
  public static Builder builder() {
    return new Builder();
  }

  // ------------------------------------------------------------------ public API

  /** The port the server listens on (the one it was given a free one for port 0). */
  public int port() {
    return app.port();
  }

  /** The page's address, e.g. {@code http://127.0.0.1:8080/}. */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    if (h.equals("0.0.0.0") || h.equals("[::]")) {
      h = "127.0.0.1";
    }
    return "http://" + h + ":" + port() + "/";
  }

  /** The index this server searches. */
  public ImageIndex index() {
    return index;
  }

  /**
   * Indexes a source on a background thread while the server keeps serving; the page shows the progress and
   * searches see images as they are written. Runs queue one after another.
   */
  public CompletableFuture<IndexReport> indexInBackground(IndexSource source) {
    Objects.requireNonNull(source, "source");
    CompletableFuture<IndexReport> result = new CompletableFuture<>();
    indexer.execute(() -> {
      try {
        result.complete(index(source));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    return result;
  }

  /** Indexes a source on the calling thread, reporting progress to the page; see {@link ImageIndex#index}. */
  public IndexReport index(IndexSource source) {
    status.started();
    try {
      IndexReport report = index.index(source, status);
      status.finished(report);
      LOG.info("Indexed: {}", report);
      return report;
    } catch (RuntimeException e) {
      status.failed(e);
      throw e;
    }
  }

  /**
   * A listener that shows a run's progress on the page, for applications that call {@link ImageIndex#index}
   * themselves (the page shows "indexing" until {@link #index} or {@link #indexInBackground} is used).
   */
  public IndexListener indexListener() {
    return status;
  }

  /** Blocks until {@link #close()} is called (by another thread or a shutdown hook). */
  public void awaitClose() throws InterruptedException {
    try {
      closed.get();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops the server and its threads (a background indexing run is interrupted); the index stays open. */
  @Override
  public void close() {
    if (closed.isDone()) {
      return;
    }
    status.closeAll();
    heartbeat.shutdownNow();
    indexer.shutdownNow();
    app.stop();
    try {
      indexer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closed.complete(null);
  }

  // ------------------------------------------------------------------ configuration

  private void configure(JavalinConfig config) {
    config.startup.showJavalinBanner = false;
    config.startup.showOldJavalinVersionWarning = false;
    config.http.maxRequestSize = maxUploadBytes + MULTIPART_SLACK;
    config.http.prefer405over404 = true;
    config.http.generateEtags = false;
    config.jetty.multipartConfig.maxFileSize(maxUploadBytes, SizeUnit.BYTES);
    config.jetty.multipartConfig.maxTotalRequestSize(maxUploadBytes + MULTIPART_SLACK, SizeUnit.BYTES);
    config.jetty.multipartConfig.maxInMemoryFileSize(1 << 20, SizeUnit.BYTES);
    config.jetty.modifyServer(server -> server.setStopTimeout(2000));

    var r = config.routes;
    r.before(this::guard);
    r.exception(HttpResponseException.class, (e, ctx) -> Problems.write(ctx, fromJavalin(e)));
    r.exception(Exception.class, (e, ctx) -> Problems.write(ctx, Problems.of(e)));

    assets.keySet().forEach(path -> r.get(path, ctx -> asset(ctx, assets.get(path))));
    r.get("/api/info", limited(this::info));
    r.get("/api/status", ctx -> Json.write(ctx, status.json()));
    r.sse("/api/status/events", client -> {
      client.keepAlive();
      if (!status.add(client)) {
        client.sendEvent("error", "{\"detail\":\"Too many open progress streams; close other tabs.\"}");
        client.close();
      }
    });
    r.get("/api/search", limited(this::searchText));
    r.post("/api/search/image", this::searchImage);
    r.get("/api/search/similar", limited(this::searchSimilar));
    r.post("/api/classify", this::classify);
    r.get("/api/images/thumbnail", limited(this::thumbnail));
    r.get("/api/images/original", limited(this::original));
  }

  private static ApiException fromJavalin(HttpResponseException e) {
    int s = e.getStatus();
    return switch (s) {
      case 404 -> ApiException.notFound("no-such-route", "There is nothing at this address. The API is described "
          + "at /api/openapi.json; the search page is at /.");
      case 405 -> new ApiException(405, "method-not-allowed", "Method not allowed",
          "This address does not take that HTTP method; see /api/openapi.json.");
      case 413 -> Problems.tooLarge(-1);
      default -> new ApiException(s, "http-" + s, e.getMessage() == null ? "Error" : e.getMessage(),
          "The request could not be served (" + s + "); see /api/openapi.json.");
    };
  }

  /** Headers for every response, the Host check, the token check and the body size check. */
  private void guard(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cross-Origin-Resource-Policy", "same-origin");
    ctx.header("Cross-Origin-Opener-Policy", "same-origin");
    ctx.header("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
    if (loopback && !loopbackHost(ctx.header("Host"))) {
      // A page elsewhere that resolves its own name to 127.0.0.1 (DNS rebinding) must not reach a loopback server.
      throw new ApiException(421, "host-not-allowed", "Host not allowed",
          "This server listens on a loopback address only; open it as http://127.0.0.1:" + port() + "/ or "
              + "http://localhost:" + port() + "/.");
    }
    String path = ctx.path();
    if (token != null && path.startsWith("/api/") && !path.equals("/api/openapi.json") && !authorized(ctx)) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"imgsearch\"");
      throw new ApiException(401, "unauthorized", "Token required",
          "This server needs a token: send the header 'Authorization: Bearer <token>' (the page asks for it "
              + "and keeps it for this site). Ask whoever runs the server for the token.");
    }
    long length = ctx.contentLength();
    if (length > maxUploadBytes + MULTIPART_SLACK) {
      ctx.header("Connection", "close");
      throw Problems.tooLarge(maxUploadBytes);
    }
  }

  private boolean authorized(Context ctx) {
    String given = null;
    String auth = ctx.header("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = auth.substring(7).trim();
    } else {
      given = ctx.cookie(TOKEN_COOKIE);
    }
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean loopbackHost(String hostHeader) {
    if (hostHeader == null) {
      return false;
    }
    String h = hostHeader.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      h = end < 0 ? h : h.substring(1, end);
    } else if (h.indexOf(':') >= 0 && h.indexOf(':') == h.lastIndexOf(':')) {
      h = h.substring(0, h.indexOf(':'));
    }
    return h.equals("localhost") || h.equals("::1") || h.matches("127(\\.\\d{1,3}){3}");
  }

  private static boolean isLoopback(String host) {
    try {
      InetAddress a = InetAddress.getByName(host);
      return a.isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new InvalidInputException("Unknown host '" + host + "'; bind 127.0.0.1 (the default), or an address "
          + "of this machine.");
    }
  }

  private Handler limited(Handler h) {
    return ctx -> {
      limiter.acquire();
      try {
        h.handle(ctx);
      } finally {
        limiter.release();
      }
    };
  }

  // ------------------------------------------------------------------ assets

  private static Asset load(String name) {
    try (InputStream in = ImageSearchServer.class.getResourceAsStream("web/" + name)) {
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
      return new Asset(bytes, type, "\"" + sha256(bytes).substring(0, 32) + "\"");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void asset(Context ctx, Asset a) {
    ctx.header("ETag", a.etag());
    ctx.header("Cache-Control", "no-cache");
    if (a.etag().equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType(a.contentType()).result(a.bytes());
  }

  // ------------------------------------------------------------------ API handlers

  private void info(Context ctx) {
    CollectionSpec spec = index.store().describeCollection(index.collection());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("collection", index.collection());
    m.put("model", index.manifest().modelId());
    m.put("dimension", index.manifest().dimension());
    m.put("metric", index.metric().name());
    m.put("higherIsCloser", index.metric().higherIsCloser());
    m.put("count", index.count());
    m.put("textSearch", index.embedder() instanceof TextEmbedder);
    m.put("zeroShot", index.embedder() instanceof MultimodalEmbedder);
    m.put("fields", fields(spec));
    m.put("maxUploadBytes", maxUploadBytes);
    m.put("maxPixels", decoder.maxPixels());
    Json.write(ctx, m);
  }

  /** The filterable fields: the collection's scalar fields and the metadata fields seen on a sample of rows. */
  private List<Map<String, Object>> fields(CollectionSpec spec) {
    Map<String, String> types = new TreeMap<>();
    for (FieldSpec f : spec.scalarFields()) {
      if (!HIDDEN_FIELDS.contains(f.name())) {
        types.put(f.name(), f.type().isNumeric() ? "number" : f.type().name().equals("BOOL") ? "boolean" : "string");
      }
    }
    Map<String, Set<String>> values = new TreeMap<>();
    if (spec.dynamicFields()) {
      List<Row> sample = index.store().query(QueryRequest.builder(index.collection()).outputFields("*").limit(200)
          .build());
      for (Row row : sample) {
        for (String f : row.fields()) {
          Object v = row.get(f);
          if (HIDDEN_FIELDS.contains(f) || v == null || f.startsWith("$")) {
            continue;
          }
          String t = v instanceof Number ? "number" : v instanceof Boolean ? "boolean"
              : v instanceof CharSequence ? "string" : null;
          if (t == null) {
            continue;
          }
          types.putIfAbsent(f, t);
          if (t.equals("string") && spec.field(f).isEmpty()) {
            values.computeIfAbsent(f, k -> new TreeSet<>()).add(v.toString());
          }
        }
      }
    }
    List<String> metadata = new ArrayList<>();
    types.keySet().forEach(name -> {
      if (spec.field(name).isEmpty()) {
        metadata.add(name);
      }
    });
    metadataFields = List.copyOf(metadata);
    List<Map<String, Object>> out = new ArrayList<>();
    types.forEach((name, type) -> {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("name", name);
      f.put("type", type);
      Set<String> vs = values.get(name);
      f.put("values", vs != null && vs.size() <= 24 ? List.copyOf(vs) : null);
      out.add(f);
    });
    return out;
  }

  private void searchText(Context ctx) {
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
    Query.Builder query = Query.text(q.strip());
    respond(ctx, query, Map.of("kind", "text", "text", q.strip()), null);
  }

  private void searchImage(Context ctx) throws Exception {
    byte[] image = receive(ctx);
    limited(c -> respond(c, Query.image(image), Map.of("kind", "image"), null)).handle(ctx);
  }

  /**
   * Reads an upload and checks its header (format, pixel count) before the request takes a search turn: bad,
   * oversized or bomb uploads are refused without making searches wait. Uploads being read are limited apart.
   */
  private byte[] receive(Context ctx) {
    uploads.acquire();
    try {
      byte[] bytes = upload(ctx);
      decoder.probe(ImageInput.of(bytes));
      return bytes;
    } finally {
      uploads.release();
    }
  }

  private void searchSimilar(Context ctx) {
    String id = requireId(ctx);
    List<Row> rows = index.store().get(index.collection(), List.of(id), List.of(IndexFields.VECTOR));
    if (rows.isEmpty()) {
      throw unknownId(id);
    }
    respond(ctx, Query.vector(rows.get(0).vector(IndexFields.VECTOR)), Map.of("kind", "similar", "id", id), id);
  }

  private void respond(Context ctx, Query.Builder query, Map<String, Object> described, String excludeId) {
    int topK = intParam(ctx, "topK", DEFAULT_TOP_K, 1, MAX_TOP_K);
    String filter = param(ctx, "filter");
    if (filter != null && filter.length() > MAX_FILTER) {
      throw ApiException.badRequest("filter-too-long", "The filter has " + filter.length() + " characters; use at "
          + "most " + MAX_FILTER + ".");
    }
    Double minScore = doubleParam(ctx, "minScore");
    query.topK(excludeId != null ? Math.min(topK + 1, MAX_TOP_K + 1) : topK).filter(filter).outputFields("*");
    // Metadata fields by name too: not every store returns dynamic fields for "*" in search results.
    List<String> metadata = metadataFields;
    if (metadata == null || metadata.isEmpty() && index.count() > 0) {
      fields(index.store().describeCollection(index.collection()));
      metadata = metadataFields;
    }
    query.outputFields(metadata.toArray(String[]::new));
    if (minScore != null) {
      query.threshold(minScore);
    }
    long t0 = System.nanoTime();
    List<ImageHit> hits = index.search(query.build());
    Map<String, Map<String, Object>> extra = missingMetadata(hits, metadata);
    long tookMs = (System.nanoTime() - t0) / 1_000_000;
    List<Map<String, Object>> out = new ArrayList<>();
    for (ImageHit h : hits) {
      if (h.id().equals(excludeId) || out.size() == topK) {
        continue;
      }
      out.add(hit(h, extra.getOrDefault(h.id(), Map.of())));
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

  /**
   * The metadata fields of hits whose store left them out of search results (seen with Milvus Lite), read by id;
   * empty when the hits have them.
   */
  private Map<String, Map<String, Object>> missingMetadata(List<ImageHit> hits, List<String> metadata) {
    if (metadata.isEmpty() || hits.isEmpty()
        || hits.stream().anyMatch(h -> metadata.stream().anyMatch(h.fields()::containsKey))) {
      return Map.of();
    }
    List<String> ids = hits.stream().map(ImageHit::id).toList();
    Map<String, Map<String, Object>> out = new java.util.HashMap<>();
    for (Row row : index.store().get(index.collection(), ids, List.of("*"))) {
      Map<String, Object> m = new java.util.HashMap<>(row.asMap());
      Object id = m.get(IndexFields.ID);
      m.keySet().retainAll(metadata);
      if (id != null) {
        out.put(id.toString(), m);
      }
    }
    return out;
  }

  private static Map<String, Object> hit(ImageHit h, Map<String, Object> extra) {
    Map<String, Object> fields = new TreeMap<>();
    Map<String, Object> all = new LinkedHashMap<>(extra);
    all.putAll(h.fields());
    all.forEach((k, v) -> {
      if (!HIDDEN_FIELDS.contains(k) && !k.startsWith("$") && (v instanceof Number || v instanceof Boolean
          || v instanceof CharSequence)) {
        fields.put(k, v);
      }
    });
    String hash = h.field(IndexFields.CONTENT_HASH) instanceof String s && s.length() >= 16 ? s.substring(0, 16)
        : "0";
    String enc = URLEncoder.encode(h.id(), StandardCharsets.UTF_8);
    boolean file = h.path() != null;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", h.id());
    m.put("score", h.score());
    m.put("caption", caption(h, fields));
    m.put("thumbnail", file ? "api/images/thumbnail?id=" + enc + "&v=" + hash : null);
    m.put("image", file ? "api/images/original?id=" + enc + "&v=" + hash : null);
    m.put("fields", fields);
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

  private void classify(Context ctx) throws Exception {
    if (!(index.embedder() instanceof MultimodalEmbedder)) {
      throw ApiException.badRequest("no-text-model", "Model '" + index.manifest().modelId() + "' has no text "
          + "tower, so it cannot label images zero-shot; use a text-and-image model such as CLIP.");
    }
    byte[] image = receive(ctx);
    List<String> labels = new ArrayList<>();
    for (String v : params(ctx, "labels")) {
      for (String l : v.split("[\\n,，]")) {
        if (!l.isBlank()) {
          labels.add(l.strip());
        }
      }
    }
    if (labels.size() < 2 || labels.size() > MAX_LABELS || labels.stream().anyMatch(l -> l.length() > 200)) {
      throw ApiException.badRequest("bad-labels", "Give 2 to " + MAX_LABELS + " labels (each at most 200 "
          + "characters) in the field 'labels', separated by commas or new lines, e.g. labels=cat,dog,bird.");
    }
    String template = param(ctx, "template");
    if (template == null || template.isBlank()) {
      template = "a photo of a {}.";
    }
    String t = template;
    List<LabelProbability> result = new ArrayList<>();
    limited(c -> result.addAll(index.classify(ImageInput.of(image), labels, t))).handle(ctx);
    List<Map<String, Object>> out = new ArrayList<>();
    for (LabelProbability p : result) {
      out.add(Map.of("label", p.label(), "probability", p.probability()));
    }
    out.sort((a, b) -> Double.compare((double) b.get("probability"), (double) a.get("probability")));
    Json.write(ctx, Map.of("template", template, "labels", out));
  }

  /** The uploaded image of a multipart request (part "image"), checked for type and size. */
  private byte[] upload(Context ctx) {
    String type = ctx.contentType();
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new ApiException(415, "unsupported-media-type", "Unsupported media type",
          "Send the image as multipart/form-data with the file in a part named 'image' (an HTML form with "
              + "enctype=\"multipart/form-data\", or curl -F image=@photo.jpg).");
    }
    UploadedFile file = ctx.uploadedFile("image");
    if (file == null) {
      throw ApiException.badRequest("missing-image", "The request has no file part named 'image'; add one "
          + "(curl -F image=@photo.jpg).");
    }
    String partType = file.contentType();
    if (partType != null && !partType.isBlank()) {
      String t = partType.toLowerCase(Locale.ROOT);
      if (!t.startsWith("image/") && !t.startsWith("application/octet-stream")) {
        throw new ApiException(415, "not-an-image", "Not an image",
            "The uploaded file is " + partType + ", not an image. Choose a JPEG, PNG, GIF, BMP, WebP or TIFF file.");
      }
      if (t.startsWith("image/svg")) {
        throw new ApiException(415, "not-an-image", "Unsupported image format",
            "SVG drawings cannot be searched; upload a photo or a bitmap (JPEG, PNG, GIF, BMP, WebP or TIFF).");
      }
    }
    if (file.size() > maxUploadBytes) {
      throw Problems.tooLarge(maxUploadBytes);
    }
    try (InputStream in = file.content()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxUploadBytes + 1));
      if (bytes.length > maxUploadBytes) {
        throw Problems.tooLarge(maxUploadBytes);
      }
      return bytes;
    } catch (IOException e) {
      throw new ApiException(400, "upload-failed", "Upload failed",
          "The upload could not be read to its end; try again.");
    }
  }

  private void thumbnail(Context ctx) {
    String id = requireId(ctx);
    int size = intParam(ctx, "size", 256, 32, 512);
    Row row = row(id);
    Path file = fileOf(row, id);
    String hash = String.valueOf(row.get(IndexFields.CONTENT_HASH));
    String etag = "\"" + hash.substring(0, Math.min(32, hash.length())) + "-" + size + "\"";
    cacheHeaders(ctx, hash, etag);
    if (etag.equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    byte[] jpeg = thumbnails.thumbnail(id + "\n" + size + "\n" + hash, file, size);
    ctx.contentType("image/jpeg").result(jpeg);
  }

  private void original(Context ctx) {
    String id = requireId(ctx);
    Row row = row(id);
    Path file = fileOf(row, id);
    String hash = String.valueOf(row.get(IndexFields.CONTENT_HASH));
    String etag = "\"" + hash.substring(0, Math.min(32, hash.length())) + "\"";
    cacheHeaders(ctx, hash, etag);
    if (etag.equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw ApiException.notFound("file-gone", "The image file of '" + id + "' cannot be read any more; index "
          + "the folder again.");
    }
    if (!sha256(bytes).equals(hash)) {
      throw new ApiException(409, "file-changed", "Image changed",
          "The image file of '" + id + "' changed since it was indexed; index the folder again to see it.");
    }
    ImageInfo info = decoder.probe(ImageInput.of(bytes));
    String mime = switch (info.format().toUpperCase(Locale.ROOT)) {
      case "JPEG", "JPG" -> "image/jpeg";
      case "PNG" -> "image/png";
      case "GIF" -> "image/gif";
      case "BMP" -> "image/bmp";
      case "WEBP" -> "image/webp";
      case "TIFF" -> "image/tiff";
      default -> throw new ApiException(415, "unsupported-image-format", "Unsupported image format",
          "The image of '" + id + "' is in a format browsers cannot show; look at its thumbnail instead.");
    };
    ctx.header("Content-Disposition", "inline; filename*=UTF-8''"
        + URLEncoder.encode(file.getFileName().toString(), StandardCharsets.UTF_8).replace("+", "%20"));
    ctx.contentType(mime).result(bytes);
  }

  private static void cacheHeaders(Context ctx, String hash, String etag) {
    ctx.header("ETag", etag);
    String v = ctx.queryParam("v");
    // A versioned address (v = the start of the content hash, as the search results give) never changes.
    boolean versioned = v != null && v.length() >= 8 && hash.startsWith(v);
    ctx.header("Cache-Control", versioned ? "private, max-age=31536000, immutable" : "private, no-cache");
  }

  private Row row(String id) {
    List<Row> rows = index.store().get(index.collection(), List.of(id),
        List.of(IndexFields.PATH, IndexFields.CONTENT_HASH));
    if (rows.isEmpty()) {
      throw unknownId(id);
    }
    return rows.get(0);
  }

  private static Path fileOf(Row row, String id) {
    Object p = row.get(IndexFields.PATH);
    if (!(p instanceof String s) || s.isEmpty()) {
      throw ApiException.notFound("no-image-file", "Image '" + id + "' was indexed from bytes, not from a file, so "
          + "the server has no picture of it to send.");
    }
    Path file = Path.of(s);
    if (!Files.isRegularFile(file)) {
      throw ApiException.notFound("file-gone", "The image file of '" + id + "' is no longer there; index the "
          + "folder again (with sync) to drop it from the results.");
    }
    return file;
  }

  private static ApiException unknownId(String id) {
    return ApiException.notFound("unknown-id", "No image with id '" + abbreviate(id) + "' is in the index. Use an "
        + "id from a search result.");
  }

  private static String requireId(Context ctx) {
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

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }

  // ------------------------------------------------------------------ parameters

  /** A parameter from the query string or, for multipart requests, a form field. */
  private static String param(Context ctx, String name) {
    String v = ctx.queryParam(name);
    if (v == null && isMultipart(ctx)) {
      v = ctx.formParam(name);
    }
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static List<String> params(Context ctx, String name) {
    List<String> vs = new ArrayList<>(ctx.queryParams(name));
    if (isMultipart(ctx)) {
      vs.addAll(ctx.formParams(name));
    }
    return vs;
  }

  private static boolean isMultipart(Context ctx) {
    String t = ctx.contentType();
    return t != null && t.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
  }

  private static int intParam(Context ctx, String name, int fallback, int min, int max) {
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

  private static Double doubleParam(Context ctx, String name) {
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

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Requests in progress and waiting, bounded: beyond the queue, or after waiting too long, a 503. */
  static final class Limiter {
    private final Semaphore permits;
    private final AtomicInteger waiting = new AtomicInteger();
    private final int maxQueued;
    private final Duration timeout;

    Limiter(int maxConcurrent, int maxQueued, Duration timeout) {
      this.permits = new Semaphore(maxConcurrent, true);
      this.maxQueued = maxQueued;
      this.timeout = timeout;
    }

    void acquire() {
      if (permits.tryAcquire()) {
        return;
      }
      if (waiting.incrementAndGet() > maxQueued) {
        waiting.decrementAndGet();
        throw busy();
      }
      try {
        if (!permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          throw busy();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw busy();
      } finally {
        waiting.decrementAndGet();
      }
    }

    void release() {
      permits.release();
    }

    private static ApiException busy() {
      return new ApiException(503, "busy", "Server busy",
          "The server is answering as many requests as it can right now. Try again in a second.", "1");
    }
  }

  /** Builds and starts an {@link ImageSearchServer}; not thread-safe. */
  public static final class Builder {
    private ImageIndex index;
    private String host = "127.0.0.1";
    private int port = 8080;
    private String token;
    private long maxUploadBytes = 16L << 20;
    private int maxConcurrentRequests = Math.max(2, Runtime.getRuntime().availableProcessors());
    private int maxQueuedRequests = 256;
    private Duration queueTimeout = Duration.ofSeconds(10);
    private int maxEventClients = 64;
    private ImageDecoder decoder = ImageDecoder.standard();

    private Builder() {}

    /** The index to search (required). */
    public Builder index(ImageIndex index) {
      this.index = Objects.requireNonNull(index, "index");
      return this;
    }

    /** The port (default 8080); 0 picks a free one, see {@link ImageSearchServer#port()}. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new InvalidInputException("port is " + port + "; use 0..65535 (0 for a free port).");
      }
      this.port = port;
      return this;
    }

    /**
     * The address to listen on (default {@code 127.0.0.1}, this machine only). Any other address, such as
     * {@code 0.0.0.0}, needs a {@link #token}.
     */
    public Builder host(String host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /**
     * A bearer token (at least 16 characters) every API request must carry, as {@code Authorization: Bearer ...}
     * (the page asks for it once and keeps it in a same-site cookie). Required beyond loopback; null for none.
     */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** The largest upload, in bytes (default 16 MiB); a larger body is refused with 413 before it is read. */
    public Builder maxUploadBytes(long maxUploadBytes) {
      if (maxUploadBytes < 1024 || maxUploadBytes > Integer.MAX_VALUE - MULTIPART_SLACK) {
        throw new InvalidInputException("maxUploadBytes is " + maxUploadBytes + "; use 1 KiB to 2 GiB.");
      }
      this.maxUploadBytes = maxUploadBytes;
      return this;
    }

    /** Searches, uploads and image requests served at once (default: the number of processors, at least 2). */
    public Builder maxConcurrentRequests(int maxConcurrentRequests) {
      if (maxConcurrentRequests < 1) {
        throw new InvalidInputException("maxConcurrentRequests is " + maxConcurrentRequests + "; use 1 or more.");
      }
      this.maxConcurrentRequests = maxConcurrentRequests;
      return this;
    }

    /** Requests that may wait for a turn (default 256); more are answered 503 with Retry-After at once. */
    public Builder maxQueuedRequests(int maxQueuedRequests) {
      if (maxQueuedRequests < 0) {
        throw new InvalidInputException("maxQueuedRequests is " + maxQueuedRequests + "; use 0 or more.");
      }
      this.maxQueuedRequests = maxQueuedRequests;
      return this;
    }

    /** How long a request waits for a turn before it is answered 503 (default 10 s). */
    public Builder queueTimeout(Duration queueTimeout) {
      this.queueTimeout = Objects.requireNonNull(queueTimeout, "queueTimeout");
      return this;
    }

    /** Open progress streams ({@code /api/status/events}) at once (default 64). */
    public Builder maxEventClients(int maxEventClients) {
      this.maxEventClients = maxEventClients;
      return this;
    }

    /**
     * The decoder for thumbnails and originals (default {@link ImageDecoder#standard()}); its pixel limit bounds
     * what one image may cost. Uploads are decoded by the index's own decoder.
     */
    public Builder decoder(ImageDecoder decoder) {
      this.decoder = Objects.requireNonNull(decoder, "decoder");
      return this;
    }

    /**
     * Starts the server.
     *
     * @throws InvalidInputException when the address is beyond loopback without a token, or the token is short
     * @throws IllegalStateException when the port cannot be bound
     */
    public ImageSearchServer start() {
      return new ImageSearchServer(this);
    }
  }
}
