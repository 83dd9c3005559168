import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.IndexType;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.store.lucene.LuceneVectorStore;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Lucene side of the benchmark, through the store's public API: builds an HNSW collection and a FLAT one from the
 * data that data.py wrote, then times single-query searches (one thread) at several ef values.
 *
 * <p>Usage: java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED LuceneBench DATA_DIR STORE_DIR
 * M EF_CONSTRUCTION EF1,EF2,... [float,sq8,sq4,sq1]
 * Prints one JSON object per line. With the environment variable CEILING set, the float graph's sweep also times
 * the same queries straight on Lucene (kinds hnsw-lucene-leaf and hnsw-lucene-query), interleaved with the store's.
 */
public final class LuceneBench {
  private LuceneBench() {}

  static float[][] read(Path file, int dim) throws IOException {
    // Mapped, not read into a byte array first: the 1,000,000-vector set is 2 GB.
    try (FileChannel channel = FileChannel.open(file)) {
      FloatBuffer b = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN)
          .asFloatBuffer();
      float[][] out = new float[b.remaining() / dim][dim];
      for (float[] v : out) {
        b.get(v);
      }
      return out;
    }
  }

  static int[][] readIds(Path file) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int n = b.remaining() / 4 / 10;
    int[][] out = new int[n][10];
    for (int[] row : out) {
      for (int j = 0; j < 10; j++) {
        row[j] = b.getInt();
      }
    }
    return out;
  }

  static long size(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  /**
   * The collection's bytes by file extension, as a JSON object: Lucene's formats keep the raw float vectors
   * ({@code vec}), the quantised copies ({@code veq}), the graph ({@code vex}) and their metadata apart, so this tells
   * what a graph search reads (graph + quantised or float vectors) from what only re-ranking reads.
   */
  static String sizesByExtension(Path dir) throws IOException {
    Map<String, Long> sizes = new java.util.TreeMap<>();
    try (Stream<Path> files = Files.walk(dir)) {
      files.filter(Files::isRegularFile).forEach(f -> {
        String name = f.getFileName().toString();
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name;
        sizes.merge(ext, f.toFile().length(), Long::sum);
      });
    }
    StringBuilder json = new StringBuilder("{");
    sizes.forEach((ext, bytes) -> json.append(json.length() > 1 ? ", " : "").append('"').append(ext).append("\": ")
        .append(bytes));
    return json.append('}').toString();
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** CPU seconds of the calling thread. */
  static double cpu() {
    return THREADS.getCurrentThreadCpuTime() / 1e9;
  }

  /** Wall and CPU seconds of the build. */
  static double[] build(LuceneVectorStore store, String name, IndexSpec index, float[][] base, int dim) {
    store.createCollection(CollectionSpec.builder(name)
        .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
        .field(FieldSpec.vector("vec", dim, MetricType.L2, index))
        .build());
    long t = System.nanoTime();
    double c = cpu();
    for (int from = 0; from < base.length; from += 10_000) {
      List<Row> rows = new ArrayList<>();
      for (int i = from; i < Math.min(base.length, from + 10_000); i++) {
        rows.add(Row.builder().put("id", (long) i).put("vec", base[i]).build());
      }
      store.upsert(name, rows);
    }
    store.compact(name); // one segment, one graph, as FAISS's index (a no-op when the RAM buffer held it all)
    store.flush(name);
    store.count(name); // opens the searcher on what was built
    return new double[] {(System.nanoTime() - t) / 1e9, cpu() - c};
  }

  /** Wall seconds and CPU seconds for the queries one by one, and their recall@10. */
  static double[] run(LuceneVectorStore store, String name, float[][] queries, int[][] gt, int ef, int count) {
    return run(store, name, queries, gt, ef, count, null);
  }

  /** As above; {@code refine} (non-null) overrides a quantised graph's re-ranking on the raw vectors. */
  static double[] run(LuceneVectorStore store, String name, float[][] queries, int[][] gt, int ef, int count,
      Boolean refine) {
    int found = 0;
    long t = System.nanoTime();
    double c = cpu();
    List<List<Hit>> results = new ArrayList<>(count);
    for (int q = 0; q < count; q++) {
      SearchRequest.Builder b = SearchRequest.builder(name).query(queries[q]).topK(10).searchParam("ef", ef);
      if (refine != null) {
        b.searchParam("refine", refine);
      }
      results.add(store.search(b.build()).get(0));
    }
    double seconds = (System.nanoTime() - t) / 1e9;
    double cpuSeconds = cpu() - c;
    for (int q = 0; q < count; q++) {
      Set<Long> truth = new HashSet<>();
      for (int id : gt[q]) {
        truth.add((long) id);
      }
      for (Hit h : results.get(q)) {
        if (truth.contains((Long) h.id())) {
          found++;
        }
      }
    }
    return new double[] {seconds, found / (10.0 * count), cpuSeconds};
  }

  /** A search straight on Lucene: the global doc ids of the best 10 (doc id = row id, one segment, no deletes). */
  interface RawSearch {
    int[] top10(float[] query, int k) throws IOException;
  }

  /**
   * The ceiling: the same queries on the collection's Lucene index directly (no store), with the graph asked for
   * the same max(10, ef) neighbours: LeafReader.searchNearestVectors (what the store calls), and an IndexSearcher
   * with a KnnFloatVectorQuery. Wall seconds, recall@10, CPU seconds.
   */
  static double[] runRaw(RawSearch search, float[][] queries, int[][] gt, int ef, int count) throws IOException {
    int found = 0;
    long t = System.nanoTime();
    double c = cpu();
    int[][] results = new int[count][];
    for (int q = 0; q < count; q++) {
      results[q] = search.top10(queries[q], Math.max(10, ef));
    }
    double seconds = (System.nanoTime() - t) / 1e9;
    double cpuSeconds = cpu() - c;
    for (int q = 0; q < count; q++) {
      Set<Integer> truth = new HashSet<>();
      for (int id : gt[q]) {
        truth.add(id);
      }
      for (int doc : results[q]) {
        if (truth.contains(doc)) {
          found++;
        }
      }
    }
    return new double[] {seconds, found / (10.0 * count), cpuSeconds};
  }

  static int[] ids(TopDocs top) {
    int n = Math.min(10, top.scoreDocs.length);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = top.scoreDocs[i].doc;
    }
    return out;
  }

  /** Times the store and Lucene directly, interleaved per ef, on the committed index of a collection. */
  static void ceiling(LuceneVectorStore store, Path indexDir, String collection, String kind, float[][] queries,
      int[][] gt, String[] efs) throws IOException {
    try (Directory dir = FSDirectory.open(indexDir); DirectoryReader reader = DirectoryReader.open(dir)) {
      if (reader.leaves().size() != 1 || reader.hasDeletions()) {
        throw new IllegalStateException("expected one segment without deletions: " + reader.leaves());
      }
      LeafReader leaf = reader.leaves().get(0).reader();
      IndexSearcher searcher = new IndexSearcher(reader);
      searcher.setQueryCache(null);
      Map<String, RawSearch> ways = new LinkedHashMap<>();
      AcceptDocs all = AcceptDocs.fromLiveDocs(null, leaf.maxDoc());
      ways.put("leaf", (q, k) -> ids(leaf.searchNearestVectors("vec", q, k, all, Integer.MAX_VALUE)));
      ways.put("query", (q, k) -> ids(searcher.search(new KnnFloatVectorQuery("vec", q, k), 10)));
      for (int pass = 0; pass < 2; pass++) { // warm-up (JIT): both sides, else the store's first ef runs cold
        for (String e : efs) {
          for (RawSearch w : ways.values()) {
            runRaw(w, queries, gt, Integer.parseInt(e), Math.min(300, queries.length));
          }
          run(store, collection, queries, gt, Integer.parseInt(e), Math.min(300, queries.length));
        }
      }
      boolean quantised = !kind.equals("hnsw");
      for (String e : efs) {
        int ef = Integer.parseInt(e);
        double[][] best = new double[ways.size() + 2][];
        for (int pass = 0; pass < 2; pass++) {
          int i = 0;
          for (RawSearch w : ways.values()) {
            best[i] = min(best[i], runRaw(w, queries, gt, ef, queries.length));
            i++;
          }
          best[i] = min(best[i], run(store, collection, queries, gt, ef, queries.length));
          if (quantised) { // the same graph without re-ranking on the raw vectors
            best[i + 1] = min(best[i + 1], run(store, collection, queries, gt, ef, queries.length, false));
          }
        }
        int i = 0;
        for (String way : ways.keySet()) {
          printSweep(kind + "-lucene-" + way, ef, best[i++], queries.length);
        }
        printSweep(kind, ef, best[i], queries.length);
        if (quantised) {
          printSweep(kind + "-norefine", ef, best[i + 1], queries.length);
        }
      }
    }
  }

  static double[] min(double[] a, double[] b) {
    return a == null ? b : new double[] {Math.min(a[0], b[0]), a[1], Math.min(a[2], b[2])};
  }

  static void printSweep(String kind, int ef, double[] r, int count) {
    System.out.printf("{\"system\": \"lucene\", \"kind\": \"%s\", \"ef\": %d, \"recall\": %.4f, "
        + "\"qps\": %.1f, \"cpu_qps\": %.1f}%n", kind, ef, r[1], count / r[0], count / r[2]);
  }

  /**
   * {@code --sweep DATA_DIR STORE_DIR M EF_CONSTRUCTION EF1,EF2,... [float|sq8|sq4|sq2|sq1]}: a graph's sweep with the ceiling
   * (see {@link #ceiling}) on a store that is kept between runs: the collection is built on the first run only, so
   * that run.sh (ROUNDS) can time both sides in turns. For the int8 graph the "ceiling" series search the quantised
   * graph without the store's re-ranking on raw vectors (lower recall).
   */
  static void sweep(String[] args) throws IOException {
    Path data = Path.of(args[1]);
    Path storeDir = Path.of(args[2]);
    int dim = Integer.parseInt(Files.readString(data.resolve("meta.json")).replaceAll(".*\"dim\": (\\d+).*", "$1"));
    float[][] queries = read(data.resolve("queries.f32"), dim);
    int[][] gt = readIds(data.resolve("gt.i32"));
    String variant = args.length > 6 ? args[6] : "float";
    String kind = kind(variant);
    String collection = kind.replace('-', '_');
    try (LuceneVectorStore store = LuceneVectorStore.builder(storeDir).ramBufferMb(1500).open()) {
      if (!store.hasCollection(collection)) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("M", Integer.parseInt(args[3]));
        params.put("efConstruction", Integer.parseInt(args[4]));
        if (sqType(variant) != null) {
          params.put("sq_type", sqType(variant));
        }
        double[] built = build(store, collection, IndexSpec.of(IndexType.HNSW, params),
            read(data.resolve("base.f32"), dim), dim);
        System.out.printf("{\"system\": \"lucene\", \"kind\": \"%s-build\", \"seconds\": %.3f, "
            + "\"cpu_seconds\": %.3f, \"bytes\": %d}%n", kind, built[0], built[1],
            size(storeDir.resolve("collections").resolve(collection)));
      }
      ceiling(store, storeDir.resolve("collections").resolve(collection).resolve("index"), collection, kind,
          queries, gt, args[5].split(","));
    }
  }

  /**
   * A variant's series name: "float" is hnsw; "sq8" (or "int8"), "sq4", "sq2", "sq1" are the scalar-quantised
   * graphs (hnsw-sq8 ...), re-ranked on the raw vectors, and without re-ranking (hnsw-sqN-norefine, same graph).
   */
  static String kind(String variant) {
    return switch (variant) {
      case "float" -> "hnsw";
      case "int8", "sq8" -> "hnsw-sq8";
      case "sq4", "sq2", "sq1" -> "hnsw-" + variant;
      default -> throw new IllegalArgumentException("variant " + variant + ": use float, sq8 (int8), sq4, sq2, sq1");
    };
  }

  /** The index parameter sq_type of a variant, null for the float graph. */
  static String sqType(String variant) {
    String kind = kind(variant);
    return kind.equals("hnsw") ? null : kind.substring("hnsw-".length()).toUpperCase(java.util.Locale.ROOT);
  }

  /** {@code --flat DATA_DIR STORE_DIR}: exact search on a FLAT collection kept between runs (built on the first). */
  static void flat(String[] args) throws IOException {
    Path data = Path.of(args[1]);
    Path storeDir = Path.of(args[2]);
    int dim = Integer.parseInt(Files.readString(data.resolve("meta.json")).replaceAll(".*\"dim\": (\\d+).*", "$1"));
    float[][] queries = read(data.resolve("queries.f32"), dim);
    int[][] gt = readIds(data.resolve("gt.i32"));
    try (LuceneVectorStore store = LuceneVectorStore.builder(storeDir).ramBufferMb(1500).open()) {
      double[] built = {0, 0};
      if (!store.hasCollection("flat")) {
        built = build(store, "flat", IndexSpec.flat(), read(data.resolve("base.f32"), dim), dim);
      }
      long bytes = size(storeDir.resolve("collections").resolve("flat"));
      int n = Math.min(200, queries.length);
      run(store, "flat", queries, gt, 1, 40); // warm-up
      double[] first = run(store, "flat", queries, gt, 1, n);
      double[] second = run(store, "flat", queries, gt, 1, n);
      System.out.printf("{\"system\": \"lucene\", \"kind\": \"flat\", \"recall\": %.4f, \"qps\": %.2f, "
          + "\"cpu_qps\": %.2f, \"build_seconds\": %.3f, \"bytes\": %d}%n", first[1], n / Math.min(first[0],
          second[0]), n / Math.min(first[2], second[2]), built[0], bytes);
    }
  }

  /**
   * {@code --filtered DATA_DIR STORE_DIR EF}: filtered search on the kept float graph (Lucene 10's filtered HNSW, with
   * the store's exact fallback when the graph would visit more nodes than the filter accepts) against the exact
   * search of the kept FLAT collection, at several filter selectivities: QPS of each and the graph's recall@10
   * against the exact answer. Run after a ROUNDS run and its --flat step (both collections exist then).
   */
  static void filtered(String[] args) throws IOException {
    Path data = Path.of(args[1]);
    int ef = Integer.parseInt(args[3]);
    int dim = Integer.parseInt(Files.readString(data.resolve("meta.json")).replaceAll(".*\"dim\": (\\d+).*", "$1"));
    float[][] queries = read(data.resolve("queries.f32"), dim);
    int n = Math.min(200, queries.length);
    try (LuceneVectorStore store = LuceneVectorStore.builder(Path.of(args[2])).ramBufferMb(1500).open()) {
      long rows = store.count("hnsw");
      for (double fraction : new double[] {0.002, 0.01, 0.05, 0.2, 0.5}) {
        String filter = "id < " + (long) (rows * fraction);
        double[] times = new double[2];
        List<List<Hit>> results = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up
          for (int side = 0; side < 2; side++) {
            String collection = side == 0 ? "hnsw" : "flat";
            double c = cpu();
            for (int q = 0; q < n; q++) {
              List<Hit> hits = store.search(SearchRequest.builder(collection).query(queries[q]).topK(10)
                  .filter(filter).searchParam("ef", ef).build()).get(0);
              if (pass == 1) {
                results.add(hits);
              }
            }
            times[side] = cpu() - c;
          }
        }
        int found = 0;
        for (int q = 0; q < n; q++) {
          Set<Object> truth = new HashSet<>();
          results.get(n + q).forEach(h -> truth.add(h.id()));
          for (Hit h : results.get(q)) {
            found += truth.contains(h.id()) ? 1 : 0;
          }
        }
        System.out.printf("{\"system\": \"lucene\", \"kind\": \"filtered\", \"fraction\": %s, \"ef\": %d, "
            + "\"graph_recall\": %.4f, \"graph_cpu_qps\": %.1f, \"exact_cpu_qps\": %.1f}%n", fraction, ef,
            found / (10.0 * n), n / times[0], n / times[1]);
      }
    }
  }

  public static void main(String[] args) throws IOException {
    System.out.printf("{\"system\": \"lucene\", \"kind\": \"jvm\", \"java\": \"%s\"}%n", Runtime.version());
    if (args[0].equals("--sweep")) {
      sweep(args);
      return;
    }
    if (args[0].equals("--flat")) {
      flat(args);
      return;
    }
    if (args[0].equals("--filtered")) {
      filtered(args);
      return;
    }
    Path data = Path.of(args[0]);
    Path storeDir = Path.of(args[1]);
    int m = Integer.parseInt(args[2]);
    int efConstruction = Integer.parseInt(args[3]);
    String[] efs = args[4].split(",");
    String meta = Files.readString(data.resolve("meta.json"));
    int dim = Integer.parseInt(meta.replaceAll(".*\"dim\": (\\d+).*", "$1"));
    float[][] base = read(data.resolve("base.f32"), dim);
    float[][] queries = read(data.resolve("queries.f32"), dim);
    int[][] gt = readIds(data.resolve("gt.i32"));

    // A large RAM buffer, so the bulk build makes few segments (one up to about 600,000 vectors of 512 dimensions);
    // build() then compacts the collection into one segment (one graph), as FAISS's index is.
    String[] variants = args.length > 5 ? args[5].split(",") : new String[] {"float"};
    try (LuceneVectorStore store = LuceneVectorStore.builder(storeDir).ramBufferMb(1500).open()) {
      for (String variant : variants) {
        // "float": HNSW over the float vectors; "int8": HNSW over int8-quantised copies (Milvus's HNSW_SQ with
        // sq_type SQ8), candidates re-ranked on the raw vectors.
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("M", m);
        params.put("efConstruction", efConstruction);
        if (sqType(variant) != null) {
          params.put("sq_type", sqType(variant));
        }
        String kind = kind(variant);
        String collection = kind.replace('-', '_');
        double[] built = build(store, collection, IndexSpec.of(IndexType.HNSW, params), base, dim);
        Path collectionDir = storeDir.resolve("collections").resolve(collection);
        System.out.printf("{\"system\": \"lucene\", \"kind\": \"%s-build\", \"seconds\": %.3f, "
            + "\"cpu_seconds\": %.3f, \"bytes\": %d, \"bytes_by_extension\": %s}%n", kind, built[0], built[1],
            size(collectionDir), sizesByExtension(collectionDir));
        if (System.getenv("CEILING") != null && variant.equals("float")) {
          // The store against Lucene itself, interleaved, same index and ef (see ceiling()).
          ceiling(store, storeDir.resolve("collections").resolve(collection).resolve("index"), collection, kind,
              queries, gt, efs);
          store.dropCollection(collection);
          continue;
        }
        for (int pass = 0; pass < 2; pass++) { // warm-up (JIT)
          for (String e : efs) {
            run(store, collection, queries, gt, Integer.parseInt(e), Math.min(300, queries.length));
          }
        }
        for (String e : efs) {
          int ef = Integer.parseInt(e);
          double[] first = run(store, collection, queries, gt, ef, queries.length);
          double[] second = run(store, collection, queries, gt, ef, queries.length);
          System.out.printf("{\"system\": \"lucene\", \"kind\": \"%s\", \"ef\": %d, \"recall\": %.4f, "
              + "\"qps\": %.1f, \"cpu_qps\": %.1f}%n", kind, ef, first[1],
              queries.length / Math.min(first[0], second[0]), queries.length / Math.min(first[2], second[2]));
        }
        store.dropCollection(collection);
      }

      double[] flatBuilt = build(store, "flat", IndexSpec.flat(), base, dim);
      long flatBytes = size(storeDir.resolve("collections").resolve("flat"));
      int n = Math.min(200, queries.length);
      run(store, "flat", queries, gt, 1, 40); // warm-up
      double[] first = run(store, "flat", queries, gt, 1, n);
      double[] second = run(store, "flat", queries, gt, 1, n);
      System.out.printf("{\"system\": \"lucene\", \"kind\": \"flat\", \"recall\": %.4f, \"qps\": %.2f, "
          + "\"cpu_qps\": %.2f, \"build_seconds\": %.3f, \"bytes\": %d}%n", first[1], n / Math.min(first[0],
          second[0]), n / Math.min(first[2], second[2]), flatBuilt[0], flatBytes);
    }
  }
}
