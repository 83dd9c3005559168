package dev.imgsearch.examples;

import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.IdStrategy;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexSchema;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.pipeline.Query;
import dev.imgsearch.pipeline.render.ResultGrid;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.onnx.OnnxContrastiveEmbedder;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The "Text to Image Search with Milvus" tutorial: OpenAI CLIP ViT-B/32 embeds every image of {@code images_folder/train}
 * into the collection {@code image_collection} in the tutorial's own shape (pymilvus's quick setup: INT64 {@code id}
 * with auto id, {@code vector}, COSINE, the path in the dynamic field {@code filepath}), so the tutorial's Python
 * search code reads what this program wrote, and the other way round; then the text "a white dog" finds the top 10,
 * shown as a 5 x 2 grid of 150 px tiles.
 */
@Command(name = "TextImageSearch", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Text-to-image search with CLIP (walkthrough 003): index a folder, search it with a sentence, "
        + "save the top 10 as a 5 x 2 grid of 150 px tiles.",
        "Default model: " + Models.CLIP + "."})
public final class TextImageSearch extends ExampleCommand {
  static final String COLLECTION = "image_collection";
  /** The tutorial's dynamic field for the image's path. */
  static final String FILEPATH = "filepath";

  @Mixin ModelOptions model = new ModelOptions();
  @Mixin StoreOptions store = new StoreOptions();

  @Option(names = {"-q", "--query"}, paramLabel = "TEXT", defaultValue = "a white dog",
      description = "The text to search with (default: ${DEFAULT-VALUE}).")
  String query;

  @Option(names = "--top-k", paramLabel = "N", defaultValue = "10", description = "Hits to show (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = {"-o", "--output"}, paramLabel = "PNG", defaultValue = "text_image_search_result.png",
      description = "The result grid (default: ${DEFAULT-VALUE}).")
  Path output;

  public TextImageSearch() {
    this(System.getenv());
  }

  TextImageSearch(Map<String, String> environment) {
    super(environment);
  }

  public static void main(String[] args) {
    Cli.main(new TextImageSearch(), args);
  }

  @Override
  void run() {
    Path images = model.imagesOr(dir -> SampleData.scenes(dir.resolve("images_folder"), 4).resolve("train"));
    try (OnnxContrastiveEmbedder clip = new Models(environment()).clip(model.modelOr(Models.CLIP));
         VectorStore vectors = store.open()) {
      out().printf("Model: %s (%d-d, %s)%nStore: %s%n", clip.modelId(), clip.dimension(), clip.metric(),
          store.describe());
      // Drop the collection if it already exists, as the walkthrough does, then create it.
      ImageIndex.drop(vectors, COLLECTION);
      // The tutorial's create_collection(collection_name, dimension=512, auto_id=True, enable_dynamic_field=True),
      // with rows {"vector": ..., "filepath": ...}.
      try (ImageIndex index = ImageIndex.builder().embedder(clip).store(vectors).collection(COLLECTION)
          .idStrategy(IdStrategy.AUTO).schema(IndexSchema.milvusQuickSetup(FILEPATH)).build()) {
        IndexReport report;
        try (ProgressBarListener bar = new ProgressBarListener("Embedding", err())) {
          report = index.index(IndexSource.directory(images).build(), bar);
        }
        out().printf("Inserted %d images into %s.%n", report.indexed(), COLLECTION);
        Examples.printSkipped(out(), report);

        Query q = Query.text(query).topK(topK).build();
        List<ImageHit> hits = index.search(q);
        out().printf("Query text: %s%n%nSearch results:%n", query);
        for (int i = 0; i < hits.size(); i++) {
          ImageHit h = hits.get(i);
          out().printf(Locale.ROOT, "%2d. score %.4f  filepath %s%n", i + 1, h.score(), Examples.shown(h.path()));
        }
        ResultGrid.builder().tileSize(150).columns(5).showQuery(false).captions(false).gap(0).build()
            .write(q, hits, output);
        out().printf("Saved the results as %s (%d x %d tiles of 150 px).%n", output, Math.min(5, hits.size()),
            (hits.size() + 4) / 5);
      }
    }
  }
}
