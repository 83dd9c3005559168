package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.filter.Filters;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.VectorStore;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour of {@link ImageIndex} on a store: the same tests for every {@link VectorStore} of the SDK. Extend
 * it in a store module's tests and return a store from {@link #createStore()}:
 *
 * <pre>{@code
 * class LuceneImageIndexTest extends ImageIndexContract {
 *   @TempDir Path storeDir;
 *   protected VectorStore createStore() { return LuceneVectorStore.open(storeDir); }
 * }
 * }</pre>
 *
 * <p>Each test uses its own collection (dropped afterwards with its manifest), so a store may be shared between
 * tests, as a Milvus server is. Images are small generated files embedded by {@link ColorEmbedder}.
 */
public abstract class ImageIndexContract {
  /** Scores are compared to this precision across stores. */
  protected static final double SCORE_TOLERANCE = 1e-4;

  @TempDir protected Path dir;
  protected VectorStore store;
  protected ColorEmbedder embedder;
  protected String collection;
  private final List<ImageIndex> opened = new ArrayList<>();

  /** The store under test; called before each test. */
  protected abstract VectorStore createStore();

  /** Releases the store after each test (default: closes it). */
  protected void releaseStore(VectorStore store) {
    store.close();
  }

  @BeforeEach
  void setUpIndexContract() {
    store = createStore();
    embedder = new ColorEmbedder();
    collection = "images_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  @AfterEach
  void tearDownIndexContract() {
    opened.forEach(ImageIndex::close);
    try {
      ImageIndex.drop(store, collection);
    } finally {
      releaseStore(store);
    }
  }

  /** An index of the test's collection with small batches, exact search and two decoding threads. */
  protected ImageIndex open() {
    return open(b -> b);
  }

  protected ImageIndex open(UnaryOperator<ImageIndex.Builder> options) {
    ImageIndex index = options.apply(ImageIndex.builder().embedder(embedder).store(store).collection(collection)
        .vectorIndex(IndexSpec.flat()).batchSize(4).upsertBatchSize(5).parallelism(2)).build();
    opened.add(index);
    return index;
  }

  /** Red, green, blue, yellow, white and black images, in several formats and sub-directories. */
  protected Path gallery() {
    Path g = dir.resolve("gallery");
    TestFiles.solid(g.resolve("red.png"), Color.RED);
    TestFiles.solid(g.resolve("green.png"), Color.GREEN);
    TestFiles.solid(g.resolve("blue.bmp"), Color.BLUE);
    TestFiles.solid(g.resolve("sub/yellow.png"), Color.YELLOW);
    TestFiles.solid(g.resolve("sub/white.gif"), Color.WHITE);
    TestFiles.solid(g.resolve("sub/deeper/black.png"), Color.BLACK);
    TestFiles.quadrants(g.resolve("mixed/red-green.png"), Color.RED, Color.RED, Color.GREEN, Color.GREEN);
    TestFiles.quadrants(g.resolve("mixed/blue-yellow.png"), Color.BLUE, Color.YELLOW, Color.BLUE, Color.YELLOW);
    return g;
  }

  private static final int GALLERY_SIZE = 8;

  protected Row row(String id) {
    List<Row> rows = store.get(collection, List.of(id), List.of("*"));
    assertThat(rows).as("row %s", id).hasSize(1);
    return rows.get(0);
  }

  protected List<String> ids(List<ImageHit> hits) {
    return hits.stream().map(ImageHit::id).toList();
  }

  private static Path shift(Path file, int seconds) {
    TestFiles.setModified(file, FileTime.fromMillis(TestFiles.modified(file).toMillis() + seconds * 1000L));
    return file;
  }

  // ------------------------------------------------------------------------------------------ the collection

  @Test
  void createsTheCollectionFromTheEmbedderAndRecordsAManifest() {
    ImageIndex index = open();
    CollectionSpec spec = store.describeCollection(collection);
    assertThat(spec.primaryKey()).isEqualTo(FieldSpec.varchar(IndexFields.ID, IndexFields.ID_MAX_LENGTH));
    FieldSpec vector = spec.vectorField(IndexFields.VECTOR);
    assertThat(vector.dimension()).isEqualTo(12);
    assertThat(vector.metric()).isEqualTo(MetricType.COSINE);
    assertThat(spec.dynamicFields()).isTrue();
    assertThat(spec.field(IndexFields.CONTENT_HASH)).isPresent();
    IndexManifest m = index.manifest();
    assertThat(m.modelId()).isEqualTo("test/color-quadrants");
    assertThat(m.dimension()).isEqualTo(12);
    assertThat(m.recipeId()).isEqualTo(embedder.recipe().id());
    assertThat(m.idStrategy()).isEqualTo(IdStrategy.PATH);
    assertThat(m.sdkVersion()).isNotBlank().isNotEqualTo("unknown");
    index.close();
    // Reopening reads the same manifest back.
    ImageIndex reopened = open();
    assertThat(reopened.manifest()).isEqualTo(m);
    assertThat(reopened.count()).isZero();
  }

  @Test
  void refusesAnotherModelADifferentRecipeOrIdStrategyOnAnExistingIndex() {
    ImageIndex index = open();
    index.index(IndexSource.directory(gallery()).build());
    index.close();

    embedder = new ColorEmbedder("test/other-model", 16, MetricType.COSINE);
    assertThatThrownBy(this::open).isInstanceOf(SchemaException.class)
        .hasMessageContaining("model 'test/color-quadrants'").hasMessageContaining("test/other-model")
        .hasMessageContaining("ImageIndex.drop");
    embedder = new ColorEmbedder("test/color-quadrants", 20, MetricType.COSINE);
    assertThatThrownBy(this::open).isInstanceOf(SchemaException.class).hasMessageContaining("preprocessing");
    embedder = new ColorEmbedder("test/color-quadrants", 16, MetricType.L2);
    assertThatThrownBy(this::open).isInstanceOf(SchemaException.class).hasMessageContaining("L2");
    embedder = new ColorEmbedder();
    assertThatThrownBy(() -> open(b -> b.idStrategy(IdStrategy.CONTENT))).isInstanceOf(SchemaException.class)
        .hasMessageContaining("id strategy");
    // Nothing was mixed in, and the right model still opens it.
    assertThat(open().count()).isEqualTo(GALLERY_SIZE);

    assertThat(ImageIndex.drop(store, collection)).isTrue();
    embedder = new ColorEmbedder("test/other-model", 16, MetricType.COSINE);
    assertThat(open().manifest().modelId()).isEqualTo("test/other-model");
  }

  @Test
  void refusesACollectionThatIsNotAnImageIndex() {
    store.createCollection(CollectionSpec.builder(collection).primaryKey(FieldSpec.varchar("pk", 64))
        .field(FieldSpec.vector("embeddings", 12, MetricType.COSINE)).build());
    assertThatThrownBy(this::open).isInstanceOf(SchemaException.class)
        .hasMessageContaining("not an image index").hasMessageContaining("path");
  }

  @Test
  void refusesAnImageIndexLayoutWithRowsButNoManifest() {
    store.createCollection(ImageIndex.spec(collection, embedder, IndexSpec.flat()));
    store.upsert(collection, List.of(Row.builder().put(IndexFields.ID, "x").put(IndexFields.PATH, "/x.png")
        .put(IndexFields.SOURCE, "s").put(IndexFields.FILE_SIZE, 1L).put(IndexFields.MODIFIED, 1L)
        .put(IndexFields.CONTENT_HASH, "00").put(IndexFields.VECTOR, new float[12]).build()));
    assertThatThrownBy(this::open).isInstanceOf(SchemaException.class).hasMessageContaining("no index manifest");
    store.delete(collection, List.of("x"));
    // Empty: adopted, and the manifest recorded.
    assertThat(open().manifest().modelId()).isEqualTo(embedder.modelId());
  }

  // ------------------------------------------------------------------------------------------ model identity

  private static final String LEGACY_SIDECAR = "imgsearch_manifests";

  @Test
  void theManifestLivesWithTheCollectionAndNoSidecarIsListed() {
    embedder.withFingerprint("aa", "directory /models/color");
    ImageIndex index = open();
    String json = store.collectionProperties(collection).get("imgsearch.manifest");
    assertThat(json).contains("sha256:aa").contains("directory /models/color").contains("test/color-quadrants");
    assertThat(index.manifest().fingerprint()).startsWith("sha256:aa");
    assertThat(index.manifest().origin()).isEqualTo("directory /models/color");
    assertThat(store.listCollections()).contains(collection).doesNotContain(LEGACY_SIDECAR);
    assertThat(ImageIndex.drop(store, collection)).isTrue();
    assertThat(store.listCollections()).doesNotContain(collection, LEGACY_SIDECAR);
  }

  @Test
  void aOneWeightChangeIsRefusedAndTheSameWeightsFromAnywhereAreAccepted() {
    embedder.withFingerprint("aa", "directory /models/clip");
    open().index(IndexSource.directory(gallery()).build());

    // The same name, one weight changed: another fingerprint.
    embedder = new ColorEmbedder().withFingerprint("ab", "directory /copies/clip");
    assertThatThrownBy(this::open).isInstanceOf(SchemaException.class)
        .hasMessageContaining("built by another model").hasMessageContaining("directory /models/clip")
        .hasMessageContaining("directory /copies/clip").hasMessageContaining("sha256:aa")
        .hasMessageContaining("ImageIndex.drop");
    assertThatThrownBy(() -> open(b -> b.adopt())).as("adopt() never overrides a fingerprint")
        .isInstanceOf(SchemaException.class).hasMessageContaining("built by another model");

    // The same weights from a hub cache under another model id: the same model.
    embedder = new ColorEmbedder("Xenova/color", 16, MetricType.COSINE).withFingerprint("aa", "hub Xenova/color@0123");
    ImageIndex same = open();
    assertThat(same.count()).isEqualTo(GALLERY_SIZE);
    assertThat(same.manifest().origin()).isEqualTo("directory /models/clip");
    assertThat(same.index(IndexSource.directory(dir.resolve("gallery")).build()).unchanged()).isEqualTo(GALLERY_SIZE);

    // Another model with other vectors (a ResNet on a CLIP index) is another model, not "not an image index".
    embedder = new ColorEmbedder("resnet50", 16, MetricType.L2).withFingerprint("bb", "directory /models/resnet50");
    assertThatThrownBy(this::open).isInstanceOf(SchemaException.class).hasMessageContaining("built by another model")
        .hasMessageContaining("resnet50").hasMessageNotContaining("not an image index");
    assertThat(store.count(collection)).isEqualTo(GALLERY_SIZE);
  }

  /** Writes what version 0.1 left: the collection, and its manifest as a row of the sidecar collection. */
  private void legacyIndex(String modelId) {
    store.createCollection(ImageIndex.spec(collection, embedder, IndexSpec.flat()));
    store.upsert(collection, List.of(Row.builder().put(IndexFields.ID, "x").put(IndexFields.PATH, "/x.png")
        .put(IndexFields.SOURCE, "s").put(IndexFields.FILE_SIZE, 1L).put(IndexFields.MODIFIED, 1L)
        .put(IndexFields.CONTENT_HASH, "00").put(IndexFields.VECTOR, new float[12]).build()));
    store.createCollection(CollectionSpec.builder(LEGACY_SIDECAR)
        .description("Index manifests of imgsearch ImageIndex collections (model, dimension, preprocessing).")
        .primaryKey(FieldSpec.varchar("collection", 255))
        .field(FieldSpec.varchar("manifest", 8192))
        .field(FieldSpec.vector("placeholder", 2, MetricType.L2))
        .build());
    String json = "{\"formatVersion\":1,\"collection\":\"" + collection + "\",\"modelId\":\"" + modelId
        + "\",\"dimension\":12,\"metric\":\"COSINE\",\"recipeId\":\"" + embedder.recipe().id()
        + "\",\"idStrategy\":\"PATH\",\"sdkVersion\":\"0.1.0\",\"createdAt\":\"2026-01-01T00:00:00Z\"}";
    store.upsert(LEGACY_SIDECAR, List.of(Row.builder().put("collection", collection).put("manifest", json)
        .put("placeholder", new float[] {0f, 0f}).build()));
  }

  /** Runs {@code body} with standard error (where the SLF4J simple logger of the tests writes) captured. */
  private static <T> T withStandardError(String[] captured, java.util.function.Supplier<T> body) {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      return body.get();
    } finally {
      System.setErr(original);
      captured[0] = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
      System.err.print(captured[0]);
    }
  }

