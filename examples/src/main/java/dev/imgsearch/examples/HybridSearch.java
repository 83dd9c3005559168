package dev.imgsearch.examples;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.pipeline.render.ResultGrid;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.Hit;
import dev.imgsearch.core.store.HybridSearchRequest;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.SearchRequest;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.onnx.OnnxContrastiveEmbedder;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The "玩转多模态搜索" tutorial's sparse + dense retrieval: each image's Chinese caption becomes a BM25 sparse vector (the store's full-text
 * field: jieba in Milvus, SmartChineseAnalyzer in Lucene) beside the image's Chinese-CLIP dense vector (dot product,
 * as DashVector requires for hybrid search), in the collection {@code ImageTextSearch}. A Chinese query is then
 * searched three ways: dense only (text-to-image), sparse only (BM25 on the captions) and both fused with RRF.
 */
@Command(name = "HybridSearch", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Hybrid search (walkthrough 004): BM25 over Chinese captions plus Chinese-CLIP image vectors, "
        + "fused with RRF.",
        "--images DIR needs captions: a file captions.tsv in DIR (or --captions FILE) with lines "
            + "<relative image path><TAB><caption>.",
        "Default model: " + Models.CHINESE_CLIP + "."})
public final class HybridSearch extends ExampleCommand {
  static final String COLLECTION = "ImageTextSearchHybrid";
  static final int BATCH = 32;

  @Mixin ModelOptions model = new ModelOptions();
  @Mixin StoreOptions store = new StoreOptions();

  @Option(names = "--captions", paramLabel = "TSV",
      description = "Captions: <relative image path><TAB><caption> per line (default: captions.tsv in the images folder).")
  Path captions;

  @Option(names = {"-q", "--query"}, paramLabel = "TEXT", defaultValue = "白色的狗",
      description = "The Chinese text to search with (default: ${DEFAULT-VALUE}).")
  String query;

  @Option(names = "--top-k", paramLabel = "N", defaultValue = "5", description = "Hits per search (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--rrf-k", paramLabel = "K", defaultValue = "60", description = "RRF's k (default: ${DEFAULT-VALUE}).")
  int rrfK;

  @Option(names = {"-o", "--output"}, paramLabel = "PNG", defaultValue = "hybrid_search_result.png",
      description = "The fused hits with their captions (default: ${DEFAULT-VALUE}).")
  Path output;

  public HybridSearch() {
    this(System.getenv());
  }

  HybridSearch(Map<String, String> environment) {
    super(environment);
  }

  public static void main(String[] args) {
    Cli.main(new HybridSearch(), args);
  }

  @Override
  void run() {
    Path root = model.imagesOr(dir -> SampleData.scenes(dir.resolve("images_folder"), 4));
    Map<String, String> items = readCaptions(captions != null ? captions : root.resolve("captions.tsv"));
    try (OnnxContrastiveEmbedder clip = new Models(environment()).chineseClip(model.modelOr(Models.CHINESE_CLIP));
         VectorStore vectors = store.open()) {
      if (!(vectors instanceof dev.imgsearch.core.store.HybridSearch hybrid)) {
        throw new StoreUnavailableException(store.describe() + " has no hybrid search; use the Lucene or Milvus store.");
      }
      section("Create the collection");
      CollectionSpec spec = CollectionSpec.builder(COLLECTION)
          .description("Chinese captions (BM25) and Chinese-CLIP image vectors")
          .primaryKey(FieldSpec.varchar("id", 512))
          .field(FieldSpec.varchar("path", 4096))
          .field(FieldSpec.varchar("caption", 1000))
          .field(FieldSpec.vector("image", clip.dimension(), MetricType.IP))
          .fullText(FullTextField.of("caption_bm25", "caption", FullTextField.Analyzer.CHINESE))
          .build();
      vectors.dropCollection(COLLECTION);
      vectors.createCollection(spec);
      out().printf("%s in %s: id, path, caption (BM25 sparse, Chinese), image (%d-d, dot product)%n", COLLECTION,
          store.describe(), clip.dimension());

      section("Insert images and captions");
      insert(vectors, clip, root, items);
      vectors.flush(COLLECTION);
      out().printf("Inserted %d images with captions.%n", vectors.count(COLLECTION));

      float[] textVector = clip.embedText(query);
      out().printf("%nQuery: %s%n", query);

      section("Dense: text to image");
      List<Hit> dense = vectors.search(SearchRequest.builder(COLLECTION).vectorField("image").query(textVector)
          .topK(topK).outputFields("caption", "path").build()).get(0);
      print(dense);

      section("Sparse: BM25 on the captions");
      List<Hit> sparse = hybrid.hybridSearch(HybridSearchRequest.builder(COLLECTION).text("caption_bm25", query)
          .topK(topK).outputFields("caption", "path").build());
      print(sparse);

      section("Hybrid: dense + sparse, RRF k=" + rrfK);
      List<Hit> fused = hybrid.hybridSearch(HybridSearchRequest.builder(COLLECTION).vector("image", textVector)
          .text("caption_bm25", query).rrf(rrfK).topK(topK).outputFields("caption", "path").build());
      print(fused);

      if (!fused.isEmpty()) {
        ImageDecoder decoder = ImageDecoder.standard();
        List<ResultGrid.Tile> tiles = new ArrayList<>();
        tiles.add(new ResultGrid.Tile(null, query));
        for (Hit h : fused) {
          BufferedImage img = decoder.decode(ImageInput.of(Path.of((String) h.field("path"))));
          tiles.add(new ResultGrid.Tile(img, h.field("caption") + "\n" + String.format(Locale.ROOT, "RRF %.4f",
              h.score())));
        }
        ResultGrid.writePng(ResultGrid.builder().tileSize(200).build().render(tiles), output);
        out().printf("%nSaved the fused hits as %s.%n", output);
      }
    }
  }

