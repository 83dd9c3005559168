package dev.imgsearch.examples;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.onnx.OnnxFeatureEmbedder;
import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.pipeline.Query;
import dev.imgsearch.pipeline.render.ResultGrid;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Image-to-image search over a folder with a real ImageNet network, offline: EfficientNet-Lite0 (the default
 * {@code --model efficientnet-lite0}, the model test.sh's set-up converts from PyPI into {@code .cache/models}), or
 * any image-only model directory; indexes the folder incrementally, finds the images closest to a query photo
 * (cosine) and writes the query and its hits as a picture.
 */
@Command(name = "SimilarImages", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Find the images of a folder most similar to a photo, with a real ImageNet network "
        + "(EfficientNet-Lite0, converted from PyPI by test.sh's set-up; no network).",
        "--model efficientnet-lite0 (default) is $IMGSEARCH_MODELS/efficientnet-lite0, else "
            + ".cache/models/efficientnet-lite0 (examples/run.sh sets IMGSEARCH_MODELS to the repository's "
            + ".cache/models); a converted directory, or a ResNet50/VGG16 model, works too.",
        "A re-run indexes only new or changed files."})
public final class SimilarImages extends ExampleCommand {
  static final String COLLECTION = "similar_images";

  @Mixin ModelOptions model = new ModelOptions();
  @Mixin StoreOptions store = new StoreOptions();

  @Option(names = "--query", paramLabel = "IMAGE",
      description = "The photo to search with (required with --images; default: the generated query.jpg). When it "
          + "is in the folder, it is left out of its own hits.")
  Path query;

  @Option(names = "--top-k", paramLabel = "N", defaultValue = "8", description = "Hits (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = {"-o", "--output"}, paramLabel = "PNG", defaultValue = "similar_images_result.png",
      description = "The query and its hits as a picture (default: ${DEFAULT-VALUE}).")
  Path output;

  public SimilarImages() {
    this(System.getenv());
  }

  SimilarImages(Map<String, String> environment) {
    super(environment);
  }

  public static void main(String[] args) {
    Cli.main(new SimilarImages(), args);
  }

  @Override
  void run() {
    if (model.userImages() && query == null) {
      throw new InvalidInputException("With --images, give the photo to search with: --query IMAGE.");
    }
    Models models = new Models(environment());
    String name = model.modelOr(Models.EFFICIENTNET_LITE0);
    try (OnnxFeatureEmbedder embedder = models.isEfficientNetLite0(name) ? models.efficientNetLite0(name)
            : models.vgg16(name)) {
      Path folder;
      Path photo;
      if (model.userImages()) {
        folder = model.images;
        photo = query;
      } else {
        Path root = SampleData.products(model.samplesDir.resolve("products"));
        folder = root.resolve("products");
        photo = query != null ? query : root.resolve("query.jpg");
      }
      search(embedder, folder, photo);
    }
  }

  private void search(OnnxFeatureEmbedder embedder, Path folder, Path photo) {
    try (VectorStore vectors = store.open();
         ImageIndex index = ImageIndex.builder().embedder(embedder).store(vectors).collection(COLLECTION).build()) {
      section("Index the folder");
      out().printf("%s: %s, %d-d, %s; %s, collection %s%n", folder, embedder.family().displayName(),
          embedder.dimension(), embedder.metric(), store.describe(), COLLECTION);
      long start = System.nanoTime();
      IndexReport report;
      try (ProgressBarListener bar = new ProgressBarListener("Embedding", err())) {
        report = index.index(IndexSource.directory(folder).build(), bar);
      }
      out().printf(Locale.ROOT, "Indexed %d new or changed images (%d unchanged) in %.2f s.%n", report.indexed(),
          report.unchanged(), (System.nanoTime() - start) / 1e9);
      Examples.printSkipped(out(), report);

      section("Search similar images");
      out().printf("Query: %s%n", photo);
      Query built = Query.image(photo).topK(topK).excludeQueryImage(true).build();
      List<ImageHit> hits = index.search(built);
      for (int i = 0; i < hits.size(); i++) {
        ImageHit h = hits.get(i);
        out().printf(Locale.ROOT, "%2d. %s %.4f  %s%n", i + 1, embedder.metric().name().toLowerCase(Locale.ROOT),
            h.score(), h.path());
      }
      ResultGrid.builder().tileSize(160).build().write(built, hits, output);
      out().printf("%nSaved the query and its hits as %s.%n", output);
    }
  }
}
