package dev.imgsearch.server;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexListener;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.config.SizeUnit;
import io.javalin.http.HttpResponseException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

  /** The cookie the page stores a token in, so that images and event streams carry it too. */
  static final String TOKEN_COOKIE = "imgsearch_token";

  /** Every route the server answers, as "METHOD path"; the OpenAPI document must list each /api one. */
  static final List<String> ROUTES = List.of(
      "GET /", "GET /assets/app.js", "GET /assets/app.css", "GET /assets/favicon.svg",
      "GET /api/openapi.json", "GET /api/info", "GET /api/status", "GET /api/status/events",
      "GET /api/search", "POST /api/search/image", "GET /api/search/similar", "POST /api/classify",
      "GET /api/images/thumbnail", "GET /api/images/original");

  private final ImageIndex index;
  private final String host;
  private final long maxUploadBytes;
  private final Guard guard;
  private final Limiter limiter;
  private final IndexingStatus status;
  private final Assets assets = new Assets();
  private final InfoRoutes info;
  private final SearchRoutes search;
  private final ClassifyRoute classify;
  private final ImageRoutes images;
  private final ExecutorService indexer;
  private final ScheduledExecutorService heartbeat;
  private final Javalin app;
  private final CompletableFuture<Void> closed = new CompletableFuture<>();

  private ImageSearchServer(Builder b) {
    this.index = Objects.requireNonNull(b.index, "index: call index(...) on the builder");
    this.host = b.host;
    this.maxUploadBytes = b.maxUploadBytes;
    this.guard = new Guard(b.host, b.token, b.maxUploadBytes, this::port);
    this.limiter = new Limiter(b.maxConcurrentRequests, b.maxQueuedRequests, b.queueTimeout);
    Uploads uploads = new Uploads(b.maxUploadBytes, b.decoder,
        new Limiter(Math.max(4, 4 * b.maxConcurrentRequests), b.maxQueuedRequests, b.queueTimeout));
    this.status = new IndexingStatus(b.maxEventClients);
    this.info = new InfoRoutes(index, new FieldCatalog(index), status, b.maxUploadBytes, b.decoder);
    this.search = new SearchRoutes(index, uploads, limiter);
    this.classify = new ClassifyRoute(index, uploads, limiter);
    this.images = new ImageRoutes(index, b.decoder,
        new Thumbnails(b.decoder, Math.max(1, Math.min(4, b.maxConcurrentRequests)), 64L << 20));
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
    config.http.maxRequestSize = maxUploadBytes + Uploads.MULTIPART_SLACK;
    config.http.prefer405over404 = true;
    config.http.generateEtags = false;
    config.jetty.multipartConfig.maxFileSize(maxUploadBytes, SizeUnit.BYTES);
    config.jetty.multipartConfig.maxTotalRequestSize(maxUploadBytes + Uploads.MULTIPART_SLACK, SizeUnit.BYTES);
    config.jetty.multipartConfig.maxInMemoryFileSize(1 << 20, SizeUnit.BYTES);
    config.jetty.modifyServer(server -> server.setStopTimeout(2000));

    var r = config.routes;
    r.before(guard::check);
    r.exception(HttpResponseException.class, (e, ctx) -> Problems.write(ctx, Problems.fromJavalin(e)));
    r.exception(Exception.class, (e, ctx) -> Problems.write(ctx, Problems.of(e)));

    assets.paths().forEach(path -> r.get(path, ctx -> assets.serve(ctx, path)));
    r.get("/api/info", limiter.around(info::info));
    r.get("/api/status", info::status);
    r.sse("/api/status/events", info::events);
    r.get("/api/search", limiter.around(search::text));
    r.post("/api/search/image", search::image);
    r.get("/api/search/similar", limiter.around(search::similar));
    r.post("/api/classify", classify::classify);
    r.get("/api/images/thumbnail", limiter.around(images::thumbnail));
    r.get("/api/images/original", limiter.around(images::original));
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
      if (maxUploadBytes < 1024 || maxUploadBytes > Integer.MAX_VALUE - Uploads.MULTIPART_SLACK) {
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