  private void insert(VectorStore vectors, OnnxContrastiveEmbedder clip, Path root, Map<String, String> items) {
    List<Map.Entry<String, String>> all = new ArrayList<>(items.entrySet());
    try (ProgressBar bar = new ProgressBarBuilder().setTaskName("Embedding").setInitialMax(all.size())
        .setStyle(ProgressBarStyle.ASCII).setUnit(" images", 1).showSpeed()
        .setConsumer(new DelegatingProgressBarConsumer(line -> {
          err().print('\r');
          err().print(line);
          err().flush();
        }, 100)).build()) {
      for (int from = 0; from < all.size(); from += BATCH) {
        List<Map.Entry<String, String>> batch = all.subList(from, Math.min(all.size(), from + BATCH));
        List<ImageInput> inputs = new ArrayList<>();
        for (Map.Entry<String, String> e : batch) {
          inputs.add(ImageInput.of(root.resolve(e.getKey())));
        }
        List<float[]> embeddings = clip.embedImages(inputs);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
          rows.add(Row.builder().put("id", batch.get(i).getKey())
              .put("path", root.resolve(batch.get(i).getKey()).toAbsolutePath().normalize().toString())
              .put("caption", batch.get(i).getValue()).put("image", embeddings.get(i)).build());
        }
        vectors.upsert(COLLECTION, rows);
        bar.stepBy(batch.size());
      }
    }
    err().println();
  }

  private void print(List<Hit> hits) {
    for (int i = 0; i < hits.size(); i++) {
      Hit h = hits.get(i);
      out().printf(Locale.ROOT, "%2d. score %.4f  %s  %s%n", i + 1, h.score(), h.field("caption"), h.id());
    }
  }

  /** captions.tsv: relative image path, a tab, the caption; in file order. */
  static Map<String, String> readCaptions(Path tsv) {
    if (!Files.isRegularFile(tsv)) {
      throw new InvalidInputException("No captions file " + tsv + ". HybridSearch needs a caption per image: write "
          + "<relative image path><TAB><caption> lines into captions.tsv in the images folder, or pass --captions FILE.");
    }
    Map<String, String> items = new LinkedHashMap<>();
    try {
      List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i);
        if (line.isBlank()) {
          continue;
        }
        int tab = line.indexOf('\t');
        if (tab <= 0 || tab == line.length() - 1) {
          throw new InvalidInputException(tsv + " line " + (i + 1) + " is not <image path><TAB><caption>.");
        }
        items.put(line.substring(0, tab).strip(), line.substring(tab + 1).strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + tsv + " (" + e.getMessage() + ").", e);
    }
    if (items.isEmpty()) {
      throw new InvalidInputException(tsv + " holds no captions; write <image path><TAB><caption> lines.");
    }
    return items;
  }
}
