package dev.imgsearch.embedders.hub;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads files of a Hugging Face Hub model repository into the cache layout that {@code huggingface_hub} uses,
 * so Python and Java share one cache:
 *
 * <pre>
 * $HF_HOME/hub/models--org--name/blobs/&lt;etag&gt;                   file contents, named by checksum
 *                               /snapshots/&lt;commit&gt;/&lt;path&gt;       links to the blobs
 *                               /refs/&lt;revision&gt;                   the commit a branch or tag pointed to
 * </pre>
 *
 * <p>Each file is downloaded once, into {@code blobs/<etag>.incomplete}; a cut connection is resumed with an HTTP
 * {@code Range} request (also in a later run), the content is verified against the hub's checksum (the SHA-256 in
 * {@code X-Linked-Etag} for LFS files, the git blob SHA-1 in {@code ETag} otherwise) and only then moved into place
 * atomically. Offline ({@code HF_HUB_OFFLINE=1} or {@link Builder#offline(boolean)}), or when the endpoint cannot
 * be reached, files come from the cache only.
 *
 * <p>Settings from the environment, as {@code huggingface_hub} reads them: {@code HF_ENDPOINT} (a mirror),
 * {@code HF_TOKEN} (never logged), {@code HF_HOME} / {@code HF_HUB_CACHE}, {@code HF_HUB_OFFLINE}. Immutable and
 * thread-safe; concurrent downloads of one file (threads or processes) are serialised by a file lock.
 */
public final class HubClient {
  private static final Logger LOG = LoggerFactory.getLogger(HubClient.class);
  /** The public hub. */
  public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");
  private static final int ATTEMPTS = 5;

  private final URI endpoint;
  private final Path cacheDirectory;
  private final String token;
  private final boolean offline;
  private final Duration timeout;
  private final HttpClient http;
  private final HubCache cache;

  private HubClient(Builder b) {
    this.endpoint = b.endpoint;
    this.cacheDirectory = b.cacheDirectory;
    this.token = b.token;
    this.offline = b.offline;
    this.timeout = b.timeout;
    this.http = HttpClient.newBuilder().connectTimeout(b.timeout).followRedirects(HttpClient.Redirect.NEVER)
        .build();
    this.cache = new HubCache(b.cacheDirectory);
  }

  /** A client configured from the environment (see the class comment). */
  public static HubClient fromEnvironment() {
    return builder().build();
  }

  /** A builder that starts from the environment's settings. */
  public static Builder builder() {
    return new Builder(System.getenv());
  }

  /** A builder that starts from the given environment variables instead of the process's (for tests). */
  public static Builder builder(Map<String, String> environment) {
    return new Builder(environment);
  }

  public URI endpoint() {
    return endpoint;
  }

  /** The hub cache ({@code $HF_HOME/hub}), holding one {@code models--org--name} folder per repository. */
  public Path cacheDirectory() {
    return cacheDirectory;
  }

  public boolean offline() {
    return offline;
  }

  /**
   * The files of a repository at a revision: from the hub's API, or offline from the cached snapshot.
   *
   * @param repoId {@code org/name}
   * @param revision a branch, tag or commit ({@code "main"} when null)
   */
  public Snapshot listFiles(String repoId, String revision) {
    String rev = revision == null ? "main" : revision;
    Path repo = cache.repoFolder(repoId);
    if (!offline) {
      try {
        return fetchSnapshot(repoId, rev, repo);
      } catch (Unreachable e) {
        Optional<Snapshot> cached = cache.cachedSnapshot(repo, rev);
        if (cached.isPresent()) {
          LOG.warn("Cannot reach {} ({}); using the cached snapshot {} of {}", endpoint, e.getMessage(),
              cached.get().commit(), repoId);
          return cached.get();
        }
        throw unreachable(repoId, rev, e);
      }
    }
    return cache.cachedSnapshot(repo, rev).orElseThrow(() -> notCached(repoId, rev, null));
  }

  /**
   * Makes sure the given files of a repository are in the cache and returns the snapshot folder that holds them
   * (at their relative paths). Files already cached are not downloaded again.
   */
  public Path download(String repoId, String revision, Collection<String> files) {
    String rev = revision == null ? "main" : revision;
    Snapshot snapshot = listFiles(repoId, rev);
    Path repo = cache.repoFolder(repoId);
    Path folder = repo.resolve("snapshots").resolve(snapshot.commit());
    for (String file : files) {
      Path pointer = HubCache.resolveInside(folder, file);
      if (Files.exists(pointer)) {
        continue;
      }
      if (offline || snapshot.fromCache()) {
        throw notCached(repoId, rev, file);
      }
      if (!snapshot.files().contains(file)) {
        throw new ModelException("Repository " + repoId + " at " + rev + " has no file " + file + " (it has "
            + snapshot.files() + "). Check the file name, or pick another revision.");
      }
      try {
        fetchFile(repoId, snapshot.commit(), file, repo, pointer);
      } catch (Unreachable e) {
        throw unreachable(repoId, rev, e);
      }
    }
    return folder;
  }

  // ---------------------------------------------------------------------------------------------------------
  // listing

  private Snapshot fetchSnapshot(String repoId, String rev, Path repo) {
    URI uri = URI.create(endpoint + "/api/models/" + repoId + "/revision/" + encode(rev));
    HttpResponse<String> response = send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofString(),
        repoId, rev, null);
    JsonObject json;
    try {
      json = JsonParser.parseString(response.body()).getAsJsonObject();
    } catch (RuntimeException e) {
      throw new ModelException(endpoint + " answered the file list of " + repoId + " with something that is not "
          + "the hub's JSON. If HF_ENDPOINT points to a mirror, check that it serves the /api/models API.", e);
    }
    String commit = json.has("sha") ? json.get("sha").getAsString() : null;
    if (commit == null || !HubCache.COMMIT.matcher(commit).matches()) {
      throw new ModelException(endpoint + " gave no commit for " + repoId + " at " + rev + ".");
    }
    List<String> files = new ArrayList<>();
    for (JsonElement sibling : json.getAsJsonArray("siblings")) {
      files.add(sibling.getAsJsonObject().get("rfilename").getAsString());
    }
    cache.writeRef(repo, rev, commit);
    return new Snapshot(repoId, commit, List.copyOf(files), false);
  }
  // ---------------------------------------------------------------------------------------------------------
  // one file

  private void fetchFile(String repoId, String commit, String file, Path repo, Path pointer) {
    URI uri = URI.create(endpoint + "/" + repoId + "/resolve/" + commit + "/" + encodePath(file));
    Metadata meta = head(uri, repoId, commit, file);
    Path blobs = repo.resolve("blobs");
    Path blob = blobs.resolve(meta.etag);
    try {
      Files.createDirectories(blobs);
      Path lockFile = blobs.resolve(meta.etag + ".lock");
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock lock = channel.lock()) {
        if (!Files.exists(blob)) {
          Path incomplete = blobs.resolve(meta.etag + ".incomplete");
          download(meta.location, incomplete, meta, repoId, commit, file);
          HubCache.verify(incomplete, meta.etag, meta.size, repoId, file);
          HubCache.move(incomplete, blob);
        }
      }
      Files.deleteIfExists(lockFile);
      HubCache.link(blob, pointer);
      LOG.info("Downloaded {} of {} ({} bytes)", file, repoId, meta.size);
    } catch (IOException e) {
      throw new ModelException("Cannot write " + file + " of " + repoId + " into the hub cache " + blobs + " ("
          + e.getMessage() + "). Make it writable and check the free space, or point HF_HOME elsewhere.", e);
    }
  }

  private record Metadata(String etag, long size, URI location) {}

  private Metadata head(URI uri, String repoId, String commit, String file) {
    URI current = uri;
    for (int hop = 0; hop < 10; hop++) {
      HttpResponse<Void> response = send(request(current).method("HEAD", HttpRequest.BodyPublishers.noBody())
          .header("Accept-Encoding", "identity").build(), HttpResponse.BodyHandlers.discarding(), repoId, commit,
          file);
      int status = response.statusCode();
      var headers = response.headers();
      Optional<String> location = headers.firstValue("Location");
      if (status >= 300 && status < 400 && location.isPresent()) {
        URI target = current.resolve(location.get());
        if (!URI.create(location.get()).isAbsolute()) { // a renamed repository: follow, as huggingface_hub does
          current = target;
          continue;
        }
        // an LFS file: the metadata is on this answer, the content behind the redirect (a CDN)
        String etag = normalise(headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag"))
            .orElse(null));
        long size = headers.firstValue("X-Linked-Size").map(Long::parseLong).orElse(-1L);
        return new Metadata(requireEtag(etag, repoId, file), size, current);
      }
      String etag = normalise(headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag"))
          .orElse(null));
      long size = headers.firstValue("X-Linked-Size").or(() -> headers.firstValue("Content-Length"))
          .map(Long::parseLong).orElse(-1L);
      return new Metadata(requireEtag(etag, repoId, file), size, current);
    }
    throw new ModelException("Too many redirects for " + file + " of " + repoId + " at " + endpoint + ".");
  }

  private static String requireEtag(String etag, String repoId, String file) {
    if (etag == null || etag.isEmpty() || etag.contains("/") || etag.contains("\\") || etag.contains("..")) {
      throw new ModelException("The hub gave no usable ETag for " + file + " of " + repoId + ", so its download "
          + "cannot be verified. If HF_ENDPOINT points to a mirror, use one that passes the hub's headers on.");
    }
    return etag;
  }

  private void download(URI uri, Path incomplete, Metadata meta, String repoId, String commit, String file)
      throws IOException {
    IOException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      long have = Files.exists(incomplete) ? Files.size(incomplete) : 0;
      if (meta.size >= 0 && have == meta.size) {
        return;
      }
      if (meta.size >= 0 && have > meta.size) {
        Files.delete(incomplete);
        have = 0;
      }
      try {
        HttpResponse<InputStream> response = get(uri, have, repoId, commit, file);
        boolean partial = response.statusCode() == 206;
        try (InputStream in = response.body();
            OutputStream out = Files.newOutputStream(incomplete, StandardOpenOption.CREATE,
                partial ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
          if (have > 0 && !partial) {
            LOG.debug("{} does not resume downloads; starting {} again", endpoint, file);
          }
          in.transferTo(out);
        }
        long now = Files.size(incomplete);
        if (meta.size < 0 || now == meta.size) {
          return;
        }
        last = new IOException("connection closed after " + now + " of " + meta.size + " bytes");
      } catch (IOException e) {
        last = e;
      }
      LOG.info("Download of {} of {} interrupted ({}); resuming (attempt {} of {})", file, repoId,
          last.getMessage(), attempt + 1, ATTEMPTS);
    }
    throw new Unreachable("the download of " + file + " kept failing: " + last.getMessage(), last);
  }

  private HttpResponse<InputStream> get(URI uri, long from, String repoId, String commit, String file) {
    URI current = uri;
    for (int hop = 0; hop < 10; hop++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(timeout).GET();
      if (sameHost(current)) {
        authorize(request); // never send the token to another host (the CDN behind a redirect)
      }
      if (from > 0) {
        request.header("Range", "bytes=" + from + "-");
      }
      HttpResponse<InputStream> response = send(request.build(), HttpResponse.BodyHandlers.ofInputStream(),
          repoId, commit, file);
      int status = response.statusCode();
      if (status >= 300 && status < 400) {
        closeQuietly(response.body());
        current = current.resolve(response.headers().firstValue("Location").orElseThrow(() ->
            new ModelException("A redirect without a Location for " + file + " of " + repoId + ".")));
        continue;
      }
      return response;
    }
    throw new ModelException("Too many redirects downloading " + file + " of " + repoId + ".");
  }
  // ---------------------------------------------------------------------------------------------------------
  // HTTP

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
        .header("User-Agent", "imgsearch-java; hf_hub-compatible");
    authorize(b);
    return b;
  }

  private void authorize(HttpRequest.Builder b) {
    if (token != null && !token.isEmpty()) {
      b.header("Authorization", "Bearer " + token);
    }
  }

  private boolean sameHost(URI uri) {
    return Objects.equals(uri.getHost(), endpoint.getHost()) && uri.getPort() == endpoint.getPort();
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler, String repoId,
      String rev, String file) {
    HttpResponse<T> response;
    try {
      response = http.send(request, handler);
    } catch (HttpConnectTimeoutException | ConnectException e) {
      throw new Unreachable(describe(e), e);
    } catch (HttpTimeoutException e) {
      throw new Unreachable("timed out after " + timeout.toSeconds() + " s", e);
    } catch (IOException e) {
      throw new Unreachable(describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("Interrupted while talking to " + endpoint + ".", e);
    }
    int status = response.statusCode();
    if (status < 400) {
      return response;
    }
    if (response.body() instanceof InputStream in) {
      closeQuietly(in);
    }
    String what = file == null ? repoId + " at revision " + rev : file + " of " + repoId + " at " + rev;
    if (status == 401 || status == 403) {
      throw new ModelException(endpoint + " refused access to " + what + " (HTTP " + status + "). For a private "
          + "or gated model, accept its terms on the hub and set HF_TOKEN (or HubClient.builder().token(...)).");
    }
    if (status == 404) {
      throw new ModelException(endpoint + " has no " + what + " (HTTP 404). Check the repository id (org/name), "
          + "the revision and the file name.");
    }
    if (status >= 500 || status == 429) {
      throw new Unreachable("HTTP " + status, null);
    }
    throw new ModelException(endpoint + " answered HTTP " + status + " for " + what + ".");
  }

  private static String describe(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private ModelException unreachable(String repoId, String rev, Unreachable e) {
    return new ModelException("Cannot download " + repoId + " (revision " + rev + ") from " + endpoint + ": "
        + e.getMessage() + ", and it is not in the cache " + cacheDirectory + ". Without access to the hub: pass a "
        + "local model directory instead (modelDirectory(path), a folder with onnx/*.onnx, tokenizer.json, "
        + "config.json), or set HF_ENDPOINT to a mirror you can reach (e.g. HF_ENDPOINT=https://hf-mirror.com), "
        + "or copy a cache that holds the model to HF_HOME and set HF_HUB_OFFLINE=1.", e);
  }

  private ModelException notCached(String repoId, String rev, String file) {
    String what = file == null ? repoId + " (revision " + rev + ")" : file + " of " + repoId + " (revision " + rev
        + ")";
    return new ModelException(what + " is not in the hub cache " + cacheDirectory + " and offline mode is on "
        + "(HF_HUB_OFFLINE or offline(true)), or the hub could not be reached. Download it once with network "
        + "access, or pass a local model directory (modelDirectory(path)), or set HF_ENDPOINT to a mirror you can "
        + "reach and turn offline mode off.");
  }
  private static String normalise(String etag) {
    if (etag == null) {
      return null;
    }
    String e = etag.strip();
    if (e.startsWith("W/")) {
      e = e.substring(2);
    }
    return e.replace("\"", "");
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String encodePath(String path) {
    StringBuilder sb = new StringBuilder();
    for (String part : path.split("/")) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(encode(part));
    }
    return sb.toString();
  }

  private static void closeQuietly(InputStream in) {
    try {
      in.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public String toString() {
    return "HubClient{endpoint=" + endpoint + ", cache=" + cacheDirectory + ", offline=" + offline + ", token="
        + (token == null ? "none" : "set") + "}";
  }

  /** The hub cannot be reached (connection refused, timeout, cut connection, server error). */
  private static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The files of one repository at one commit. */
  public record Snapshot(String repoId, String commit, List<String> files, boolean fromCache) {
    public Snapshot {
      files = List.copyOf(files);
    }
  }

  /** Builds a {@link HubClient}; starts from the environment's settings. */
  public static final class Builder {
    private URI endpoint;
    private Path cacheDirectory;
    private String token;
    private boolean offline;
    private Duration timeout = Duration.ofSeconds(30);

    private Builder(Map<String, String> env) {
      String e = env.get("HF_ENDPOINT");
      this.endpoint = e == null || e.isBlank() ? DEFAULT_ENDPOINT : parseEndpoint(e);
      String hubCache = env.get("HF_HUB_CACHE");
      if (hubCache != null && !hubCache.isBlank()) {
        this.cacheDirectory = Path.of(hubCache);
      } else {
        String home = env.get("HF_HOME");
        if (home == null || home.isBlank()) {
          String xdg = env.get("XDG_CACHE_HOME");
          Path base = xdg == null || xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".cache")
              : Path.of(xdg);
          this.cacheDirectory = base.resolve("huggingface").resolve("hub");
        } else {
          this.cacheDirectory = Path.of(home).resolve("hub");
        }
      }
      String t = env.get("HF_TOKEN");
      if (t == null || t.isBlank()) {
        t = env.get("HUGGING_FACE_HUB_TOKEN");
      }
      this.token = t == null || t.isBlank() ? null : t.strip();
      String off = env.get("HF_HUB_OFFLINE");
      this.offline = off != null && List.of("1", "on", "yes", "true").contains(off.strip().toLowerCase(Locale.ROOT));
    }

    /** The hub or a mirror, e.g. {@code https://hf-mirror.com} (default: HF_ENDPOINT, else the public hub). */
    public Builder endpoint(URI endpoint) {
      this.endpoint = parseEndpoint(endpoint.toString());
      return this;
    }

    /** The hub cache folder, the one holding {@code models--org--name} (default: {@code $HF_HOME/hub}). */
    public Builder cacheDirectory(Path cacheDirectory) {
      this.cacheDirectory = Objects.requireNonNull(cacheDirectory, "cacheDirectory");
      return this;
    }

    /** An access token for private or gated repositories (default: HF_TOKEN); never logged. */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** Cache only, no network (default: HF_HUB_OFFLINE). */
    public Builder offline(boolean offline) {
      this.offline = offline;
      return this;
    }

    /** The connect and request timeout (default 30 s). */
    public Builder timeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new InvalidInputException("timeout must be positive, not " + timeout + ".");
      }
      this.timeout = timeout;
      return this;
    }

    public HubClient build() {
      return new HubClient(this);
    }

    private static URI parseEndpoint(String s) {
      String trimmed = s.strip();
      while (trimmed.endsWith("/")) {
        trimmed = trimmed.substring(0, trimmed.length() - 1);
      }
      try {
        URI uri = URI.create(trimmed);
        if (uri.getScheme() == null || uri.getHost() == null) {
          throw new IllegalArgumentException("no scheme or host");
        }
        return uri;
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("Hub endpoint '" + s + "' is not a URL like https://huggingface.co.", e);
      }
    }
  }
}
