package dev.imgsearch.examples;

import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.pipeline.LabelProbability;
import dev.imgsearch.pipeline.Query;
import dev.imgsearch.pipeline.ZeroShotClassifier;
import dev.imgsearch.pipeline.render.ResultGrid;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.onnx.OnnxContrastiveEmbedder;
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
 * The Chinese-CLIP tutorials ("Milvus的以文搜图", "玩转多模态搜索") with Chinese-CLIP: zero-shot labels for {@code pokemon.jpeg} (杰尼龟/妙蛙种子/小火龙/皮卡丘, as
 * {@code cn_clip}'s quick start prints them), then text-to-image with a Chinese query and image-to-image on one
 * collection ({@code ImageTextSearch}, COSINE), and both result rows in one picture.
 */
@Command(name = "ChineseTextImageSearch", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Chinese-CLIP (walkthroughs 000 and 004): zero-shot labels, text-to-image with a Chinese query "
        + "and image-to-image on one collection.",
        "Default model: " + Models.CHINESE_CLIP + "."})
public final class ChineseTextImageSearch extends ExampleCommand {
  static final String COLLECTION = "ImageTextSearch";
  static final List<String> POKEMON = List.of("杰尼龟", "妙蛙种子", "小火龙", "皮卡丘");

  @Mixin ModelOptions model = new ModelOptions();
  @Mixin StoreOptions store = new StoreOptions();

  @Option(names = {"-q", "--query"}, paramLabel = "TEXT", defaultValue = "一只白色的狗",
      description = "The Chinese text to search with (default: ${DEFAULT-VALUE}).")
  String query;

  @Option(names = "--query-image", paramLabel = "IMAGE",
      description = "The image to search with (default: the first image of the folder; it is left out of its hits).")
  Path queryImage;

  @Option(names = "--classify", paramLabel = "IMAGE",
      description = "The image to label with the zero-shot labels (default: a generated pokemon.jpeg).")
  Path classify;

  @Option(names = "--labels", paramLabel = "LABEL", split = ",",
      description = "Zero-shot labels, comma-separated (default: 杰尼龟,妙蛙种子,小火龙,皮卡丘).")
  List<String> labels = POKEMON;

  @Option(names = "--top-k", paramLabel = "N", defaultValue = "5", description = "Hits per query (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = {"-o", "--output"}, paramLabel = "PNG", defaultValue = "chinese_search_result.png",
      description = "Both queries and their hits, one row each (default: ${DEFAULT-VALUE}).")
  Path output;

  public ChineseTextImageSearch() {
    this(System.getenv());
  }

  ChineseTextImageSearch(Map<String, String> environment) {
    super(environment);
  }

  public static void main(String[] args) {
    Cli.main(new ChineseTextImageSearch(), args);
  }

  @Override
  void run() {
    Path images = model.imagesOr(dir -> SampleData.scenes(dir.resolve("images_folder"), 4).resolve("train"));
    Path toClassify = classify != null ? classify : SampleData.pokemon(model.samplesDir.resolve("pokemon.jpeg"));
    try (OnnxContrastiveEmbedder clip = new Models(environment()).chineseClip(model.modelOr(Models.CHINESE_CLIP));
         VectorStore vectors = store.open()) {
      out().printf("Model: %s (%d-d, %s)%nStore: %s%n", clip.modelId(), clip.dimension(), clip.metric(),
          store.describe());

      section("Zero-shot labels");
      List<LabelProbability> probs = ZeroShotClassifier.of(clip, labels, ZeroShotClassifier.PLACEHOLDER)
          .classify(ImageInput.of(toClassify));
      out().printf("Image: %s%n", toClassify);
      out().printf("Labels: %s%n", labels);
      out().printf("Label probs: [[%s]]%n", probs.stream()
          .map(p -> String.format(Locale.ROOT, "%.6e", p.probability())).collect(Collectors.joining(" ")));
      LabelProbability best = probs.stream().max((a, b) -> Double.compare(a.probability(), b.probability()))
          .orElseThrow();
      out().printf(Locale.ROOT, "Best label: %s (%.4f)%n", best.label(), best.probability());

      section("Index the images");
      ImageIndex.drop(vectors, COLLECTION);
      try (ImageIndex index = ImageIndex.builder().embedder(clip).store(vectors).collection(COLLECTION).build()) {
        IndexReport report;
        try (ProgressBarListener bar = new ProgressBarListener("Embedding", err())) {
          report = index.index(IndexSource.directory(images).build(), bar);
        }
        out().printf("Inserted %d images into %s.%n", report.indexed(), COLLECTION);
        Examples.printSkipped(out(), report);

        ResultGrid grid = ResultGrid.builder().tileSize(200).columns(1 + topK).build();
        List<ResultGrid.Tile> tiles = new ArrayList<>();

        section("Text to image");
        Query byText = Query.text(query).topK(topK).build();
        List<ImageHit> textHits = index.search(byText);
        out().printf("Query: %s%n", query);
        Examples.printHits(out(), textHits);
        tiles.addAll(padded(grid.tiles(byText, textHits)));

        section("Image to image");
        Path image = queryImage != null ? queryImage : firstImage(images);
        Query byImage = Query.image(image).topK(topK).excludeQueryImage(true).build();
        List<ImageHit> imageHits = index.search(byImage);
        out().printf("Query: %s%n", image);
        Examples.printHits(out(), imageHits);
        tiles.addAll(padded(grid.tiles(byImage, imageHits)));

        ResultGrid.writePng(grid.render(tiles), output);
        out().printf("%nSaved both queries and their hits as %s.%n", output);
      }
    }
  }

  private List<ResultGrid.Tile> padded(List<ResultGrid.Tile> row) {
    List<ResultGrid.Tile> out = new ArrayList<>(row);
    while (out.size() < 1 + topK) {
      out.add(new ResultGrid.Tile(null, "no hit"));
    }
    return out;
  }

  private static Path firstImage(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).filter(p -> {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png");
      }).sorted().findFirst().orElseThrow(() -> new dev.imgsearch.core.InvalidInputException("No JPEG or PNG image in "
          + dir + " to search with; give one with --query-image."));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + dir + " (" + e.getMessage() + ").", e);
    }
  }
}
