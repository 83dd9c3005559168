package dev.imgsearch.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.HybridSearchRequest;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.lucene.index.SegmentCommitInfo;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store written by imgsearch on Lucene 9.12.3 (src/test/resources/stores/lucene-9.12.3, made by the 9.x store:
 * collection "images" with an L2 graph, a COSINE graph, an int8 graph under IP, a FLAT field and a BM25 field, two
 * segments and a deleted row; collection "auto" with auto ids and IVF_SQ8) opens on Lucene 10: same rows, same
 * exact results, writable; its format version moves to 2, and {@code compact} rewrites it in Lucene 10's format.
 */
class LuceneStoreUpgradeTest {
  private static final String[] CAPTIONS = {"red dress", "blue jeans", "red running shoes", "white summer dress",
      "black leather shoes", "a red hat", "summer shirt", "kids dress", "blue dress", "running shoes", "green hat",
      "yellow coat"};

  @TempDir
  Path dir;

  private Path store;

  /** The vectors the fixture was written with (the generator that wrote it). */
  private static float[] vec(int i, int dim) {
    Random r = new Random(1000 + i);
    float[] v = new float[dim];
    for (int j = 0; j < dim; j++) {
      v[j] = (float) r.nextGaussian();
    }
    return v;
  }

  @BeforeEach
  void copyFixture() throws IOException, URISyntaxException {
    Path fixture = Path.of(getClass().getResource("/stores/lucene-9.12.3").toURI());
    store = dir.resolve("store");
    try (Stream<Path> files = Files.walk(fixture)) {
      for (Path p : files.sorted(Comparator.naturalOrder()).toList()) {
        Path target = store.resolve(fixture.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static int version(Path json) throws IOException {
    JsonObject o = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
    return o.get("version").getAsInt();
  }

  private static List<Integer> luceneMajors(Path index) throws IOException {
    try (Directory d = FSDirectory.open(index)) {
      List<Integer> majors = new ArrayList<>();
      for (SegmentCommitInfo info : SegmentInfos.readLatestCommit(d)) {
        majors.add(info.info.getVersion().major);
      }
      return majors;
    }
  }

  /** The ids of the rows of "images" (r3 deleted) by exact score against a query, best first. */
  private static List<Object> exactOrder(String field, MetricType metric, int offset, float[] q) {
    List<Integer> rows = new ArrayList<>();
    for (int i = 0; i < CAPTIONS.length; i++) {
      if (i != 3) {
        rows.add(i);
      }
    }
    Comparator<Integer> byScore = Comparator.comparingDouble(i -> metric.score(q, vec(offset + i, 8)));
    rows.sort(metric.higherIsCloser() ? byScore.reversed() : byScore);
    return rows.stream().limit(5).map(i -> (Object) ("r" + i)).toList();
  }

  @Test
  void aLucene9StoreOpensWithItsRowsAndExactResults() throws IOException {
    Path images = store.resolve("collections/images");
    assertThat(version(store.resolve(StoreFiles.MARKER))).isEqualTo(1);
    assertThat(luceneMajors(images.resolve("index"))).containsOnly(9);
    try (LuceneVectorStore s = LuceneVectorStore.open(store)) {
      assertThat(s.listCollections()).containsExactly("auto", "images");
      assertThat(s.count("images")).isEqualTo(11);
      assertThat(s.count("auto")).isEqualTo(5);
      Row r5 = s.get("images", List.of("r5"), List.of("*", "l2", "cos", "int8", "flat")).get(0);
      assertThat(r5.get("caption")).isEqualTo("a red hat");
      assertThat(r5.get("year")).isEqualTo(2005);
      assertThat(r5.vector("cos")).containsExactly(vec(105, 8));
      assertThat(r5.vector("flat")).containsExactly(vec(305, 8));
      // Every vector field, each index structure of Lucene 9, gives the exact ranking and Milvus's scores.
      float[] q = vec(7, 8);
      String[] fields = {"l2", "cos", "int8", "flat"};
      MetricType[] metrics = {MetricType.L2, MetricType.COSINE, MetricType.IP, MetricType.L2};
      int[] offsets = {0, 100, 200, 300};
      for (int f = 0; f < fields.length; f++) {
        List<Hit> hits = s.search(SearchRequest.builder("images").vectorField(fields[f]).query(q).topK(5).build())
            .get(0);
        assertThat(hits).extracting(Hit::id).as(fields[f])
            .containsExactlyElementsOf(exactOrder(fields[f], metrics[f], offsets[f], q));
        int best = Integer.parseInt(((String) hits.get(0).id()).substring(1));
        assertThat((double) hits.get(0).score()).as(fields[f])
            .isEqualTo((double) (float) metrics[f].score(q, vec(offsets[f] + best, 8)));
      }
      // Filters and BM25 work on the old segments.
      assertThat(s.search(SearchRequest.builder("images").vectorField("l2").query(q).topK(3).filter("year >= 2010")
          .build()).get(0)).extracting(Hit::id).containsExactlyInAnyOrder("r10", "r11");
      List<Hit> text = s.hybridSearch(HybridSearchRequest.builder("images").text("caption_bm25", "hat").topK(5)
          .build());
      assertThat(text).extracting(Hit::id).containsExactlyInAnyOrder("r5", "r10");

      // Writable: new rows (new segments in Lucene 10's format) next to the old ones, auto ids continue.
      s.insert("images", List.of(Row.builder().put("id", "n1").put("caption", "purple hat").put("year", 2030)
          .put("l2", vec(0, 8)).put("cos", vec(100, 8)).put("int8", vec(200, 8)).put("flat", vec(300, 8)).build()));
      List<Object> ids = s.insert("auto", List.of(Row.builder().put("v", new float[] {1, 2, 3, 4}).build()));
      assertThat((Long) ids.get(0)).isGreaterThan(5L);
      assertThat(s.search(SearchRequest.builder("images").vectorField("l2").query(vec(0, 8)).topK(2).build()).get(0))
          .extracting(Hit::id).containsExactlyInAnyOrder("r0", "n1");
      // A COSINE field of a Lucene 9 collection is declared COSINE in its index: a zero vector is refused clearly.
      assertThatThrownBy(() -> s.insert("images", List.of(Row.builder().put("id", "z").put("caption", "z")
          .put("year", 1).put("l2", vec(0, 8)).put("cos", new float[8]).put("int8", vec(0, 8))
          .put("flat", vec(0, 8)).build())))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("created by imgsearch on Lucene 9")
          .hasMessageContaining("new collection");
    }
    // The format version moved to 2 (store and collections); the old segments stay until merged.
    assertThat(version(store.resolve(StoreFiles.MARKER))).isEqualTo(StoreFiles.VERSION).isEqualTo(2);
    assertThat(version(images.resolve(StoreFiles.COLLECTION_FILE))).isEqualTo(2);
    assertThat(luceneMajors(images.resolve("index"))).contains(9, 10);

    // compact() rewrites a collection in Lucene 10's format; results stay the same.
    try (LuceneVectorStore s = LuceneVectorStore.open(store)) {
      s.compact("images");
      s.flush("images");
      assertThat(luceneMajors(images.resolve("index"))).containsOnly(10);
      assertThat(s.count("images")).isEqualTo(12);
      float[] q = vec(7, 8);
      List<Hit> hits = s.search(SearchRequest.builder("images").vectorField("int8").query(q).topK(5).build()).get(0);
      assertThat(hits.get(0).id()).isEqualTo(exactOrder("int8", MetricType.IP, 200, q).get(0));
    }
  }
}
