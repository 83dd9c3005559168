package dev.imgsearch.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexFailure;
import dev.imgsearch.pipeline.IndexFields;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.pipeline.Query;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What a Spark job must do on any store: the rows, ids, scores and failures of ImageIndex, idempotent retries,
 * re-runs that embed nothing, and Parquet that loads into the same index. Subclasses give the store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SparkIndexingContract {
  static final int IMAGES = 240;
  static final AtomicInteger INJECTED = new AtomicInteger();

  Path tmp;
  Path images;
  SparkSession spark;
  PixelEmbedder embedder;

  /** The store the tasks write to. */
  abstract StoreTarget target();

  /** A unique prefix for this class's collections. */
  abstract String prefix();

  VectorStore open() {
    return target().open();
  }

  void setUp() throws Exception {
    tmp = Files.createTempDirectory("imgsearch-spark-test");
    images = tmp.resolve("images");
    TestData.images(images, IMAGES, 42);
    spark = TestData.spark();
    embedder = ExecutorEmbedders.get(OnnxTestEmbedders.clip());
  }

  @AfterAll
  void stopSpark() throws Exception {
    if (spark != null) {
      spark.stop();
    }
    if (tmp != null) {
      try (Stream<Path> s = Files.walk(tmp)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  SparkImageIndexer.Builder indexer(String collection) {
    return SparkImageIndexer.builder().embedder(OnnxTestEmbedders.clip()).store(target()).collection(collection);
  }

  SparkImageSource files() {
    return SparkImageSource.files(spark, images.toString()).build();
  }

  ImageIndex imageIndex(VectorStore store, String collection) {
    return ImageIndex.builder().embedder(embedder).store(store).collection(collection).build();
  }

  List<Path> queries() throws Exception {
    try (Stream<Path> s = Files.walk(images.resolve("set1"))) {
      return s.filter(Files::isRegularFile).sorted().limit(5).collect(Collectors.toList());
    }
  }

  /** Same ids in the same order, scores to 1e-5, for several image queries. */
  void assertSameSearchResults(ImageIndex expected, ImageIndex actual) throws Exception {
    for (Path q : queries()) {
      List<ImageHit> e = expected.search(Query.image(q).topK(10).build());
      List<ImageHit> a = actual.search(Query.image(q).topK(10).build());
      assertThat(a).hasSize(10);
      assertThat(a.stream().map(ImageHit::id).toList()).isEqualTo(e.stream().map(ImageHit::id).toList());
      for (int i = 0; i < e.size(); i++) {
        assertThat((double) a.get(i).score()).isCloseTo((double) e.get(i).score(), within(1e-5));
      }
    }
  }

  static Map<String, String> causes(List<IndexFailure> failures) {
    Map<String, String> m = new TreeMap<>();
    failures.forEach(f -> m.put(f.item(), f.cause().name()));
    return m;
  }

  /**
   * The bad files a Spark job over the directory reports: all of ImageIndex's but the empty file, which Spark's
   * file listing (binaryFile) leaves out (it drops zero-byte files).
   */
  Map<String, String> expectedBad() {
    Map<String, String> m = new TreeMap<>();
    TestData.BAD.forEach((name, cause) -> m.put(images.resolve(name).toAbsolutePath().toString(), cause));
    m.remove(images.resolve(TestData.EMPTY).toAbsolutePath().toString());
    return m;
  }

  static final int SPARK_BAD = TestData.BAD.size() - 1;

  @Test
  void sparkCollectionIsTheCollectionImageIndexBuilds() throws Exception {
    String ref = prefix() + "_ref";
    String col = prefix() + "_spark";
    try (VectorStore store = open(); ImageIndex reference = imageIndex(store, ref)) {
      IndexReport expected = reference.index(IndexSource.directory(images).build());
      assertThat(expected.indexed()).isEqualTo(IMAGES);

      SparkIndexReport report = indexer(col).build().index(files());
      assertThat(report.indexed()).isEqualTo(IMAGES);
      assertThat(report.failed()).isEqualTo(SPARK_BAD);
      assertThat(report.embedded()).isEqualTo(IMAGES);
      // The same failures, for the same reasons, as ImageIndex reports (but the empty file: see expectedBad).
      Map<String, String> imageIndexCauses = causes(expected.failures());
      assertThat(imageIndexCauses).containsEntry(images.resolve(TestData.EMPTY).toAbsolutePath().toString(), "EMPTY")
          .hasSize(TestData.BAD.size());
      imageIndexCauses.remove(images.resolve(TestData.EMPTY).toAbsolutePath().toString());
      assertThat(causes(report.failures())).isEqualTo(imageIndexCauses).isEqualTo(expectedBad());
      assertThat(report.summary().filter("status = 'FAILED'").selectExpr("sum(count)").first().getLong(0))
          .isEqualTo(SPARK_BAD);

      try (ImageIndex sparkBuilt = imageIndex(store, col)) {
        assertThat(sparkBuilt.count()).isEqualTo(IMAGES);
        assertThat(sparkBuilt.manifest().modelId()).isEqualTo(reference.manifest().modelId());
        assertSameRows(store, ref, col);
        assertSameSearchResults(reference, sparkBuilt);
      }

      // A re-run over the same input embeds nothing and writes nothing.
      SparkIndexReport again = indexer(col).build().index(files());
      assertThat(again.embedded()).isZero();
      assertThat(again.indexed()).isZero();
      assertThat(again.unchanged()).isEqualTo(IMAGES);
      assertThat(again.failed()).isEqualTo(SPARK_BAD);
      // The model was loaded once in this JVM (driver and executors share it in local mode).
      assertThat(ExecutorEmbedders.loads()).isEqualTo(1);
    }
  }

  /** Every stored field but the vector equal, and the vectors to 1e-5. */
  void assertSameRows(VectorStore store, String expected, String actual) throws Exception {
    List<String> ids;
    try (Stream<Path> s = Files.walk(images)) {
      ids = s.filter(Files::isRegularFile).filter(p -> !p.startsWith(images.resolve("bad")))
          .map(p -> images.relativize(p).toString()).sorted().toList();
    }
    assertThat(ids).hasSize(IMAGES);
    List<String> fields = List.of(IndexFields.PATH, IndexFields.SOURCE, IndexFields.FILE_SIZE, IndexFields.MODIFIED,
        IndexFields.CONTENT_HASH, IndexFields.VECTOR);
    Map<Object, Row> e = byId(store.get(expected, new ArrayList<>(ids), fields));
    Map<Object, Row> a = byId(store.get(actual, new ArrayList<>(ids), fields));
    assertThat(a.keySet()).isEqualTo(e.keySet()).hasSize(IMAGES);
    for (Object id : e.keySet()) {
      for (String f : List.of(IndexFields.PATH, IndexFields.SOURCE, IndexFields.FILE_SIZE, IndexFields.MODIFIED,
          IndexFields.CONTENT_HASH)) {
        assertThat(String.valueOf(a.get(id).get(f))).as("%s of %s", f, id).isEqualTo(String.valueOf(e.get(id).get(f)));
      }
      float[] ve = e.get(id).vector(IndexFields.VECTOR);
      float[] va = a.get(id).vector(IndexFields.VECTOR);
      for (int i = 0; i < ve.length; i++) {
        assertThat(va[i]).isCloseTo(ve[i], within(1e-5f));
      }
    }
  }

  private static Map<Object, Row> byId(List<Row> rows) {
    Map<Object, Row> m = new TreeMap<>();
    rows.forEach(r -> m.put(r.get(IndexFields.ID), r));
    return m;
  }

  @Test
  void aTaskThatFailsMidPartitionIsRetriedAndEveryImageIsStoredOnce() throws Exception {
    String col = prefix() + "_retry";
    INJECTED.set(0);
    PartitionHook failFirstAttempt = (partition, attempt, rows) -> {
      if (partition == 0 && attempt == 0 && rows >= 8) {
        INJECTED.incrementAndGet();
        throw new IllegalStateException("injected failure after " + rows + " rows");
      }
    };
    SparkIndexReport report = indexer(col).upsertBatchSize(8).partitionHook(failFirstAttempt).build()
        .index(files());
    assertThat(INJECTED.get()).as("the failure was injected").isEqualTo(1);
    // The retry finds the rows the failed attempt wrote up to date; nothing is stored twice.
    assertThat(report.indexed() + report.unchanged()).isEqualTo(IMAGES);
    assertThat(report.unchanged()).isGreaterThanOrEqualTo(8);
    // Spark keeps the accumulator updates of successful attempts only.
    assertThat(report.embedded()).isEqualTo(report.indexed());
    try (VectorStore store = open()) {
      assertThat(store.count(col)).isEqualTo(IMAGES);
    }
  }

  @Test
  void parquetReadBackAndLoadedGivesTheSameSearchResults() throws Exception {
    String ref = prefix() + "_pqref";
    String col = prefix() + "_pq";
    String out = tmp.resolve("parquet").toString();
    SparkImageIndexer indexer = indexer(col).build();
    SparkIndexReport report = indexer.writeParquet(files(), out, SaveMode.Overwrite);
    assertThat(report.indexed()).isEqualTo(IMAGES);
    assertThat(causes(report.failures())).isEqualTo(expectedBad());

    Dataset<org.apache.spark.sql.Row> back = spark.read().parquet(out);
    assertThat(back.count()).isEqualTo(IMAGES);
    assertThat(back.columns()).containsExactly(IndexFields.ID, IndexFields.PATH, IndexFields.SOURCE,
        IndexFields.FILE_SIZE, IndexFields.MODIFIED, IndexFields.CONTENT_HASH, IndexFields.VECTOR);
    assertThat(back.select(IndexFields.ID).distinct().count()).isEqualTo(IMAGES);

    assertThat(indexer.loadParquet(spark, out)).isEqualTo(IMAGES);
    try (VectorStore store = open(); ImageIndex reference = imageIndex(store, ref);
        ImageIndex loaded = imageIndex(store, col)) {
      reference.index(IndexSource.directory(images).build());
      assertThat(loaded.count()).isEqualTo(IMAGES);
      assertSameRows(store, ref, col);
      assertSameSearchResults(reference, loaded);
    }
  }
}
