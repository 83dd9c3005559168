package dev.imgsearch.examples;

import static dev.imgsearch.examples.ProgramRun.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.imgsearch.pipeline.IdStrategy;
import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexSchema;
import dev.imgsearch.pipeline.Query;
import dev.imgsearch.store.milvus.MilvusEndpoint;
import dev.imgsearch.store.milvus.MilvusServerExtension;
import dev.imgsearch.store.milvus.MilvusVectorStore;
import io.milvus.v2.common.ConsistencyLevel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collections shared with the Python tutorials, both ways, on one Milvus server (Milvus Lite started by
 * store-milvus's {@link MilvusServerExtension}, or {@code MILVUS_URI}), with pymilvus from the test virtual
 * environment ({@code milvus.python}, default {@code .venv/bin/python}).
 *
 * <p>Python to Java: the tutorial's own Milvus code (examples/src/test/python: "Text to Image Search with Milvus"
 * with pymilvus's quick setup, "Image Search with Milvus" with the ORM schema and IVF_FLAT L2) creates and fills the
 * collection with vectors of the tiny test models (onnxruntime) and searches it; {@link ImageIndex} adopts the same
 * collection and must find the same rows, in the same order, with the same distances, by text and by image.
 *
 * <p>Java to Python: the example programs ({@link TextImageSearch}, {@link PaintingSearch}) write their
 * collections, and the tutorial's own search code reads them without change, finding what {@link ImageIndex}
 * finds.
 */
@ExtendWith(MilvusServerExtension.class)
class PythonTutorialsIT {
  private static final Gson GSON = new Gson();
  private static final String TEXT = "a white dog";

  @TempDir Path work;
  private MilvusVectorStore store;

  @BeforeEach
  void open() {
    store = MilvusServerExtension.endpoint().storeBuilder().consistency(ConsistencyLevel.STRONG).build();
  }

  @AfterEach
  void close() {
    ImageIndex.drop(store, TextImageSearch.COLLECTION);
    ImageIndex.drop(store, PaintingSearch.COLLECTION_NAME);
    store.close();
  }

  /** Runs a tutorial script with the server's URI and returns what it printed, as JSON. */
  private static JsonObject python(String script, Path workdir, String... more) throws IOException, InterruptedException {
    MilvusEndpoint endpoint = MilvusServerExtension.endpoint();
    Path scripts = Path.of(System.getProperty("basedir", "."), "src", "test", "python").toAbsolutePath();
    List<String> command = new ArrayList<>(List.of(MilvusServerExtension.python().toString(),
        scripts.resolve(script).toString(), "--uri", endpoint.uri(), "--workdir", workdir.toString()));
    if (!endpoint.token().isEmpty()) {
      command.addAll(List.of("--token", endpoint.token()));
    }
    command.addAll(List.of(more));
    Path out = Files.createTempFile(workdir, "python", ".out");
    Path err = Files.createTempFile(workdir, "python", ".err");
    Process p = new ProcessBuilder(command).directory(scripts.toFile()).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("%s finished", script).isTrue();
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("%s failed:%n%s%n%s", script, stdout, Files.readString(err)).isZero();
    String last = stdout.strip().lines().reduce((a, b) -> b).orElse("");
    return GSON.fromJson(last, JsonObject.class);
  }

  /** The filepaths of a hit list printed by a script. */
  private static List<String> paths(JsonArray hits) {
    List<String> out = new ArrayList<>();
    for (JsonElement h : hits) {
      out.add(h.getAsJsonObject().get("filepath").getAsString());
    }
    return out;
  }

  /** Java's hits equal Python's: the same rows (id and filepath) in the same order, the same distances. */
  private static void assertSameHits(List<ImageHit> java, JsonArray python) {
    assertThat(python.size()).isPositive();
    assertThat(java).extracting(ImageHit::path).containsExactlyElementsOf(paths(python));
    for (int i = 0; i < java.size(); i++) {
      JsonObject h = python.get(i).getAsJsonObject();
      assertThat(java.get(i).id()).isEqualTo(h.get("id").getAsString());
      assertThat((double) java.get(i).score()).as("distance of hit %d", i).isCloseTo(h.get("distance").getAsDouble(),
          within(1e-4 * Math.max(1, Math.abs(h.get("distance").getAsDouble()))));
    }
  }

  private static Path firstJpeg(Path dir, String extension) throws IOException {
    try (var files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(extension)).sorted().findFirst().orElseThrow();
    }
  }

  // ------------------------------------------------------------------------------------------ Python to Java

  @Test
  void imageIndexSearchesWhatTheTextToImageTutorialMadeAndFindsWhatItsSearchFinds() throws Exception {
    SampleData.scenes(work.resolve("images_folder"), 4);
    Path queryImage = firstJpeg(work.resolve("images_folder/train"), ".JPEG");
    JsonObject py = python("text_to_image_search_with_milvus.py", work, "--query-text", TEXT, "--query-image",
        queryImage.toString());
    assertThat(py.get("inserted").getAsInt()).isEqualTo(32);
    assertThat(store.describeCollection(TextImageSearch.COLLECTION).autoId()).isTrue();

    try (var clip = new Models(Map.of()).clip(model("clip").toString());
         ImageIndex index = ImageIndex.builder().embedder(clip).store(store).collection(TextImageSearch.COLLECTION)
             .schema(IndexSchema.milvusQuickSetup("filepath")).adopt().build()) {
      assertThat(index.idStrategy()).isEqualTo(IdStrategy.AUTO);
      List<ImageHit> byText = index.search(Query.text(TEXT).topK(10).build());
      assertThat(byText).hasSize(10);
      assertThat(byText.get(0).path()).startsWith("./images_folder/train/");
      assertSameHits(byText, py.getAsJsonArray("text"));
      assertSameHits(index.search(Query.image(queryImage).topK(10).build()), py.getAsJsonArray("image"));
    }
  }

  @Test
  void imageIndexSearchesWhatThePaintingsTutorialMadeAndFindsWhatItsSearchFinds() throws Exception {
    SampleData.paintings(work.resolve("paintings"), 5);
    JsonObject py = python("image_search_with_milvus.py", work);
    assertThat(py.get("inserted").getAsInt()).isEqualTo(20);
    JsonArray queries = py.getAsJsonArray("queries");
    assertThat(queries.size()).isEqualTo(2);

    try (var resnet = new Models(Map.of()).resnet50(model("resnet50").toString());
         ImageIndex index = ImageIndex.builder().embedder(resnet).store(store).collection(PaintingSearch.COLLECTION_NAME)
             .schema(PaintingSearch.SCHEMA).adopt().build()) {
      for (int i = 0; i < queries.size(); i++) {
        Path query = work.resolve(queries.get(i).getAsString());
        List<ImageHit> hits = index.search(Query.image(query).topK(PaintingSearch.TOP_K)
            .searchParam("nprobe", PaintingSearch.NPROBE).build());
        assertSameHits(hits, py.getAsJsonArray("image").get(i).getAsJsonArray());
      }
    }
  }

  // ------------------------------------------------------------------------------------------ Java to Python

  @Test
  void theTextToImageTutorialsSearchCodeReadsWhatTextImageSearchWrote() throws Exception {
    Path samples = work.resolve("samples");
    ProgramRun run = ProgramRun.of(new TextImageSearch(Map.of("HF_HUB_OFFLINE", "1")), "--uri",
        MilvusServerExtension.endpoint().uri(), "--samples-dir", samples.toString(), "--model", model("clip").toString(),
        "--output", work.resolve("grid.png").toString());
    assertThat(run.status()).as(run.err()).isZero();
    Path queryImage = firstJpeg(samples.resolve("images_folder/train"), ".JPEG");

    JsonObject py = python("text_to_image_search_with_milvus.py", work, "--search-only", "--query-text", TEXT,
        "--query-image", queryImage.toString());
    List<String> printed = ProgramRun.hits(run.out().lines().toList()).stream()
        .map(l -> ProgramRun.lastPath(l).toAbsolutePath().normalize().toString()).toList();
    assertThat(paths(py.getAsJsonArray("text"))).as("the tutorial's hit[\"entity\"][\"filepath\"]")
        .containsExactlyElementsOf(printed);
    try (var clip = new Models(Map.of()).clip(model("clip").toString());
         ImageIndex index = ImageIndex.builder().embedder(clip).store(store).collection(TextImageSearch.COLLECTION)
             .build()) {
      assertThat(index.schema().pathField()).isEqualTo("filepath");
      assertSameHits(index.search(Query.text(TEXT).topK(10).build()), py.getAsJsonArray("text"));
      assertSameHits(index.search(Query.image(queryImage).topK(10).build()), py.getAsJsonArray("image"));
    }
  }

  @Test
  void thePaintingsTutorialsSearchCodeReadsWhatPaintingSearchWrote() throws Exception {
    Path samples = work.resolve("paintings");
    ProgramRun run = ProgramRun.of(new PaintingSearch(Map.of("HF_HUB_OFFLINE", "1")), "--uri",
        MilvusServerExtension.endpoint().uri(), "--samples-dir", samples.toString(), "--model",
        model("resnet50").toString(), "--output", work.resolve("grid.png").toString());
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(store.describeCollection(PaintingSearch.COLLECTION_NAME).fields()).extracting(f -> f.name())
        .containsExactly("id", "filepath", "image_embedding");

    // The tutorial's search globs ./paintings/test_paintings/**/*.jpg from its working directory.
    JsonObject py = python("image_search_with_milvus.py", samples, "--search-only");
    JsonArray queries = py.getAsJsonArray("queries");
    assertThat(queries.size()).isEqualTo(2);
    try (var resnet = new Models(Map.of()).resnet50(model("resnet50").toString());
         ImageIndex index = ImageIndex.builder().embedder(resnet).store(store).collection(PaintingSearch.COLLECTION_NAME)
             .build()) {
      for (int i = 0; i < queries.size(); i++) {
        List<ImageHit> hits = index.search(Query.image(samples.resolve(queries.get(i).getAsString()))
            .topK(PaintingSearch.TOP_K).searchParam("nprobe", PaintingSearch.NPROBE).build());
        assertThat(hits).allSatisfy(h -> assertThat(Path.of(h.path())).isAbsolute().isRegularFile());
        assertSameHits(hits, py.getAsJsonArray("image").get(i).getAsJsonArray());
      }
    }
  }
}
