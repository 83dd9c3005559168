package dev.imgsearch.embedders.hub;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A stand-in for the Hugging Face Hub on 127.0.0.1, for tests: serves folders as model repositories with the hub's
 * URL scheme and headers ({@code /api/models/org/name/revision/rev}, {@code /org/name/resolve/rev/path} answering
 * HEAD and GET with {@code X-Repo-Commit}, {@code ETag} = git blob SHA-1 for small files; LFS files (.onnx and
 * anything over 64 KiB) answer with a 302 to a second "CDN" server and {@code X-Linked-Etag} = SHA-256,
 * {@code X-Linked-Size}). Supports {@code Range}; can cut a download short or serve corrupt bytes; logs requests.
 */
public final class LocalHubServer implements AutoCloseable {
  private static final long LFS_THRESHOLD = 64 * 1024;

  private final HttpServer hub;
  private final HttpServer cdn;
  private final Map<String, Repo> repos = new ConcurrentHashMap<>();
  private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
  private final List<String> log = new CopyOnWriteArrayList<>();
  private final Map<String, Long> cutAfter = new ConcurrentHashMap<>();
  private final Map<String, Boolean> corrupt = new ConcurrentHashMap<>();

  private record Repo(String commit, Map<String, byte[]> files) {}

  public LocalHubServer() {
    try {
      hub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      cdn = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    hub.createContext("/", this::handleHub);
    cdn.createContext("/", this::handleCdn);
    hub.start();
    cdn.start();
  }

  /** Serves every file under {@code folder} as repository {@code repoId} at branch main, commit {@code commit}. */
  public LocalHubServer serve(String repoId, String commit, Path folder) {
    Map<String, byte[]> files = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(folder.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    repos.put(repoId, new Repo(commit, files));
    files.values().forEach(b -> blobs.put(sha256(b), b));
    return this;
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + hub.getAddress().getPort());
  }

  /** Requests seen, as "SERVER METHOD path [range] [auth]". */
  public List<String> log() {
    return log;
  }

  public void clearLog() {
    log.clear();
  }

  /** The next GET of this file's content stops after {@code bytes} bytes and closes the connection. */
  public void cutNextDownload(String path, long bytes) {
    cutAfter.put(path, bytes);
  }

  /** Serves this file's content with one byte changed (the checksums stay those of the real file). */
  public void corrupt(String path) {
    corrupt.put(path, true);
  }

  public static String sha256(byte[] data) {
    return digest("SHA-256", data, null);
  }

  public static String gitSha1(byte[] data) {
    return digest("SHA-1", data, ("blob " + data.length + "\0").getBytes(StandardCharsets.US_ASCII));
  }

  private static String digest(String algorithm, byte[] data, byte[] prefix) {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm);
      if (prefix != null) {
        md.update(prefix);
      }
      return HexFormat.of().formatHex(md.digest(data));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void record(String server, HttpExchange ex) {
    String range = ex.getRequestHeaders().getFirst("Range");
    boolean auth = ex.getRequestHeaders().containsKey("Authorization");
    log.add(server + " " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + (range == null ? ""
        : " " + range) + (auth ? " auth" : ""));
  }

  private void handleHub(HttpExchange ex) throws IOException {
    record("hub", ex);
    String path = ex.getRequestURI().getPath();
    try (ex) {
      if (path.startsWith("/api/models/")) {
        String[] parts = path.substring("/api/models/".length()).split("/");
        Repo repo = repos.get(parts[0] + "/" + parts[1]);
        if (repo == null || parts.length < 4 || !(parts[3].equals("main") || parts[3].equals(repo.commit))) {
          send(ex, 404, new byte[0]);
          return;
        }
        JsonObject json = new JsonObject();
        json.addProperty("id", parts[0] + "/" + parts[1]);
        json.addProperty("sha", repo.commit);
        JsonArray siblings = new JsonArray();
        repo.files.keySet().forEach(f -> {
          JsonObject s = new JsonObject();
          s.addProperty("rfilename", f);
          siblings.add(s);
        });
        json.add("siblings", siblings);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        send(ex, 200, json.toString().getBytes(StandardCharsets.UTF_8));
        return;
      }
      String[] parts = path.substring(1).split("/", 5); // org, name, "resolve", rev, file
      Repo repo = parts.length == 5 ? repos.get(parts[0] + "/" + parts[1]) : null;
      byte[] content = repo == null ? null : repo.files.get(parts[4]);
      if (content == null || !parts[2].equals("resolve")
          || !(parts[3].equals("main") || parts[3].equals(repo.commit))) {
        send(ex, 404, new byte[0]);
        return;
      }
      var h = ex.getResponseHeaders();
      h.add("X-Repo-Commit", repo.commit);
      boolean lfs = parts[4].endsWith(".onnx") || content.length > LFS_THRESHOLD;
      if (lfs) {
        String sha = sha256(content);
        h.add("ETag", "\"" + gitSha1(("version https://git-lfs.github.com/spec/v1\noid sha256:" + sha).getBytes(
            StandardCharsets.UTF_8)) + "\"");
        h.add("X-Linked-Etag", "\"" + sha + "\"");
        h.add("X-Linked-Size", String.valueOf(content.length));
        h.add("Location", "http://127.0.0.1:" + cdn.getAddress().getPort() + "/cdn/" + sha + "?file=" + parts[4]);
        ex.sendResponseHeaders(302, -1);
        return;
      }
      h.add("ETag", "\"" + gitSha1(content) + "\"");
      serveContent(ex, parts[4], content);
    }
  }

  private void handleCdn(HttpExchange ex) throws IOException {
    record("cdn", ex);
    try (ex) {
      String path = ex.getRequestURI().getPath();
      String query = ex.getRequestURI().getQuery();
      byte[] content = blobs.get(path.substring(path.lastIndexOf('/') + 1));
      if (content == null) {
        send(ex, 404, new byte[0]);
        return;
      }
      serveContent(ex, query == null ? "" : query.substring("file=".length()), content);
    }
  }

  private void serveContent(HttpExchange ex, String file, byte[] content) throws IOException {
    byte[] body = content;
    if (corrupt.containsKey(file)) {
      body = content.clone();
      body[body.length / 2] ^= 0x5a;
    }
    if (ex.getRequestMethod().equals("HEAD")) {
      ex.getResponseHeaders().add("Content-Length", String.valueOf(body.length));
      ex.sendResponseHeaders(200, -1);
      return;
    }
    int from = 0;
    String range = ex.getRequestHeaders().getFirst("Range");
    if (range != null && range.startsWith("bytes=")) {
      from = Integer.parseInt(range.substring(6, range.indexOf('-')));
      ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
    }
    int length = body.length - from;
    ex.sendResponseHeaders(range == null ? 200 : 206, length);
    Long cut = cutAfter.remove(file);
    OutputStream out = ex.getResponseBody();
    if (cut != null && cut < length) {
      out.write(body, from, (int) (long) cut);
      out.flush();
      // end the connection mid-body: the client sees fewer bytes than Content-Length
      ex.getHttpContext().getServer();
      throw new IOException("connection cut by the test");
    }
    out.write(body, from, length);
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
  }

  @Override
  public void close() {
    hub.stop(0);
    cdn.stop(0);
  }
}
