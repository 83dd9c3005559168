import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.pipeline.ColorEmbedder;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexFields;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.pipeline.TestFiles;
import dev.imgsearch.server.ImageSearchServer;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * Load and fault benchmark of imgsearch-server, all on 127.0.0.1 and bounded in time: see README.md beside it.
 * Usage: ServerBench [SECONDS_PER_PHASE=60] [ROWS=10000]
 */
public final class ServerBench {
  static final String[] WORDS = {"red", "green", "blue", "yellow", "white", "black", "红色", "蓝色", "a red car",
      "something green"};
  static final HttpClient CLIENT = client();
  /**
   * The flood's own client: one HttpClient runs all its exchanges on one selector thread, so bad uploads sharing
   * the searches' client would delay the searches in the client, not in the server.
   */
  static final HttpClient FLOOD_CLIENT = client();

  static HttpClient client() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /** One phase's figures; {@code clientCpuSeconds}: what the whole client JVM used meanwhile. */
  record Phase(String name, long requests, long errors, double seconds, List<Long> latenciesNs,
      Map<String, Long> statuses, double clientCpuSeconds) {
    double rps() {
      return requests / seconds;
    }

    double pct(double p) {
      if (latenciesNs.isEmpty()) {
        return Double.NaN;
      }
      int i = (int) Math.min(latenciesNs.size() - 1, Math.ceil(p * latenciesNs.size()) - 1);
      return latenciesNs.get(Math.max(0, i)) / 1e6;
    }

    String line() {
      return String.format(Locale.ROOT, "%-34s %8d req %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %d  %s  "
          + "client CPU %.1f s", name, requests, rps(), pct(0.50), pct(0.99), errors, statuses, clientCpuSeconds);
    }
  }