  @Test
  void aManifestOfTheOldSidecarIsMovedIntoItsCollectionAndUpgradedOnce() {
    try {
      legacyIndex("test/color-quadrants");
      embedder.withFingerprint("cc", "directory /models/color");
      String[] log = new String[1];
      ImageIndex index = withStandardError(log, this::open);
      assertThat(log[0]).as("a warning, once").contains("WARN").contains("without a content fingerprint")
          .contains(collection).contains("directory /models/color");
      assertThat(index.manifest().fingerprint()).startsWith("sha256:cc");
      assertThat(index.manifest().sdkVersion()).isEqualTo("0.1.0");
      assertThat(index.count()).isEqualTo(1);
      assertThat(store.collectionProperties(collection).get("imgsearch.manifest")).contains("sha256:cc");
      assertThat(store.hasCollection(LEGACY_SIDECAR)).as("the empty sidecar is dropped").isFalse();
      assertThat(store.listCollections()).doesNotContain(LEGACY_SIDECAR);
      withStandardError(log, this::open);
      assertThat(log[0]).as("no warning on the next open").doesNotContain("without a content fingerprint");
      // Upgraded once: from now on other weights under the same name are refused.
      embedder = new ColorEmbedder().withFingerprint("cd", "directory /models/color-changed");
      assertThatThrownBy(this::open).isInstanceOf(SchemaException.class).hasMessageContaining("built by another model");
    } finally {
      store.dropCollection(LEGACY_SIDECAR);
    }
  }

