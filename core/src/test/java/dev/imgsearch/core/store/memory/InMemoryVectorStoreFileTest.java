package dev.imgsearch.core.store.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Saving and loading the in-memory store: round trips, atomic writes, damaged and newer files. */
class InMemoryVectorStoreFileTest {
  @TempDir Path dir;

  private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE,
      -Float.MAX_VALUE, 1e-38f, 0.1f, (float) Math.PI, 123456.79f};

  private static CollectionSpec richSpec() {
    return CollectionSpec.builder("rich")
        .description("all types")
        .primaryKey(FieldSpec.varchar("pk", 64))
        .field(FieldSpec.scalar("i32", FieldType.INT32))
        .field(FieldSpec.scalar("i64", FieldType.INT64))
        .field(FieldSpec.scalar("f32", FieldType.FLOAT))
        .field(FieldSpec.scalar("f64", FieldType.DOUBLE))
        .field(FieldSpec.scalar("flag", FieldType.BOOL))
        .field(FieldSpec.varchar("name", 100))
        .field(FieldSpec.scalar("meta", FieldType.JSON))
        .field(FieldSpec.vector("image", SPECIAL.length, MetricType.COSINE, IndexSpec.hnsw(16, 200)))
        .field(FieldSpec.vector("text", 3, MetricType.IP, IndexSpec.ivfPq(128, 3, 8)))
        .dynamicFields(true)
        .build();
  }

  private static CollectionSpec autoSpec() {
    return CollectionSpec.builder("auto")
        .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
        .autoId(true)
        .field(FieldSpec.vector("v", 4, MetricType.L2, IndexSpec.ivfFlat(64)))
        .build();
  }

  private static Row richRow(String pk, double f64, float f32) {
    return Row.builder().put("pk", pk).put("i32", Integer.MIN_VALUE).put("i64", Long.MAX_VALUE).put("f32", f32)
        .put("f64", f64).put("flag", true).put("name", "quote \" backslash \\ newline \n ✓ 𝄞")
        .put("meta", Map.of("list", List.of(1, 2.5, "x"), "nested", Map.of("deep", true)))
        .put("image", SPECIAL).put("text", new float[] {1, 2, 3}).put("extra", List.of("dyn", 7)).build();
  }

  private static void assertBitExact(float[] actual, float[] expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int i = 0; i < expected.length; i++) {
      assertThat(Float.floatToRawIntBits(actual[i])).as("component %d", i)
          .isEqualTo(Float.floatToRawIntBits(expected[i]));
    }
  }

  @Test
  void aRoundTripKeepsSchemasIdsAndBitExactValues() {
    Path file = dir.resolve("store.json");
    List<Object> autoIds;
    Random r = new Random(5);
    float[][] vectors = new float[50][4];
    try (InMemoryVectorStore store = InMemoryVectorStore.open(file)) {
      store.createCollection(richSpec());
      store.insert("rich", List.of(richRow("a", 1.0 / 3, 0.1f), richRow("b", Double.NaN, Float.NaN),
          richRow("c", Double.NEGATIVE_INFINITY, -0f)));
      store.createCollection(autoSpec());
      for (float[] v : vectors) {
        for (int i = 0; i < 4; i++) {
          v[i] = (float) r.nextGaussian();
        }
      }
      autoIds = store.insert("auto", Stream.of(vectors).map(v -> Row.builder().put("v", v).build()).toList());
    }
    assertThat(file).exists();

    try (InMemoryVectorStore store = InMemoryVectorStore.open(file)) {
      assertThat(store.listCollections()).containsExactly("auto", "rich");
      assertThat(store.describeCollection("rich")).isEqualTo(richSpec());
      assertThat(store.describeCollection("rich").description()).isEqualTo("all types");
      assertThat(store.describeCollection("auto")).isEqualTo(autoSpec());

      List<Row> rich = store.get("rich", List.of("a", "b", "c"), List.of("*", "image", "text"));
      assertThat(rich).hasSize(3);
      Row a = rich.get(0);
      Row expected = richRow("a", 1.0 / 3, 0.1f);
      for (String f : List.of("i32", "i64", "f32", "f64", "flag", "name")) {
        assertThat(a.get(f)).as(f).isEqualTo(expected.get(f));
      }
      assertThat(a.get("meta")).isEqualTo(Map.of("list", List.of(1L, 2.5, "x"), "nested", Map.of("deep", true)));
      assertThat(a.get("extra")).isEqualTo(List.of("dyn", 7L));
      assertBitExact(a.vector("image"), SPECIAL);
      assertThat((Double) rich.get(1).get("f64")).isNaN();
      assertThat((Float) rich.get(1).get("f32")).isNaN();
      assertThat(rich.get(2).get("f64")).isEqualTo(Double.NEGATIVE_INFINITY);
      assertThat(Float.floatToRawIntBits((Float) rich.get(2).get("f32"))).isEqualTo(Float.floatToRawIntBits(-0f));

      List<Row> auto = store.get("auto", autoIds, List.of("v"));
      assertThat(auto).extracting(row -> row.get("id")).containsExactlyElementsOf(autoIds);
      for (int i = 0; i < vectors.length; i++) {
        assertBitExact(auto.get(i).vector("v"), vectors[i]);
      }
      // Generated ids keep increasing after a reload.
      List<Object> more = store.insert("auto", List.of(Row.builder().put("v", new float[4]).build()));
      long maxBefore = autoIds.stream().mapToLong(id -> (Long) id).max().orElseThrow();
      assertThat((Long) more.get(0)).isGreaterThan(maxBefore);
    }
  }

  @Test
  void saveWritesACopyThatOpens() throws IOException {
    InMemoryVectorStore memory = new InMemoryVectorStore();
    assertThat(memory.file()).isEmpty();
    memory.createCollection(autoSpec());
    memory.insert("auto", List.of(Row.builder().put("v", new float[] {1, 2, 3, 4}).build()));
    Path copy = dir.resolve("nested/dirs/copy.json");
    memory.save(copy);
    memory.flush("auto"); // no file: does nothing
    memory.close();
    assertThatThrownBy(() -> memory.save(copy)).isInstanceOf(ClosedException.class);
    try (InMemoryVectorStore store = InMemoryVectorStore.open(copy)) {
      assertThat(store.count("auto")).isEqualTo(1);
      assertThat(store.file()).contains(copy);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(dir.resolve("nested"));
    }
  }

  @Test
  void flushWritesTheFile() throws IOException {
    Path file = dir.resolve("store.json");
    InMemoryVectorStore store = InMemoryVectorStore.open(file);
    store.createCollection(autoSpec());
    assertThat(file).doesNotExist();
    store.insert("auto", List.of(Row.builder().put("v", new float[4]).build()));
    store.flush("auto");
    assertThat(Files.readString(file)).startsWith("{\"format\":\"imgsearch-memory-store\",\"version\":2,");
    try (InMemoryVectorStore other = InMemoryVectorStore.open(file)) {
      assertThat(other.count("auto")).isEqualTo(1);
    }
    store.close();
  }

  @Test
  void flushAndCloseWriteOnlyWhenSomethingChanged() throws IOException {
    Path file = dir.resolve("store.json");
    try (InMemoryVectorStore store = InMemoryVectorStore.open(file)) {
      store.createCollection(autoSpec());
    }
    InMemoryVectorStore store = InMemoryVectorStore.open(file);
    // Something else writes the file: a store without changes must not overwrite it.
    String marker = Files.readString(file).replace("\"auto\"", "\"other\"");
    Files.writeString(file, marker);
    store.flush("auto");
    store.close();
    assertThat(Files.readString(file)).isEqualTo(marker);

    InMemoryVectorStore changed = InMemoryVectorStore.open(dir.resolve("store.json"));
    changed.createCollection(autoSpec());
    changed.flush("auto");
    assertThat(Files.readString(file)).contains("\"auto\"");
    Files.writeString(file, marker);
    changed.close(); // nothing changed since the flush
    assertThat(Files.readString(file)).isEqualTo(marker);
  }

  @Test
  void aFailedWriteLeavesThePreviousFileIntactAndNoTemporaryFile() throws IOException {
    Path file = dir.resolve("store.json");
    try (InMemoryVectorStore store = InMemoryVectorStore.open(file)) {
      store.createCollection(autoSpec());
      store.insert("auto", List.of(Row.builder().put("v", new float[4]).build()));
    }
    byte[] before = Files.readAllBytes(file);
    assertThatThrownBy(() -> StoreFile.writeAtomically(file, out -> {
      out.write("{\"format\":\"imgsearch-memory-store\",\"version\":1,\"collections\":[");
      out.flush();
      throw new IOException("No space left on device (simulated)");
    })).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("No space left on device")
        .hasMessageContaining("previous file")
        .hasMessageContaining(file.toString());
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
    try (InMemoryVectorStore store = InMemoryVectorStore.open(file)) {
      assertThat(store.count("auto")).isEqualTo(1);
    }
  }

  @Test
  void aStoreWhoseFileCannotBeWrittenStaysOpenOnClose() throws IOException {
    Path notADirectory = Files.writeString(dir.resolve("plain-file"), "x");
    InMemoryVectorStore store = InMemoryVectorStore.open(notADirectory.resolve("store.json"));
    store.createCollection(autoSpec());
    store.insert("auto", List.of(Row.builder().put("v", new float[4]).build()));
    assertThatThrownBy(() -> store.flush("auto")).isInstanceOf(StoreUnavailableException.class);
    assertThatThrownBy(store::close).isInstanceOf(StoreUnavailableException.class);
    // Still open: the rows can be saved elsewhere.
    assertThat(store.count("auto")).isEqualTo(1);
    Path rescue = dir.resolve("rescue.json");
    store.save(rescue);
    try (InMemoryVectorStore reopened = InMemoryVectorStore.open(rescue)) {
      assertThat(reopened.count("auto")).isEqualTo(1);
    }
    assertThat(Files.readString(notADirectory)).isEqualTo("x");
  }

  @Test
  void aCorruptFileGivesAClearError() throws IOException {
    Path file = dir.resolve("store.json");
    for (String content : List.of("", "{not json", "[1, 2, 3]", "{\"format\":\"something-else\",\"version\":1}",
        "{\"format\":\"imgsearch-memory-store\",\"version\":1}",
        "{\"format\":\"imgsearch-memory-store\",\"version\":1,\"collections\":[{\"rows\":[]}]}",
        "{\"format\":\"imgsearch-memory-store\",\"version\":1,\"collections\":[]} trailing")) {
      Files.writeString(file, content);
      assertThatThrownBy(() -> InMemoryVectorStore.open(file)).as(content)
          .isExactlyInstanceOf(ImageSearchException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining("corrupt")
          .hasMessageContaining("Restore it from a backup");
    }
  }

  @Test
  void aTruncatedOrTamperedFileGivesAClearError() throws IOException {
    Path file = dir.resolve("store.json");
    try (InMemoryVectorStore store = InMemoryVectorStore.open(file)) {
      store.createCollection(richSpec());
      store.insert("rich", List.of(richRow("a", 1, 1), richRow("b", 2, 2)));
    }
    String good = Files.readString(file, StandardCharsets.UTF_8);

    Files.writeString(file, good.substring(0, good.length() / 2));
    assertThatThrownBy(() -> InMemoryVectorStore.open(file)).isExactlyInstanceOf(ImageSearchException.class)
        .hasMessageContaining("corrupt");

    String shortVector = good.replace(StoreFile.encodeVector(new float[] {1, 2, 3}),
        StoreFile.encodeVector(new float[] {1, 2}));
    assertThat(shortVector).isNotEqualTo(good);
    Files.writeString(file, shortVector);
    assertThatThrownBy(() -> InMemoryVectorStore.open(file)).isExactlyInstanceOf(ImageSearchException.class)
        .hasMessageContaining("corrupt");

    String tooLong = good.replace("\"name\":\"quote", "\"name\":\"" + "x".repeat(200));
    Files.writeString(file, tooLong);
    assertThatThrownBy(() -> InMemoryVectorStore.open(file)).isExactlyInstanceOf(ImageSearchException.class)
        .hasMessageContaining("corrupt").hasMessageContaining("name");

    Files.writeString(file, good);
    try (InMemoryVectorStore store = InMemoryVectorStore.open(file)) {
      assertThat(store.count("rich")).isEqualTo(2);
    }
  }

  @Test
  void aFileFromANewerVersionSaysToUpgrade() throws IOException {
    Path file = dir.resolve("store.json");
    Files.writeString(file, "{\"format\":\"imgsearch-memory-store\",\"version\":3,\"collections\":"
        + "[{\"whatever\": \"new\"}]}");
    assertThatThrownBy(() -> InMemoryVectorStore.open(file)).isExactlyInstanceOf(ImageSearchException.class)
        .hasMessageContaining("version 3").hasMessageContaining("newer").hasMessageContaining("Upgrade imgsearch");
  }

  /** A file of format version 1 (before collection properties) opens with its rows and is saved as version 2. */
  @Test
  void aVersionOneFileOpensWithoutPropertiesAndIsSavedAsVersionTwo() throws IOException {
    Path file = dir.resolve("store.json");
    Files.writeString(file, "{\"format\":\"imgsearch-memory-store\",\"version\":1,\"collections\":[{\"spec\":"
        + "{\"name\":\"auto\",\"description\":\"\",\"autoId\":true,\"dynamicFields\":false,\"fields\":["
        + "{\"name\":\"id\",\"type\":\"INT64\"},{\"name\":\"v\",\"type\":\"FLOAT_VECTOR\",\"dimension\":1,"
        + "\"metric\":\"L2\",\"index\":{\"type\":\"FLAT\",\"params\":{}}}]},\"lastAutoId\":7,"
        + "\"rows\":[{\"id\":7,\"v\":\"AACAPw==\"}]}]}");
    try (InMemoryVectorStore store = InMemoryVectorStore.open(file)) {
      assertThat(store.count("auto")).isEqualTo(1);
      assertThat(store.get("auto", List.of(7L), List.of("v")).get(0).vector("v")).containsExactly(1f);
      assertThat(store.collectionProperties("auto")).isEmpty();
      store.setCollectionProperties("auto", Map.of("imgsearch.manifest", "{}"));
    }
    assertThat(Files.readString(file)).startsWith("{\"format\":\"imgsearch-memory-store\",\"version\":2,")
        .contains("\"properties\":{\"imgsearch.manifest\":\"{}\"}");
    try (InMemoryVectorStore store = InMemoryVectorStore.open(file)) {
      assertThat(store.collectionProperties("auto")).containsExactly(Map.entry("imgsearch.manifest", "{}"));
      assertThat(store.count("auto")).isEqualTo(1);
    }
  }
}