  /** What one kind of client sends; returns a request for the given client and iteration. */
  interface Load {
    HttpRequest next(Random random);
  }

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("--client")) {
      clients(URI.create(args[1]), Integer.parseInt(args[2]), Long.parseLong(args[3]));
      return;
    }
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
    int rows = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    Path work = Files.createTempDirectory("imgsearch-server-bench-");
    Path images = work.resolve("images");
    Random r = new Random(42);
    for (int i = 0; i < 200; i++) {
      TestFiles.quadrants(images.resolve(String.format("img-%03d.png", i)), colour(r), colour(r), colour(r), colour(r));
    }
    try (VectorStore store = LuceneVectorStore.open(work.resolve("store"));
         ImageIndex index = ImageIndex.builder().embedder(new ColorEmbedder()).store(store).collection("bench").build()) {
      index.index(IndexSource.directory(images).build());
      fill(store, rows - (int) index.count(), r);
      System.out.printf("rows %d (200 indexed images + synthetic vectors), %d s per phase, %d cores, java %s%n",
          index.count(), seconds, Runtime.getRuntime().availableProcessors(), Runtime.version());
      long maxUpload = 1 << 20;
      try (ImageSearchServer server = ImageSearchServer.builder().index(index).port(0).maxUploadBytes(maxUpload)
          .start()) {
        serve("http://127.0.0.1:" + server.port(), seconds, maxUpload);
      }
    }
  }

  /**
   * Runs the clients in a JVM of their own (so their threads, allocations and GC are not the server's) and
   * answers its snapshot requests (lines {@code @snapshot WHEN}) with the server JVM's threads and heap.
   */
  static void serve(String base, int seconds, long maxUpload) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>();
    String clientCpus = System.getProperty("bench.clientCpus", "");
    if (!clientCpus.isEmpty()) {
      command.addAll(List.of("taskset", "-c", clientCpus)); // the clients on other cores than the server
    }
    command.addAll(List.of(java, "-Xmx" + System.getProperty("bench.clientHeap", "256m"),
        "-Dbench.flood=" + System.getProperty("bench.flood", "oversized,corrupt,bomb"),
        "-cp", System.getProperty("java.class.path"), ServerBench.class.getName(), "--client", base,
        String.valueOf(seconds), String.valueOf(maxUpload)));
    Process clients = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Map<String, Snapshot> snapshots = new HashMap<>();
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(clients.getInputStream(),
        StandardCharsets.UTF_8)); var out = new java.io.PrintStream(clients.getOutputStream(), true,
        StandardCharsets.UTF_8)) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.startsWith("@snapshot ")) {
          String when = line.substring(10);
          snapshots.put(when, snapshot(when));
          out.println("ok");
        } else {
          System.out.println(line);
        }
      }
    }
    if (clients.waitFor() != 0) {
      throw new IllegalStateException("the client process failed: exit " + clients.exitValue());
    }
    Snapshot before = snapshots.get("before the flood");
    Snapshot after = snapshots.get("after the flood");
    System.out.printf("server threads %d -> %d, server heap after GC %d MiB -> %d MiB%n", before.threads,
        after.threads, before.heapMiB, after.heapMiB);
  }

  /** The client process: the four phases against a server at {@code base}, all output on stdout. */
  static void clients(URI baseUri, int seconds, long maxUpload) throws Exception {
    String base = baseUri.toString();
    Random r = new Random(43);
    List<byte[]> uploads = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      BufferedImage img = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 96; y++) {
        for (int x = 0; x < 96; x++) {
          img.setRGB(x, y, (x < 48 ? colour(r) : colour(r)).getRGB());
        }
      }
      uploads.add(TestFiles.encode(img, "png"));
    }
    Load text = rnd -> HttpRequest.newBuilder(URI.create(base + "/api/search?topK=10&q="
        + java.net.URLEncoder.encode(WORDS[rnd.nextInt(WORDS.length)], StandardCharsets.UTF_8))).GET().build();
    Load upload = rnd -> multipart(base + "/api/search/image?topK=10", uploads.get(rnd.nextInt(uploads.size())));
    byte[] oversized = new byte[(int) maxUpload + 512 * 1024];
    byte[] corrupt = corrupt();
    byte[] bomb = TestFiles.bombPngBytes(100_000);
    // -Dbench.flood=oversized,corrupt,bomb (the default) chooses the kinds of bad upload.
    List<byte[]> kinds = new ArrayList<>();
    for (String kind : System.getProperty("bench.flood", "oversized,corrupt,bomb").split(",")) {
      kinds.add(switch (kind.strip()) {
        case "oversized" -> oversized;
        case "corrupt" -> corrupt;
        case "bomb" -> bomb;
        default -> throw new IllegalArgumentException("bench.flood: unknown kind " + kind);
      });
    }
    Load bad = rnd -> multipart(base + "/api/search/image", kinds.get(rnd.nextInt(kinds.size())));
    var serverSide = new java.io.BufferedReader(new java.io.InputStreamReader(System.in, StandardCharsets.UTF_8));
    warmUp(text, upload);
    askSnapshot(serverSide, "before text phase");
    Phase a = run("text search, 32 clients", 32, i -> text, seconds);
    System.out.println(a.line());
    Phase b = run("image upload search, 32 clients", 32, i -> upload, seconds);
    System.out.println(b.line());
    askSnapshot(serverSide, "after text and upload phases");
    Phase base16 = run("text search, 16 clients (baseline)", 16, i -> text, seconds);
    System.out.println(base16.line());
    askSnapshot(serverSide, "before the flood");
    Map<String, Phase> flood = runMixed(seconds, 16, text, 16, bad);
    System.out.println(flood.get("normal").line());
    System.out.println(flood.get("bad").line());
    Thread.sleep(2000);
    askSnapshot(serverSide, "after the flood");
    double ratio = flood.get("normal").pct(0.99) / base16.pct(0.99);
    long bad4xx = flood.get("bad").statuses().entrySet().stream()
        .filter(e -> e.getKey().startsWith("4")).mapToLong(Map.Entry::getValue).sum();
    System.out.printf(Locale.ROOT, "flood: %d bad uploads, %d answered 4xx, %d other; normal p99 %.2f ms vs "
        + "%.2f ms without the flood (x%.2f)%n", flood.get("bad").requests(), bad4xx,
        flood.get("bad").requests() - bad4xx, flood.get("normal").pct(0.99), base16.pct(0.99), ratio);
  }

  /** Has the server process print its threads and heap, and waits until it has. */
  static void askSnapshot(java.io.BufferedReader serverSide, String when) throws IOException {
    System.out.println("@snapshot " + when);
    System.out.flush();
    if (serverSide.readLine() == null) {
      throw new IllegalStateException("the server process has gone");
    }
  }

  record Snapshot(int threads, long heapMiB) {}

  static Snapshot snapshot(String when) {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    Runtime rt = Runtime.getRuntime();
    long heap = (rt.totalMemory() - rt.freeMemory()) >> 20;
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    System.out.printf(Locale.ROOT, "[%s] server threads %d, heap used after GC %d MiB (max %d MiB), server CPU "
        + "%.1f s so far%n", when, threads, heap, rt.maxMemory() >> 20, cpuSeconds());
    return new Snapshot(threads, heap);
  }

  /** CPU time this JVM has used, all threads. */
  static double cpuSeconds() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e9;
  }

  static Color colour(Random r) {
    return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  static void fill(VectorStore store, int n, Random r) {
    List<Row> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[12];
      double norm = 0;
      for (int k = 0; k < 12; k++) {
        v[k] = r.nextFloat();
        norm += v[k] * v[k];
      }
      for (int k = 0; k < 12; k++) {
        v[k] /= (float) Math.sqrt(norm);
      }
      Map<String, Object> m = new HashMap<>();
      m.put(IndexFields.ID, "synthetic/" + i);
      m.put(IndexFields.PATH, "");
      m.put(IndexFields.SOURCE, "bench");
      m.put(IndexFields.FILE_SIZE, 0L);
      m.put(IndexFields.MODIFIED, 0L);
      m.put(IndexFields.CONTENT_HASH, String.format("%064x", i));
      m.put(IndexFields.VECTOR, v);
      m.put("category", "synthetic");
      batch.add(Row.of(m));
      if (batch.size() == 1000) {
        store.upsert("bench", batch);
        batch.clear();
      }
    }
    if (!batch.isEmpty()) {
      store.upsert("bench", batch);
    }
    store.flush("bench");
  }

  static HttpRequest multipart(String url, byte[] image) {
    String boundary = "----bench" + Long.toHexString(System.nanoTime());
    byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"q.png\"\r\n"
        + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
    byte[] body = new byte[head.length + image.length + tail.length];
    System.arraycopy(head, 0, body, 0, head.length);
    System.arraycopy(image, 0, body, head.length, image.length);
    System.arraycopy(tail, 0, body, head.length + image.length, tail.length);
    return HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  static void warmUp(Load... loads) throws Exception {
    Random r = new Random(1);
    for (int i = 0; i < 300; i++) {
      for (Load l : loads) {
        CLIENT.send(l.next(r), HttpResponse.BodyHandlers.discarding());
      }
    }
  }

  static Phase run(String name, int clients, IntFunction<Load> load, int seconds) throws InterruptedException {
    return runAll(name, clients, load, System.nanoTime() + seconds * 1_000_000_000L, CLIENT);
  }

  static Phase runAll(String name, int clients, IntFunction<Load> load, long deadline, HttpClient http)
      throws InterruptedException {
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    Map<String, Long> statuses = new ConcurrentHashMap<>();
    AtomicLong errors = new AtomicLong();
    CountDownLatch done = new CountDownLatch(clients);
    long start = System.nanoTime();
    double cpu0 = cpuSeconds();
    for (int c = 0; c < clients; c++) {
      int client = c;
      Thread t = new Thread(() -> {
        Random rnd = new Random(client);
        List<Long> mine = new ArrayList<>();
        Load l = load.apply(client);
        try {
          while (System.nanoTime() < deadline) {
            long t0 = System.nanoTime();
            String key;
            try {
              HttpResponse<byte[]> resp = http.send(l.next(rnd), HttpResponse.BodyHandlers.ofByteArray());
              key = String.valueOf(resp.statusCode());
              if (resp.statusCode() != 200) {
                errors.incrementAndGet();
              }
            } catch (IOException e) {
              key = "io:" + e.getClass().getSimpleName();
              errors.incrementAndGet();
            } catch (InterruptedException e) {
              return;
            }
            mine.add(System.nanoTime() - t0);
            statuses.merge(key, 1L, Long::sum);
          }
        } finally {
          latencies.addAll(mine);
          done.countDown();
        }
      }, "bench-" + name + "-" + c);
      t.setDaemon(true);
      t.start();
    }
    done.await();
    double secs = (System.nanoTime() - start) / 1e9;
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    return new Phase(name, sorted.size(), errors.get(), secs, sorted, new java.util.TreeMap<>(statuses),
        cpuSeconds() - cpu0);
  }

  static Map<String, Phase> runMixed(int seconds, int normalClients, Load normal, int badClients, Load bad)
      throws Exception {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    Phase[] out = new Phase[2];
    Thread t = new Thread(() -> {
      try {
        out[1] = runAll("bad uploads, 16 clients (flood)", badClients, i -> bad, deadline, FLOOD_CLIENT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    t.start();
    out[0] = runAll("text search, 16 clients (during flood)", normalClients, i -> normal, deadline, CLIENT);
    t.join();
    return Map.of("normal", out[0], "bad", out[1]);
  }

  static byte[] corrupt() {
    byte[] b = new byte[4000];
    new Random(7).nextBytes(b);
    byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    System.arraycopy(sig, 0, b, 0, sig.length);
    return b;
  }

}