  @Test
  void anOldManifestOfAnotherModelIdIsRefusedUnlessAdopted() {
    try {
      legacyIndex("clip");
      embedder = new ColorEmbedder("Xenova/clip-vit-base-patch32", 16, MetricType.COSINE)
          .withFingerprint("dd", "hub Xenova/clip-vit-base-patch32@0123");
      assertThatThrownBy(this::open).isInstanceOf(SchemaException.class).hasMessageContaining("'clip'")
          .hasMessageContaining("recorded before fingerprints").hasMessageContaining("adopt()");
      assertThat(open(b -> b.adopt()).manifest().fingerprint()).startsWith("sha256:dd");
      assertThat(open().manifest().origin()).isEqualTo("hub Xenova/clip-vit-base-patch32@0123");
    } finally {
      store.dropCollection(LEGACY_SIDECAR);
    }
  }

  // ------------------------------------------------------------------------------------------ schemas

  @Test
  void writesAndReRunsACollectionInPymilvusQuickSetupShape() {
    Path g = gallery();
    ImageIndex index = open(b -> b.idStrategy(IdStrategy.AUTO).schema(IndexSchema.milvusQuickSetup("filepath")));
    CollectionSpec spec = store.describeCollection(collection);
    assertThat(spec.primaryKey()).isEqualTo(FieldSpec.scalar("id", dev.imgsearch.core.store.FieldType.INT64));
    assertThat(spec.autoId()).isTrue();
    assertThat(spec.dynamicFields()).isTrue();
    assertThat(spec.fields()).extracting(FieldSpec::name).containsExactly("id", "vector");

    assertThat(index.index(IndexSource.directory(g).build()).indexed()).isEqualTo(GALLERY_SIZE);
    ImageHit red = index.search(Query.text("red").topK(1).build()).get(0);
    assertThat(red.path()).isEqualTo(FileIds.absolute(g.resolve("red.png")));
    Row stored = store.get(collection, List.of(Long.parseLong(red.id())), List.of("*")).get(0);
    assertThat(stored.get("filepath")).isEqualTo(red.path());
    assertThat(stored.get(IndexFields.CONTENT_HASH)).isNotNull();

    IndexReport again = index.index(IndexSource.directory(g).build());
    assertThat(again.unchanged()).isEqualTo(GALLERY_SIZE);
    assertThat(again.indexed()).isZero();
    shift(TestFiles.solid(g.resolve("red.png"), Color.BLUE), 10);
    IndexReport changed = index.index(IndexSource.directory(g).build());
    assertThat(changed.indexed()).isEqualTo(1);
    assertThat(changed.removed()).isEqualTo(1);
    assertThat(index.count()).isEqualTo(GALLERY_SIZE);
    assertThat(store.get(collection, List.of(Long.parseLong(red.id())), List.of())).as("the old row").isEmpty();
    index.close();

    // Reopened without options: the recorded id strategy and field names.
    ImageIndex reopened = open();
    assertThat(reopened.idStrategy()).isEqualTo(IdStrategy.AUTO);
    assertThat(reopened.schema().pathField()).isEqualTo("filepath");
    assertThat(reopened.search(Query.text("blue").topK(2).build())).extracting(ImageHit::path)
        .contains(FileIds.absolute(g.resolve("red.png")));
  }

