package dev.imgsearch.examples;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.IdStrategy;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexSchema;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.pipeline.Query;
import dev.imgsearch.pipeline.render.ResultGrid;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.onnx.OnnxFeatureEmbedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The "Image Search with Milvus" tutorial: torchvision's ResNet50 without its last layer (2048-d) embeds
 * {@code paintings/**}/*.jpg} in batches of 128 with a progress bar into the collection {@code image_search}, with the
 * tutorial's schema ({@code id} INT64 with auto id, {@code filepath} VARCHAR(200), {@code image_embedding}; IVF_FLAT,
 * L2, nlist 16384; no other fields, so a re-run skips paths it holds), then each image of {@code test_paintings/**}/*.jpg} finds its
 * top 3 (nprobe 128), and {@code search_result.png} shows one row per test image: the image with the search time,
 * then its hits with their distances.
 */
@Command(name = "PaintingSearch", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Image search over paintings with ResNet50 (walkthrough 001): index paintings/**/*.jpg, search "
        + "with test_paintings/**/*.jpg, save the query and its top 3 per row as search_result.png.",
        "--model is required: an ONNX export of torchvision's ResNet50 without its classifier (see the README)."})
public final class PaintingSearch extends ExampleCommand {
  // The walkthrough's global parameters.
  static final String COLLECTION_NAME = "image_search";
  static final int BATCH_SIZE = 128;
  static final int NLIST = 16384;
  static final int NPROBE = 128;
  static final int TOP_K = 3;
  /** The tutorial's fields: FieldSchema('id', INT64, auto_id=True), 'filepath' VARCHAR(200), 'image_embedding'. */
  static final IndexSchema SCHEMA = IndexSchema.builder().idField("id").pathField("filepath", 200)
      .vectorField("image_embedding").bookkeeping(false).dynamicFields(false).build();

  @Mixin ModelOptions model = new ModelOptions();
  @Mixin StoreOptions store = new StoreOptions();

  @Option(names = "--top-k", paramLabel = "N", defaultValue = "3", description = "Hits per test image (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = {"-o", "--output"}, paramLabel = "PNG", defaultValue = "search_result.png",
      description = "The result picture (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(names = "--tile", paramLabel = "PX", defaultValue = "256", description = "Tile size in the picture (default: ${DEFAULT-VALUE}).")
  int tile;

  public PaintingSearch() {
    this(System.getenv());
  }

  PaintingSearch(Map<String, String> environment) {
    super(environment);
  }

  public static void main(String[] args) {
    Cli.main(new PaintingSearch(), args);
  }

  @Override
  void run() {
    Path root = model.imagesOr(dir -> SampleData.paintings(dir.resolve("paintings"), 5));
    Path paintings = root.resolve("paintings");
    Path tests = root.resolve("test_paintings");
    if (!Files.isDirectory(paintings) || !Files.isDirectory(tests)) {
      throw new InvalidInputException("--images " + root + " must hold the folders paintings/ and test_paintings/ "
          + "(as the impressionist dataset unpacks); it holds " + (Files.isDirectory(paintings) ? "" : "no paintings/ ")
          + (Files.isDirectory(tests) ? "" : "no test_paintings/") + ".");
    }
    try (OnnxFeatureEmbedder resnet = new Models(environment()).resnet50(model.model);
         VectorStore vectors = store.open()) {
      section("Global parameters");
      out().printf("COLLECTION_NAME = %s%nDIMENSION = %d%nMODEL = %s%nSTORE = %s%nBATCH_SIZE = %d%nTOP_K = %d%n",
          COLLECTION_NAME, resnet.dimension(), resnet.modelId(), store.describe(), BATCH_SIZE, topK);

      section("Set up the collection");
      boolean dropped = ImageIndex.drop(vectors, COLLECTION_NAME);
      out().printf("Dropped the previous collection %s: %s%n", COLLECTION_NAME, dropped);
      try (ImageIndex index = ImageIndex.builder().embedder(resnet).store(vectors).collection(COLLECTION_NAME)
          .idStrategy(IdStrategy.AUTO).schema(SCHEMA).vectorIndex(IndexSpec.ivfFlat(NLIST)).batchSize(BATCH_SIZE)
          .build()) {
        out().printf("Created %s: id (auto id), filepath, image_embedding (%d-d, %s, IVF_FLAT nlist %d)%n",
            COLLECTION_NAME, resnet.dimension(), resnet.metric(), NLIST);

        section("Insert the data");
        IndexReport report;
        try (ProgressBarListener bar = new ProgressBarListener("Embedding", err())) {
          report = index.index(IndexSource.directory(paintings).extensions("jpg").build(), bar);
        }
        out().printf("Inserted %d paintings (%s).%n", report.indexed(), report);
        Examples.printSkipped(out(), report);

        section("Search");
        List<Path> searchPaths = jpgs(tests);
        out().printf("%d test images%n", searchPaths.size());
        ResultGrid grid = ResultGrid.builder().tileSize(tile).columns(1 + topK).build();
        List<ResultGrid.Tile> tiles = new ArrayList<>();
        for (Path path : searchPaths) {
          Query q = Query.image(path).topK(topK).searchParam("nprobe", NPROBE).build();
          long start = System.nanoTime();
          List<ImageHit> hits = index.search(q);
          double seconds = (System.nanoTime() - start) / 1e9;
          out().printf(Locale.ROOT, "%n%s (search time: %.4f s)%n", root.relativize(path), seconds);
          Examples.printHits(out(), hits);
          List<ResultGrid.Tile> row = new ArrayList<>(grid.tiles(q, hits));
          row.set(0, new ResultGrid.Tile(row.get(0).image(), String.format(Locale.ROOT, "search time: %.4f s",
              seconds)));
          while (row.size() < 1 + topK) {
            row.add(new ResultGrid.Tile(null, "no hit"));
          }
          tiles.addAll(row);
        }
        if (!tiles.isEmpty()) {
          ResultGrid.writePng(grid.render(tiles), output);
          out().printf("%nSaved the results as %s (%d rows of 1 + %d tiles of %d px).%n", output, searchPaths.size(),
              topK, tile);
        }
      }
    }
  }

  private static List<Path> jpgs(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jpg")).sorted()
          .collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir + " (" + e.getMessage() + ").", e);
    }
  }
}