  @Test
  void adoptsACollectionMadeLikeThePaintingsTutorialAndSearchesItByTextAndImage() {
    Path g = gallery();
    // As the tutorial's pymilvus ORM code makes it: INT64 id with auto id, filepath VARCHAR(200), image_embedding.
    store.createCollection(CollectionSpec.builder(collection)
        .primaryKey(FieldSpec.scalar("id", dev.imgsearch.core.store.FieldType.INT64)).autoId(true)
        .field(FieldSpec.varchar("filepath", 200))
        .field(FieldSpec.vector("image_embedding", 12, MetricType.COSINE, IndexSpec.flat()))
        .build());
    List<Row> rows = new ArrayList<>();
    for (String name : List.of("red.png", "green.png", "blue.bmp")) {
      rows.add(Row.builder().put("filepath", FileIds.absolute(g.resolve(name)))
          .put("image_embedding", embedder.embedImage(ImageInput.of(g.resolve(name)))).build());
    }
    store.insert(collection, rows);
    IndexSchema paintings = IndexSchema.builder().pathField("filepath", 200).vectorField("image_embedding")
        .bookkeeping(false).dynamicFields(false).build();

    assertThatThrownBy(this::open).isInstanceOf(SchemaException.class).hasMessageContaining("not an image index")
        .hasMessageContaining("'path'").hasMessageContaining("schema(");
    assertThatThrownBy(() -> open(b -> b.schema(paintings))).isInstanceOf(SchemaException.class)
        .hasMessageContaining("no index manifest").hasMessageContaining("adopt()");
    assertThat(store.collectionProperties(collection)).isEmpty();

    ImageIndex index = open(b -> b.schema(paintings).adopt());
    assertThat(index.idStrategy()).isEqualTo(IdStrategy.AUTO);
    assertThat(index.manifest().adopted()).isTrue();
    assertThat(index.schema().bookkeeping()).isFalse();
    assertThat(index.search(Query.text("green").topK(1).build()).get(0).path())
        .isEqualTo(FileIds.absolute(g.resolve("green.png")));
    assertThat(index.search(Query.image(g.resolve("blue.bmp")).topK(3).build())).extracting(ImageHit::path)
        .first().isEqualTo(FileIds.absolute(g.resolve("blue.bmp")));

    // Incremental by path: the three rows are kept, the other images are added, without bookkeeping.
    IndexReport r = index.index(IndexSource.directory(g).build());
    assertThat(r.unchanged()).isEqualTo(3);
    assertThat(r.indexed()).isEqualTo(GALLERY_SIZE - 3);
    assertThat(store.describeCollection(collection).fields()).extracting(FieldSpec::name)
        .containsExactly("id", "filepath", "image_embedding");
    assertThat(index.index(IndexSource.directory(g).build()).unchanged()).isEqualTo(GALLERY_SIZE);
    assertThatThrownBy(() -> index.index(IndexSource.directory(g).sync(true).build()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("sync");
    index.close();

    // Adopted once: another model is refused from now on.
    embedder = new ColorEmbedder("other", 16, MetricType.COSINE).withFingerprint("ee", "directory /models/other");
    assertThatThrownBy(() -> open(b -> b.schema(paintings))).isInstanceOf(SchemaException.class)
        .hasMessageContaining("built by another model");
  }

  /**
   * The tutorials store the paths their glob gives, relative to the working directory ({@code ./images_folder/...});
   * indexing the same files into the adopted collection finds those rows instead of adding the files again.
   */
  @Test
  void adoptedRowsWithPathsRelativeToTheWorkingDirectoryAreFound() throws IOException {
    Path cwd = Path.of("").toAbsolutePath();
    Path folder = Files.createDirectories(cwd.resolve("target").resolve("adopt-" + collection));
    try {
      TestFiles.solid(folder.resolve("red.png"), Color.RED);
      TestFiles.solid(folder.resolve("green.png"), Color.GREEN);
      store.createCollection(CollectionSpec.builder(collection)
          .primaryKey(FieldSpec.scalar("id", dev.imgsearch.core.store.FieldType.INT64)).autoId(true)
          .field(FieldSpec.vector("vector", 12, MetricType.COSINE, IndexSpec.flat())).dynamicFields(true).build());
      String relative = "./" + cwd.relativize(folder.resolve("red.png")).toString().replace('\\', '/');
      store.insert(collection, List.of(Row.builder().put("filepath", relative)
          .put("vector", embedder.embedImage(ImageInput.of(folder.resolve("red.png")))).build()));

      ImageIndex index = open(b -> b.schema(IndexSchema.milvusQuickSetup("filepath")).adopt());
      IndexReport r = index.index(IndexSource.directory(folder).build());
      assertThat(r.unchanged()).isEqualTo(1);
      assertThat(r.indexed()).isEqualTo(1);
      assertThat(index.count()).isEqualTo(2);
      assertThat(index.search(Query.text("red").topK(1).build()).get(0).path()).isEqualTo(relative);
    } finally {
      try (var files = Files.walk(folder)) {
        for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(f);
        }
      }
    }
  }

  // ------------------------------------------------------------------------------------------ indexing

  @Test
  void indexesADirectoryRecursivelyWithPathIdsAndFileAttributes() throws IOException {
    Path g = gallery();
    ImageIndex index = open();
    IndexReport report = index.index(IndexSource.directory(g).build());
    assertThat(report.indexed()).isEqualTo(GALLERY_SIZE);
    assertThat(report.failures()).isEmpty();
    assertThat(report.unchanged()).isZero();
    assertThat(report.imagesPerSecond()).isPositive();
    assertThat(index.count()).isEqualTo(GALLERY_SIZE);

    Row r = row("sub/deeper/black.png");
    Path file = g.resolve("sub/deeper/black.png");
    assertThat(r.get(IndexFields.PATH)).isEqualTo(file.toAbsolutePath().normalize().toString());
    assertThat(r.get(IndexFields.SOURCE)).isEqualTo(g.toAbsolutePath().normalize().toString());
    assertThat(((Number) r.get(IndexFields.FILE_SIZE)).longValue()).isEqualTo(Files.size(file));
    assertThat(((Number) r.get(IndexFields.MODIFIED)).longValue())
        .isEqualTo(Files.getLastModifiedTime(file).toMillis());
    assertThat(r.get(IndexFields.CONTENT_HASH)).isEqualTo(IndexRun.sha256(Files.readAllBytes(file)));
    // The stored vector is the embedder's vector of the file.
    float[] stored = store.get(collection, List.of("sub/deeper/black.png"), List.of(IndexFields.VECTOR)).get(0)
        .vector(IndexFields.VECTOR);
    assertThat(stored).containsExactly(new ColorEmbedder().embedImage(ImageInput.of(file)), within(1e-6f));
    // Inference ran in batches of at most 4.
    assertThat(embedder.batchSizes()).allMatch(n -> n <= 4).anyMatch(n -> n > 1);
  }

  @Test
  void indexingTwiceLeavesOneRowPerImageAndDecodesNothingTheSecondTime() {
    Path g = gallery();
    ImageIndex index = open();
    index.index(IndexSource.directory(g).build());
    long embeddedAfterFirst = embedder.embedded();

    IndexReport second = index.index(IndexSource.directory(g).build());
    assertThat(second.indexed()).isZero();
    assertThat(second.unchanged()).isEqualTo(GALLERY_SIZE);
    assertThat(embedder.embedded()).isEqualTo(embeddedAfterFirst);
    assertThat(index.count()).isEqualTo(GALLERY_SIZE);
  }

  @Test
  void unchangedFilesAreSkippedWithoutBeingRead() {
    Path g = gallery();
    ImageIndex index = open();
    index.index(IndexSource.directory(g).build());
    // Same size and modification time, but garbage inside: a run that decoded it would fail.
    Path red = g.resolve("red.png");
    FileTime mtime = TestFiles.modified(red);
    long size = red.toFile().length();
    TestFiles.bytes(red, new byte[(int) size]);
    TestFiles.setModified(red, mtime);

    IndexReport again = index.index(IndexSource.directory(g).build());
    assertThat(again.failures()).isEmpty();
    assertThat(again.unchanged()).isEqualTo(GALLERY_SIZE);
  }

  @Test
  void changedFilesAreReembeddedAndTouchedFilesAreNot() {
    Path g = gallery();
    ImageIndex index = open();
    index.index(IndexSource.directory(g).build());
    long before = embedder.embedded();

    // red.png becomes blue (new bytes, new time); green.png is touched only (same bytes, new time).
    shift(TestFiles.solid(g.resolve("red.png"), Color.BLUE), 10);
    shift(g.resolve("green.png"), 10);
    IndexReport r = index.index(IndexSource.directory(g).build());
    assertThat(r.indexed()).isEqualTo(1);
    assertThat(r.moved()).isEqualTo(1);
    assertThat(r.unchanged()).isEqualTo(GALLERY_SIZE - 2);
    assertThat(embedder.embedded()).isEqualTo(before + 1);
    assertThat(index.count()).isEqualTo(GALLERY_SIZE);

    // The new content is what is found, and the touched file's new time is stored.
    List<ImageHit> blue = index.search(Query.text("blue").topK(2).build());
    assertThat(ids(blue)).containsExactlyInAnyOrder("red.png", "blue.bmp");
    assertThat(((Number) row("green.png").get(IndexFields.MODIFIED)).longValue())
        .isEqualTo(TestFiles.modified(g.resolve("green.png")).toMillis());
    assertThat(index.index(IndexSource.directory(g).build()).unchanged()).isEqualTo(GALLERY_SIZE);
  }

  @Test
  void syncRemovesRowsOfDeletedFilesOnlyWhenAskedAndOnlyOfThatSource() throws IOException {
    Path g = gallery();
    Path other = dir.resolve("other");
    TestFiles.solid(other.resolve("pink.png"), Color.PINK);
    ImageIndex index = open();
    index.index(IndexSource.directory(g).build());
    index.index(IndexSource.directory(other).idPrefix("other/").build());
    assertThat(index.count()).isEqualTo(GALLERY_SIZE + 1);

    Files.delete(g.resolve("red.png"));
    Files.delete(g.resolve("sub/deeper/black.png"));
    IndexReport noSync = index.index(IndexSource.directory(g).build());
    assertThat(noSync.removed()).isZero();
    assertThat(index.count()).isEqualTo(GALLERY_SIZE + 1);

    IndexReport sync = index.index(IndexSource.directory(g).sync(true).build());
    assertThat(sync.removed()).isEqualTo(2);
    assertThat(sync.unchanged()).isEqualTo(GALLERY_SIZE - 2);
    assertThat(index.count()).isEqualTo(GALLERY_SIZE - 1);
    assertThat(store.get(collection, List.of("red.png", "sub/deeper/black.png", "other/pink.png"), List.of()))
        .extracting(row -> row.get(IndexFields.ID)).containsExactly("other/pink.png");
  }

  @Test
  void syncRemovesFilesThatAreNoLongerIncludedButKeepsRowsOfFilesThatFail() {
    Path g = gallery();
    ImageIndex index = open();
    index.index(IndexSource.directory(g).build());
    // green.png is now corrupt: it fails, and its stored row must survive a sync.
    shift(TestFiles.corruptPng(g.resolve("green.png")), 10);
    IndexReport r = index.index(IndexSource.directory(g).exclude("mixed").sync(true).build());
    assertThat(r.failures()).extracting(IndexFailure::item).containsExactly(abs(g.resolve("green.png")));
    assertThat(r.removed()).isEqualTo(2); // the two images under mixed/
    assertThat(index.count()).isEqualTo(GALLERY_SIZE - 2);
    assertThat(row("green.png").get(IndexFields.PATH)).isEqualTo(abs(g.resolve("green.png")));
  }

  private static String abs(Path p) {
    return p.toAbsolutePath().normalize().toString();
  }

  @Test
  void syncPagesThroughMoreRowsThanOneQueryReturns() {
    byte[] png = TestFiles.encode(ColorEmbedder.solid(Color.CYAN, 4, 4), "png");
    List<ImageRecord> records = new ArrayList<>();
    for (int i = 0; i < 2_100; i++) {
      records.add(ImageRecord.of(String.format("r%04d", i), png));
    }
    ImageIndex index = open(b -> b.batchSize(64).upsertBatchSize(500));
    index.index(IndexSource.records(records).build());
    assertThat(index.count()).isEqualTo(2_100);
    // Keep every third record: the sync must find the others across three pages of 1,024 rows.
    List<ImageRecord> kept = new ArrayList<>();
    for (int i = 0; i < records.size(); i += 3) {
      kept.add(records.get(i));
    }
    IndexReport r = index.index(IndexSource.records(kept).sync(true).build());
    assertThat(r.unchanged()).isEqualTo(700);
    assertThat(r.removed()).isEqualTo(1_400);
    assertThat(index.count()).isEqualTo(700);
    assertThat(store.get(collection, List.of("r0000", "r0001", "r2097", "r2098", "r2099"), List.of()))
        .extracting(row -> row.get(IndexFields.ID)).containsExactly("r0000", "r2097");
  }

  @Test
  void choosesFilesByExtensionIncludeAndExcludeGlobs() {
    Path g = gallery();
    TestFiles.bytes(g.resolve("notes.txt"), "not an image".getBytes());
    TestFiles.solid(g.resolve("thumbs/red-small.png"), Color.RED);
    TestFiles.solid(g.resolve("UPPER.PNG"), Color.RED);
    ImageIndex index = open();

    IndexReport all = index.index(IndexSource.directory(g).exclude("thumbs").build());
    assertThat(all.indexed()).isEqualTo(GALLERY_SIZE + 1); // UPPER.PNG counts, notes.txt and thumbs/ do not
    assertThat(all.failures()).isEmpty();
    assertThat(store.get(collection, List.of("thumbs/red-small.png"), List.of())).isEmpty();

    ImageIndex.drop(store, collection);
    index = open();
    IndexReport pngInSub = index.index(IndexSource.directory(g).include("sub/**").extensions("png").build());
    assertThat(pngInSub.indexed()).isEqualTo(2); // sub/yellow.png, sub/deeper/black.png; not sub/white.gif
    ImageIndex.drop(store, collection);
    index = open();
    IndexReport rootLevel = index.index(IndexSource.directory(g).include("**/*.bmp").build());
    assertThat(rootLevel.indexed()).isEqualTo(1); // blue.bmp at the root matches **/*.bmp
  }

  @Test
  void followsSymbolicLinksWithoutLooping() throws IOException {
    Path g = gallery();
    Files.createSymbolicLink(g.resolve("sub/loop"), g); // a link to an ancestor
    Path outside = dir.resolve("outside");
    TestFiles.solid(outside.resolve("pink.png"), Color.PINK);
    Files.createSymbolicLink(g.resolve("linked"), outside);
    ImageIndex index = open();
    IndexReport r = index.index(IndexSource.directory(g).build());
    assertThat(r.indexed()).isEqualTo(GALLERY_SIZE + 1);
    assertThat(r.failures()).isEmpty();
    assertThat(row("linked/pink.png")).isNotNull();

    ImageIndex.drop(store, collection);
    index = open();
    assertThat(index.index(IndexSource.directory(g).followLinks(false).build()).indexed()).isEqualTo(GALLERY_SIZE);
  }

  @Test
  void reportsAndSkipsEveryKindOfBadFileWithoutLosingStoredRows() throws IOException {
    Path g = gallery();
    ImageIndex index = open(b -> b.decoder(ImageDecoder.withMaxPixels(10_000_000)));
    index.index(IndexSource.directory(g).build());

    Path bad = g.resolve("bad");
    TestFiles.zeroBytes(bad.resolve("empty.png"));
    TestFiles.corruptPng(bad.resolve("corrupt.png"));
    TestFiles.truncatedJpeg(bad.resolve("truncated.jpg"));
    TestFiles.bombPng(bad.resolve("bomb.png"));
    TestFiles.notAnImage(bad.resolve("drawing.png"));
    TestFiles.brokenLink(bad.resolve("gone.jpg"));
    // An indexed image that turns corrupt keeps its row.
    shift(TestFiles.truncatedJpeg(g.resolve("red.png")), 10);
    List<IndexFailure> heard = new CopyOnWriteArrayList<>();
    IndexReport r = index.index(IndexSource.directory(g).sync(true).build(), new IndexListener() {
      @Override
      public void onFailure(IndexFailure failure) {
        heard.add(failure);
      }
    });

    Map<String, IndexFailure.Cause> causes = r.failures().stream()
        .collect(Collectors.toMap(f -> Path.of(f.item()).getFileName().toString(), IndexFailure::cause));
    assertThat(causes).containsExactlyInAnyOrderEntriesOf(Map.of(
        "empty.png", IndexFailure.Cause.EMPTY,
        "corrupt.png", IndexFailure.Cause.CORRUPT,
        "truncated.jpg", IndexFailure.Cause.TRUNCATED,
        "bomb.png", IndexFailure.Cause.TOO_LARGE,
        "drawing.png", IndexFailure.Cause.UNSUPPORTED_FORMAT,
        "gone.jpg", IndexFailure.Cause.UNREADABLE,
        "red.png", IndexFailure.Cause.TRUNCATED));
    assertThat(r.failures()).allSatisfy(f -> assertThat(f.message()).isNotBlank());
    assertThat(heard).containsExactlyInAnyOrderElementsOf(r.failures());
    assertThat(r.unchanged()).isEqualTo(GALLERY_SIZE - 1);
    assertThat(r.removed()).isZero();
    assertThat(index.count()).isEqualTo(GALLERY_SIZE);
    assertThat(row("red.png")).isNotNull();
  }

  @Test
  void reportsImagesWhoseVectorsTheStoreRefusesAndWritesTheRest() {
    Path g = gallery();
    float[] red = embedder.embedText("red");
    float[] blue = embedder.embedText("blue");
    // A model that goes wrong on two images: red gets 11 values instead of 12, blue a NaN.
    embedder.changeImageVectors(v -> {
      if (MetricType.COSINE.score(v, red) > 0.9999) {
        return java.util.Arrays.copyOf(v, 11);
      }
      if (MetricType.COSINE.score(v, blue) > 0.9999) {
        float[] nan = v.clone();
        nan[4] = Float.NaN;
        return nan;
      }
      return v;
    });
    ImageIndex index = open();
    IndexReport r = index.index(IndexSource.directory(g).build());

    // The store checks the vectors: each refused one is reported as its image's failure, with the store's reason.
    assertThat(r.failures()).extracting(IndexFailure::item, IndexFailure::cause).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple(abs(g.resolve("red.png")), IndexFailure.Cause.INVALID_VECTOR),
        org.assertj.core.groups.Tuple.tuple(abs(g.resolve("blue.bmp")), IndexFailure.Cause.INVALID_VECTOR));
    Map<String, String> messages = r.failures().stream()
        .collect(Collectors.toMap(f -> Path.of(f.item()).getFileName().toString(), IndexFailure::message));
    assertThat(messages.get("red.png")).contains("12").contains("11").doesNotContain("Row ");
    assertThat(messages.get("blue.bmp")).contains("NaN").doesNotContain("Row ");
    assertThat(r.indexed()).isEqualTo(GALLERY_SIZE - 2);
    assertThat(index.count()).isEqualTo(GALLERY_SIZE - 2);
    assertThat(store.get(collection, List.of("red.png", "blue.bmp"), List.of("*"))).isEmpty();

    // Once the model is fixed, the next run indexes the two and skips the rest.
    embedder.changeImageVectors(v -> v);
    IndexReport second = index.index(IndexSource.directory(g).build());
    assertThat(second.indexed()).isEqualTo(2);
    assertThat(second.unchanged()).isEqualTo(GALLERY_SIZE - 2);
    assertThat(second.failures()).isEmpty();
  }

  @Test
  void reportsUnreadableFilesOfAPathListAndIndexesTheRest() {
    Path g = gallery();
    ImageIndex index = open();
    IndexReport r = index.index(IndexSource.paths(List.of(g.resolve("red.png"), g.resolve("missing.png"),
        g.resolve("sub/yellow.png"), g.resolve("sub"))).baseDirectory(g).build());
    assertThat(r.indexed()).isEqualTo(2);
    assertThat(r.failures()).extracting(IndexFailure::cause)
        .containsExactly(IndexFailure.Cause.UNREADABLE, IndexFailure.Cause.UNREADABLE);
    assertThat(row("sub/yellow.png").get(IndexFields.SOURCE)).isEqualTo(abs(g));
    // Without a base directory, ids are absolute paths.
    index.index(IndexSource.paths(List.of(g.resolve("green.png"))).build());
    assertThat(row(abs(g.resolve("green.png")))).isNotNull();
  }

  @Test
  void contentIdsKeepVectorsOfMovedFilesShareCopiesAndReplaceChangedFiles() throws IOException {
    Path g = gallery();
    ImageIndex index = open(b -> b.idStrategy(IdStrategy.CONTENT));
    index.index(IndexSource.directory(g).build());
    assertThat(index.count()).isEqualTo(GALLERY_SIZE);
    String redId = IndexRun.sha256(Files.readAllBytes(g.resolve("red.png")));
    assertThat(row(redId).get(IndexFields.PATH)).isEqualTo(abs(g.resolve("red.png")));
    long embedded = embedder.embedded();

    // Moved: same id, new path, no embedding.
    Files.createDirectories(g.resolve("moved"));
    Files.move(g.resolve("red.png"), g.resolve("moved/red-renamed.png"));
    // A copy: shares the row of its original.
    Files.copy(g.resolve("green.png"), g.resolve("green-copy.png"));
    IndexReport r = index.index(IndexSource.directory(g).sync(true).build());
    assertThat(r.indexed()).isZero();
    assertThat(r.moved()).isEqualTo(1);
    assertThat(r.unchanged()).isEqualTo(GALLERY_SIZE);
    assertThat(r.removed()).isZero();
    assertThat(embedder.embedded()).isEqualTo(embedded);
    assertThat(index.count()).isEqualTo(GALLERY_SIZE);
    assertThat(row(redId).get(IndexFields.PATH)).isEqualTo(abs(g.resolve("moved/red-renamed.png")));

    // Changed in place: a new row for the new content, the old row goes.
    String blueId = IndexRun.sha256(Files.readAllBytes(g.resolve("blue.bmp")));
    shift(TestFiles.solid(g.resolve("blue.bmp"), Color.ORANGE), 10);
    IndexReport changed = index.index(IndexSource.directory(g).build());
    assertThat(changed.indexed()).isEqualTo(1);
    assertThat(changed.removed()).isEqualTo(1);
    assertThat(store.get(collection, List.of(blueId), List.of())).isEmpty();
    assertThat(index.count()).isEqualTo(GALLERY_SIZE);
    IndexReport third = index.index(IndexSource.directory(g).build());
    assertThat(third.indexed()).isZero();
    assertThat(third.unchanged()).isEqualTo(GALLERY_SIZE + 1); // the copy is up to date as a duplicate
  }

  @Test
  void indexesRecordsWithMetadataAndUpdatesMetadataWithoutReembedding() {
    byte[] red = TestFiles.encode(ColorEmbedder.solid(Color.RED, 16, 16), "png");
    byte[] blue = TestFiles.encode(ColorEmbedder.solid(Color.BLUE, 16, 16), "png");
    byte[] green = TestFiles.encode(ColorEmbedder.solid(Color.GREEN, 16, 16), "png");
    ImageIndex index = open();
    List<ImageRecord> records = List.of(
        ImageRecord.of("sku-1", red, Map.of("name", "red mug", "price", 12.5, "tags", List.of("kitchen"))),
        ImageRecord.of("sku-2", blue, Map.of("name", "blue mug", "price", 30)),
        ImageRecord.of("sku-3", green, Map.of("name", "green mug", "price", 8, "note", Map.of("k", "v"))),
        ImageRecord.of("sku-4", new byte[0], Map.of("name", "no image")),
        ImageRecord.of("sku-5", red, Map.of("path", "reserved!")));
    IndexReport r = index.index(IndexSource.records(records).key("catalogue").build());
    assertThat(r.indexed()).isEqualTo(3);
    assertThat(r.failures()).extracting(IndexFailure::item, IndexFailure::cause).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("sku-4", IndexFailure.Cause.EMPTY),
        org.assertj.core.groups.Tuple.tuple("sku-5", IndexFailure.Cause.INVALID_METADATA));
    Row sku1 = row("sku-1");
    assertThat(sku1.get("name")).isEqualTo("red mug");
    assertThat(((Number) sku1.get("price")).doubleValue()).isEqualTo(12.5);
    assertThat(sku1.get(IndexFields.PATH)).isEqualTo("");
    assertThat(sku1.get(IndexFields.SOURCE)).isEqualTo("catalogue");

    long embedded = embedder.embedded();
    IndexReport again = index.index(IndexSource.records(records.subList(0, 3)).key("catalogue").build());
    assertThat(again.unchanged()).isEqualTo(3);
    IndexReport newPrice = index.index(IndexSource.records(List.of(
        ImageRecord.of("sku-2", blue, Map.of("name", "blue mug", "price", 25)))).key("catalogue").build());
    assertThat(newPrice.moved()).isEqualTo(1);
    assertThat(embedder.embedded()).isEqualTo(embedded);
    assertThat(((Number) row("sku-2").get("price")).doubleValue()).isEqualTo(25.0);

    // Metadata filters search, and hits of records have no path.
    List<ImageHit> cheap = index.search(Query.text("blue").topK(3).filter(Filters.lt("price", 26))
        .outputFields("name", "price").build());
    assertThat(ids(cheap)).first().isEqualTo("sku-2");
    assertThat(cheap).allSatisfy(h -> assertThat(h.path()).isNull());
    assertThat(cheap.get(0).fields()).containsEntry("name", "blue mug").doesNotContainKey(IndexFields.CONTENT_HASH);

    // A sync of the source removes the records it no longer has.
    IndexReport sync = index.index(IndexSource.records(records.subList(0, 2)).key("catalogue").sync(true).build());
    assertThat(sync.removed()).isEqualTo(1);
    assertThat(index.count()).isEqualTo(2);
  }

  @Test
  void storesMetadataOfFilesFromAFunction() {
    Path g = gallery();
    ImageIndex index = open();
    index.index(IndexSource.directory(g).metadata(p -> Map.of("folder", p.getParent().getFileName().toString()))
        .build());
    List<ImageHit> inSub = index.search(Query.text("black").topK(10).filter(Filters.eq("folder", "deeper"))
        .outputFields("folder").build());
    assertThat(ids(inSub)).containsExactly("sub/deeper/black.png");
    assertThat(inSub.get(0).field("folder")).isEqualTo("deeper");
  }

  // ------------------------------------------------------------------------------------------ interrupted runs

  @Test
  void aRunStoppedByAFailingModelIsFinishedByRunningAgain() {
    Path g = manyImages(48);
    ImageIndex index = open();
    embedder.failAfter(20);
    assertThatThrownBy(() -> index.index(IndexSource.directory(g).build())).isInstanceOf(ModelException.class);
    long written = index.count();
    assertThat(written).isBetween(1L, 20L);

    embedder.failAfter(Long.MAX_VALUE);
    IndexReport second = index.index(IndexSource.directory(g).build());
    assertThat(second.indexed()).isEqualTo(48 - written);
    assertThat(second.unchanged()).isEqualTo(written);
    assertThat(index.count()).isEqualTo(48);
  }

  @Test
  void anInterruptedRunStopsAndIsFinishedByRunningAgain() throws Exception {
    Path g = manyImages(48);
    ImageIndex index = open();
    Thread caller = Thread.currentThread();
    embedder.beforeBatch(n -> {
      if (n >= 8) {
        caller.interrupt();
      }
    });
    assertThatThrownBy(() -> index.index(IndexSource.directory(g).build()))
        .isInstanceOf(ImageSearchException.class).hasMessageContaining("interrupted")
        .hasMessageContaining("run index() again");
    assertThat(Thread.interrupted()).as("the interrupt flag stays set").isTrue();
    long written = index.count();
    assertThat(written).isBetween(8L, 47L);

    embedder.beforeBatch(n -> { });
    IndexReport second = index.index(IndexSource.directory(g).build());
    assertThat(second.indexed()).isEqualTo(48 - written);
    assertThat(index.count()).isEqualTo(48);
  }

  /** Tiny images of 48 different colours. */
  protected Path manyImages(int n) {
    Path g = dir.resolve("many");
    for (int i = 0; i < n; i++) {
      TestFiles.quadrants(g.resolve(String.format("d%d/img-%03d.png", i % 3, i)),
          new Color(i * 5 % 256, 255 - i * 5 % 256, i * 11 % 256), Color.RED, Color.GREEN, new Color(i * 3));
    }
    return g;
  }

  @Test
  void reportsProgressWithTotalsRateAndEta() {
    Path g = manyImages(30);
    TestFiles.corruptPng(g.resolve("broken.png"));
    List<IndexProgress> events = new CopyOnWriteArrayList<>();
    ImageIndex index = open();
    embedder.beforeBatch(n -> sleep(30));
    IndexReport r = index.index(IndexSource.directory(g).build(), new IndexListener() {
      @Override
      public void onProgress(IndexProgress p) {
        events.add(p);
      }
    });
    assertThat(events).hasSizeGreaterThan(2);
    assertThat(events).allSatisfy(p -> assertThat(p.total()).isEqualTo(31));
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).done()).isGreaterThanOrEqualTo(events.get(i - 1).done());
    }
    IndexProgress last = events.get(events.size() - 1);
    assertThat(last.done()).isEqualTo(31);
    assertThat(last.indexed()).isEqualTo(30);
    assertThat(last.failed()).isEqualTo(1);
    assertThat(last.fraction()).isEqualTo(1.0);
    assertThat(last.rate()).isPositive();
    assertThat(events.stream().filter(p -> p.done() > 0 && p.done() < 31)).isNotEmpty()
        .allSatisfy(p -> assertThat(p.eta()).isPresent());
    assertThat(r.total()).isEqualTo(31);
    assertThat(r.elapsed()).isPositive();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------------------ search

  @Test
  void searchesByTextImageBytesDecodedImageAndVector() throws IOException {
    Path g = gallery();
    ImageIndex index = open();
    index.index(IndexSource.directory(g).build());

    List<ImageHit> red = index.search(Query.text("red").topK(3).build());
    assertThat(red).hasSize(3);
    assertThat(red.get(0).id()).isEqualTo("red.png");
    assertThat(red.get(0).path()).isEqualTo(abs(g.resolve("red.png")));
    assertThat(red.get(0).score()).isCloseTo(1f, within(1e-4f));
    assertThat(red.get(0).metric()).isEqualTo(MetricType.COSINE);
    assertThat(red).isSortedAccordingTo((a, b) -> Float.compare(b.score(), a.score()));
    assertThat(index.search(Query.text("红色").topK(1).build())).extracting(ImageHit::id).containsExactly("red.png");

    Path yellow = g.resolve("sub/yellow.png");
    assertThat(ids(index.search(Query.image(yellow).topK(1).build()))).containsExactly("sub/yellow.png");
    assertThat(ids(index.search(Query.image(Files.readAllBytes(yellow)).topK(1).build())))
        .containsExactly("sub/yellow.png");
    BufferedImage yellowPixels = ImageDecoder.standard().decode(ImageInput.of(yellow));
    assertThat(ids(index.search(Query.image(yellowPixels).topK(1).build()))).containsExactly("sub/yellow.png");
    float[] v = embedder.embedImage(ImageInput.of(yellow));
    List<ImageHit> byVector = index.search(Query.vector(v).topK(2).outputFields(IndexFields.FILE_SIZE).build());
    assertThat(byVector.get(0).id()).isEqualTo("sub/yellow.png");
    assertThat(((Number) byVector.get(0).field(IndexFields.FILE_SIZE)).longValue()).isEqualTo(Files.size(yellow));

    assertThat(index.search(Query.text("red").topK(50).build())).hasSize(GALLERY_SIZE);
    assertThat(ids(index.search(Query.text("red").topK(3).filter(Filters.startsWith(IndexFields.ID, "mixed/"))
        .build()))).containsExactly("mixed/red-green.png", "mixed/blue-yellow.png");
    assertThatThrownBy(() -> index.search(Query.vector(new float[3]).build()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("12");
  }

  @Test
  void searchByImageCanLeaveOutTheQueryImageAndItsCopies() throws IOException {
    Path g = gallery();
    Files.copy(g.resolve("green.png"), g.resolve("sub/green-copy.png"));
    ImageIndex index = open();
    index.index(IndexSource.directory(g).build());
    Path green = g.resolve("green.png");

    assertThat(ids(index.search(Query.image(green).topK(2).build()))).containsExactlyInAnyOrder("green.png",
        "sub/green-copy.png");
    List<ImageHit> others = index.search(Query.image(green).topK(3).excludeQueryImage(true).build());
    List<String> ranking = new ArrayList<>(ids(index.search(Query.image(green).topK(5).build())));
    ranking.removeAll(List.of("green.png", "sub/green-copy.png"));
    assertThat(ids(others)).isEqualTo(ranking);
    assertThat(ids(index.search(Query.image(Files.readAllBytes(green)).topK(3).excludeQueryImage(true).build())))
        .isEqualTo(ids(others));
    BufferedImage decoded = ImageDecoder.standard().decode(ImageInput.of(green));
    assertThat(ids(index.search(Query.image(decoded).topK(3).excludeQueryImage(true).build())))
        .isEqualTo(ids(others));
  }

  @Test
  void relevanceControlsUseTheMetricsDirection() {
    Path g = gallery();
    ImageIndex index = open();
    index.index(IndexSource.directory(g).build());
    List<ImageHit> all = index.search(Query.text("red").topK(GALLERY_SIZE).build());
    float second = all.get(1).score();
    float best = all.get(0).score();

    List<ImageHit> aboveSecond = index.search(Query.text("red").topK(10).threshold(second).build());
    assertThat(aboveSecond).allSatisfy(h -> assertThat(h.score()).isGreaterThanOrEqualTo(second));
    assertThat(aboveSecond.size()).isBetween(2, GALLERY_SIZE - 1);
    double r = 1 - (best - second) / Math.abs(best) / 2; // halfway between the best and the second
    assertThat(ids(index.search(Query.text("red").topK(10).relativeCutoff(r).build()))).containsExactly("red.png");
    assertThat(index.search(Query.text("red").topK(10).relativeCutoff(1.0).threshold(-1).build())).hasSize(1);

    // L2: smaller is better, so the threshold is a maximum distance and the cutoff a maximum ratio.
    ImageIndex.drop(store, collection);
    embedder = new ColorEmbedder("test/color-quadrants", 16, MetricType.L2);
    ImageIndex l2 = open();
    l2.index(IndexSource.directory(g).build());
    List<ImageHit> byDistance = l2.search(Query.text("green").topK(GALLERY_SIZE).build());
    assertThat(byDistance.get(0).id()).isEqualTo("green.png");
    assertThat(byDistance).isSortedAccordingTo((a, b) -> Float.compare(a.score(), b.score()));
    float d2 = byDistance.get(2).score();
    List<ImageHit> near = l2.search(Query.text("green").topK(10).threshold(d2).build());
    assertThat(near).hasSize(3).allSatisfy(h -> assertThat(h.score()).isLessThanOrEqualTo(d2));
    // An orange query has no exact match, so the best distance is above zero.
    float[] orange = embedder.embedImage(ImageInput.of(ColorEmbedder.solid(Color.ORANGE, 8, 8)));
    List<ImageHit> ranked = l2.search(Query.vector(orange).topK(GALLERY_SIZE).build());
    assertThat(ranked.get(0).score()).isPositive();
    List<String> expected = ranked.stream().filter(h -> h.score() <= ranked.get(0).score() / 0.7).map(ImageHit::id)
        .toList();
    List<ImageHit> closeToBest = l2.search(Query.vector(orange).topK(10).relativeCutoff(0.7).build());
    assertThat(ids(closeToBest)).isEqualTo(expected);
    assertThat(closeToBest.size()).isBetween(1, GALLERY_SIZE - 1);
  }

  @Test
  void classifiesZeroShotThroughTheIndex() {
    Path g = gallery();
    ImageIndex index = open();
    index.index(IndexSource.directory(g).build());
    List<String> labels = List.of("红色", "绿色", "蓝色", "黄色");
    List<LabelProbability> p = index.classify(ImageInput.of(g.resolve("sub/yellow.png")), labels, "一张{}的图片");
    assertThat(p).extracting(LabelProbability::label).containsExactlyElementsOf(labels);
    assertThat(p.stream().mapToDouble(LabelProbability::probability).sum()).isCloseTo(1.0, within(1e-9));
    assertThat(p.get(3).probability()).isGreaterThan(0.9);
    List<LabelProbability> stored = index.classifyIndexed("sub/yellow.png", labels, "{}");
    for (int i = 0; i < labels.size(); i++) {
      assertThat(stored.get(i).probability()).isCloseTo(p.get(i).probability(), within(1e-6));
    }
    assertThatThrownBy(() -> index.classify(ImageInput.of(g.resolve("red.png")), labels, "no placeholder"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("{}");
  }

  @Test
  void searchesGiveTheSameScoresAsTheMetricComputesExactly() {
    Path g = gallery();
    ImageIndex index = open();
    index.index(IndexSource.directory(g).build());
    float[] q = embedder.embedText("a blue thing");
    for (ImageHit h : index.search(Query.vector(q).topK(GALLERY_SIZE).build())) {
      float[] v = store.get(collection, List.of(h.id()), List.of(IndexFields.VECTOR)).get(0)
          .vector(IndexFields.VECTOR);
      assertThat((double) h.score()).isCloseTo(MetricType.COSINE.score(q, v), within(SCORE_TOLERANCE));
    }
  }

  @Test
  void isUnusableAfterClose() {
    ImageIndex index = open();
    index.close();
    index.close();
    assertThatThrownBy(() -> index.search(Query.text("red").build())).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> index.index(IndexSource.directory(gallery()).build()))
        .isInstanceOf(ClosedException.class);
  }
}
