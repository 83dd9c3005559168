package dev.imgsearch.examples;

import static dev.imgsearch.examples.ProgramRun.args;
import static dev.imgsearch.examples.ProgramRun.hits;
import static dev.imgsearch.examples.ProgramRun.lastPath;
import static dev.imgsearch.examples.ProgramRun.model;
import static dev.imgsearch.examples.ProgramRun.number;
import static dev.imgsearch.examples.ProgramRun.png;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every program end to end, on the tiny test models and the generated sample images, against one store: what it
 * prints (sections, counts, hits, skipped files) and the pictures it writes (valid PNGs of the expected size).
 * Subclasses say which store.
 */
abstract class ProgramsContract {
  @TempDir
  static Path samples;

  @TempDir
  Path work;

  /** The store options, e.g. {@code --store-dir DIR} or {@code --uri URI}. */
  abstract List<String> store(Path work);

  /** What the programs say the store is, e.g. "Milvus at ...". */
  abstract String storeDescription();

  private List<String> common(String modelName) {
    List<String> a = new java.util.ArrayList<>(store(work));
    a.addAll(List.of("--samples-dir", samples.toString()));
    if (modelName != null) {
      a.addAll(List.of("--model", model(modelName).toString()));
    }
    return a;
  }

  private static Map<String, String> offline() {
    return Map.of("HF_HUB_OFFLINE", "1");
  }

  @Test
  void helloMilvusRunsEveryStepOfTheScript() {
    ProgramRun run = ProgramRun.of(new HelloMilvus(offline()), store(work).toArray(String[]::new));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.sections()).containsSubsequence("Create collection `hello_milvus`", "Start inserting entities",
        "Start Creating index IVF_FLAT", "Start loading", "Start searching based on vector similarity",
        "Start querying with `random > 0.5`", "Start hybrid searching with `random > 0.5`",
        "Start deleting with expr `pk in [\"0\", \"1\"]`", "Drop collection `hello_milvus`");
    assertThat(run.out()).contains("Does collection hello_milvus exist in " + storeDescription() + ": false");
    assertThat(run.section("Start inserting entities")).containsExactly("Number of entities in Milvus: 3000");

    // Each of the last two vectors finds itself first, at distance 0; three hits each, nearest first.
    List<String> search = run.section("Start searching based on vector similarity");
    List<String> hitLines = search.stream().filter(l -> l.startsWith("hit: ")).toList();
    assertThat(hitLines).hasSize(6);
    assertThat(hitLines.get(0)).startsWith("hit: id: 2998, distance: 0.0,");
    assertThat(hitLines.get(3)).startsWith("hit: id: 2999, distance: 0.0,");
    assertThat(distances(hitLines.subList(0, 3))).isSorted();
    assertThat(search).anyMatch(l -> l.matches("search latency = \\d+\\.\\d{4}s"));

    // The filtered search keeps only rows with random > 0.5, still nearest first.
    List<String> filtered = run.section("Start hybrid searching with `random > 0.5`").stream()
        .filter(l -> l.startsWith("hit: ")).toList();
    assertThat(filtered).hasSize(6);
    assertThat(filtered).allSatisfy(l -> assertThat(number(l, "random field:")).isGreaterThan(0.5));
    assertThat(distances(filtered.subList(0, 3))).isSorted();
    assertThat(filtered.get(3)).startsWith("hit: id: 2999,"); // its random is above 0.5: it still finds itself

    // The query: every row it shows has random > 0.5; the second page is the first one shifted by one.
    List<String> query = run.section("Start querying with `random > 0.5`");
    assertThat(number(query.get(1), "'random':")).isGreaterThan(0.5);
    int matching = Integer.parseInt(query.stream().filter(l -> l.endsWith(" entities with random > 0.5")).findFirst()
        .orElseThrow().split(" ")[0]);
    assertThat(matching).isBetween(1200, 1800);
    List<String> page1 = records(query.get(query.indexOf("query pagination(limit=4):") + 1));
    List<String> page2 = records(query.get(query.indexOf("query pagination(offset=1, limit=3):") + 1));
    assertThat(page1).hasSize(4);
    assertThat(page2).containsExactlyElementsOf(page1.subList(1, 4));

    List<String> delete = run.section("Start deleting with expr `pk in [\"0\", \"1\"]`");
    assertThat(delete).anyMatch(l -> l.startsWith("-{") && l.endsWith("'pk': '0'}"));
    assertThat(delete).anyMatch(l -> l.startsWith("-{") && l.endsWith("'pk': '1'}"));
    assertThat(delete).contains("query after delete by expr=`pk in [\"0\", \"1\"]` -> result: []");
    assertThat(run.section("Drop collection `hello_milvus`")).containsExactly("Does collection hello_milvus exist: false");
  }

  private static List<Double> distances(List<String> hitLines) {
    return hitLines.stream().map(l -> number(l, "distance:")).toList();
  }

  private static List<String> records(String line) {
    Matcher m = Pattern.compile("\\{[^}]*}").matcher(line);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group());
    }
    return out;
  }

  @Test
  void textImageSearchFindsTheTopTenForAWhiteDogAndDrawsFiveByTwoTiles() {
    Path output = work.resolve("result.png");
    ProgramRun run = ProgramRun.of(new TextImageSearch(offline()),
        args(common("clip"), "--output", output.toString()));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.out()).contains("Model: clip (512-d, COSINE)", "Store: " + storeDescription(),
        "Inserted 32 images into image_collection.", "Query text: a white dog", "Search results:");
    List<String> hits = hits(run.out().lines().toList());
    assertThat(hits).hasSize(10);
    Path train = samples.resolve("images_folder/train").toAbsolutePath();
    assertThat(hits).allSatisfy(l -> assertThat(lastPath(l)).startsWith(train).isRegularFile());
    assertThat(hits.stream().map(ProgramRun::lastPath).distinct()).hasSize(10);
    assertThat(hits.stream().map(l -> number(l, "score")).toList()).isSortedAccordingTo(Comparator.reverseOrder());
    assertThat(run.out()).contains("Saved the results as " + output + " (5 x 2 tiles of 150 px).");
    BufferedImage grid = png(output);
    assertThat(grid.getWidth()).isEqualTo(750);
    assertThat(grid.getHeight()).isEqualTo(300);
    assertThat(run.err()).contains("Embedding 100%").contains("32/32");
  }

  @Test
  void paintingSearchFindsTheTopThreeForEachTestPainting() {
    Path output = work.resolve("search_result.png");
    ProgramRun run = ProgramRun.of(new PaintingSearch(offline()),
        args(common("resnet50"), "--output", output.toString()));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.sections()).containsExactly("Global parameters", "Set up the collection", "Insert the data",
        "Search");
    assertThat(run.section("Global parameters")).contains("COLLECTION_NAME = image_search", "DIMENSION = 2048",
        "BATCH_SIZE = 128", "TOP_K = 3");
    assertThat(run.section("Insert the data").get(0)).startsWith("Inserted 20 paintings");
    List<String> search = run.section("Search");
    assertThat(search.get(0)).isEqualTo("2 test images");
    Path paintings = samples.resolve("paintings/paintings").toAbsolutePath();
    for (String test : List.of("test_paintings/Monet/6.jpg", "test_paintings/VanGogh/6.jpg")) {
      int at = search.stream().filter(l -> l.startsWith(test + " (search time: ")).findFirst().map(search::indexOf)
          .orElseThrow(() -> new AssertionError("no result block for " + test + " in\n" + run.out()));
      List<String> block = search.subList(at + 1, at + 4);
      assertThat(block).allSatisfy(l -> assertThat(l).matches(" ?\\d\\. distance .*"));
      assertThat(block).allSatisfy(l -> assertThat(lastPath(l)).startsWith(paintings).isRegularFile());
      assertThat(block.stream().map(l -> number(l, "distance")).toList()).isSorted();
    }
    // One row per test image: the image and its 3 hits, tiles of 256 px with two caption lines, 4 px gaps.
    BufferedImage picture = png(output);
    assertThat(picture.getWidth()).isEqualTo(4 * 256 + 5 * 4);
    assertThat(picture.getHeight()).isEqualTo(2 * (256 + 54) + 3 * 4);
  }

  @Test
  void reverseImageSearchSkipsTheUnreadableFilesAndFindsProductsWithTheirFields() {
    Path output = work.resolve("reverse.png");
    ProgramRun run = ProgramRun.of(new ReverseImageSearch(offline()),
        args(common("vgg16/onnx/model.onnx"), "--output", output.toString()));
    assertThat(run.status()).as(run.err()).isZero();
    List<String> train = run.section("Train (index the products)");
    assertThat(train.get(0)).startsWith("Indexed 12 images in ");
    assertThat(train.get(1)).isEqualTo("Skipped 2 file(s) that are not readable images:");
    assertThat(train.get(2)).contains("broken.jpg (TRUNCATED)");
    assertThat(train.get(3)).contains("empty.png (EMPTY)");

    Map<String, SampleData.Product> catalogue = SampleData.products().stream()
        .collect(Collectors.toMap(SampleData.Product::url, p -> p));
    List<String> hits = hits(run.section("Search similar pictures"));
    assertThat(hits).hasSize(10);
    for (String hit : hits) {
      String[] words = hit.strip().split("\\s+");
      SampleData.Product p = catalogue.get(words[words.length - 1]);
      assertThat(p).as("a product of the catalogue: %s", hit).isNotNull();
      assertThat(hit).contains("  " + p.name() + "  price " + p.price() + "  ");
    }
    assertThat(hits.stream().map(l -> number(l, "distance")).toList()).isSorted()
        .allSatisfy(d -> assertThat(d).isBetween(0.0, 4.0)); // unit vectors: squared distances in [0, 4]
    BufferedImage picture = png(output);
    assertThat(picture.getWidth()).isEqualTo(11 * 150 + 12 * 4);
    assertThat(picture.getHeight()).isGreaterThan(150);

    // With a price limit only the cheaper products come back.
    ProgramRun cheap = ProgramRun.of(new ReverseImageSearch(offline()),
        args(common("vgg16/onnx/model.onnx"), "--output", output.toString(), "--max-price", "40"));
    assertThat(cheap.status()).as(cheap.err()).isZero();
    List<String> cheapHits = hits(cheap.section("Search similar pictures"));
    long cheaper = catalogue.values().stream().filter(p -> p.price() < 40).count();
    // IVF_FLAT with nprobe 10 is approximate: Milvus may find fewer than all of them, never a dearer one.
    assertThat(cheapHits).isNotEmpty().hasSizeLessThanOrEqualTo((int) cheaper)
        .allSatisfy(l -> assertThat(number(l, "price")).isLessThan(40));
  }

  @Test
  void similarImagesFindsTheClosestImagesAndIndexesOnlyChangesOnARerun() {
    Path output = work.resolve("similar.png");
    String[] arguments = args(common("vgg16/onnx/model.onnx"), "--output", output.toString(), "--top-k", "5");
    ProgramRun run = ProgramRun.of(new SimilarImages(offline()), arguments);
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.sections()).containsExactly("Index the folder", "Search similar images");
    List<String> index = run.section("Index the folder");
    assertThat(index.get(0)).contains("VGG16, 512-d, L2").contains(storeDescription());
    assertThat(index.get(1)).startsWith("Indexed 12 new or changed images (0 unchanged) in ");
    List<String> hits = hits(run.section("Search similar images"));
    assertThat(hits).hasSize(5);
    assertThat(hits.stream().map(l -> number(l, "l2")).toList()).isSorted()
        .allSatisfy(d -> assertThat(d).isBetween(0.0, 4.0));
    assertThat(hits).allSatisfy(l -> assertThat(lastPath(l)).isRegularFile());
    BufferedImage picture = png(output);
    assertThat(picture.getWidth()).isEqualTo(6 * 160 + 7 * 4);

    ProgramRun again = ProgramRun.of(new SimilarImages(offline()), arguments);
    assertThat(again.status()).as(again.err()).isZero();
    assertThat(again.section("Index the folder").get(1)).startsWith("Indexed 0 new or changed images (12 unchanged)");
    assertThat(hits(again.section("Search similar images"))).isEqualTo(hits);
  }

  @Test
  void chineseTextImageSearchLabelsSearchesByTextAndByImage() {
    Path output = work.resolve("chinese.png");
    ProgramRun run = ProgramRun.of(new ChineseTextImageSearch(offline()),
        args(common("chinese-clip"), "--output", output.toString()));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.sections()).containsExactly("Zero-shot labels", "Index the images", "Text to image",
        "Image to image");
    List<String> labels = run.section("Zero-shot labels");
    assertThat(labels).contains("Labels: [杰尼龟, 妙蛙种子, 小火龙, 皮卡丘]");
    String probsLine = labels.stream().filter(l -> l.startsWith("Label probs: [[")).findFirst().orElseThrow();
    String inner = probsLine.substring(probsLine.indexOf("[[") + 2, probsLine.indexOf("]]"));
    double[] probs = Arrays.stream(inner.strip().split("\\s+"))
        .mapToDouble(Double::parseDouble).toArray();
    assertThat(probs).hasSize(4);
    assertThat(Arrays.stream(probs).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    int best = 0;
    for (int i = 1; i < 4; i++) {
      best = probs[i] > probs[best] ? i : best;
    }
    String bestLine = labels.stream().filter(l -> l.startsWith("Best label: ")).findFirst().orElseThrow();
    assertThat(bestLine).startsWith("Best label: " + ChineseTextImageSearch.POKEMON.get(best) + " (");

    assertThat(run.section("Index the images")).contains("Inserted 32 images into ImageTextSearch.");
    List<String> byText = run.section("Text to image");
    assertThat(byText.get(0)).isEqualTo("Query: 一只白色的狗");
    assertThat(hits(byText)).hasSize(5);
    List<String> byImage = run.section("Image to image");
    Path query = Path.of(byImage.get(0).substring("Query: ".length())).toAbsolutePath();
    List<String> imageHits = hits(byImage);
    assertThat(imageHits).hasSize(5).noneMatch(l -> lastPath(l).equals(query));
    assertThat(imageHits.stream().map(l -> number(l, "score")).toList()).isSortedAccordingTo(Comparator.reverseOrder());
    BufferedImage picture = png(output);
    assertThat(picture.getWidth()).isEqualTo(6 * 200 + 7 * 4);
    assertThat(picture.getHeight()).isGreaterThan(2 * 200);
  }

  @Test
  void hybridSearchFusesBm25OnChineseCaptionsWithDenseVectors() {
    Path output = work.resolve("hybrid.png");
    ProgramRun run = ProgramRun.of(new HybridSearch(offline()),
        args(common("chinese-clip"), "--output", output.toString()));
    assertThat(run.status()).as(run.err()).isZero();
    assertThat(run.sections()).containsExactly("Create the collection", "Insert images and captions",
        "Dense: text to image", "Sparse: BM25 on the captions", "Hybrid: dense + sparse, RRF k=60");
    assertThat(run.section("Insert images and captions")).contains("Inserted 32 images with captions.");

    List<String> dense = hits(run.section("Dense: text to image"));
    List<String> sparse = hits(run.section("Sparse: BM25 on the captions"));
    List<String> fused = hits(run.section("Hybrid: dense + sparse, RRF k=60"));
    assertThat(dense).hasSize(5);
    assertThat(fused).hasSize(5);
    // BM25 ranks the four captions that hold the words of 白色的狗 first.
    assertThat(sparse.subList(0, 4)).allSatisfy(l -> assertThat(l).contains("白色的狗").contains("train/white_dog/"));
    assertThat(sparse.stream().skip(4)).noneMatch(l -> l.contains("狗"));
    // The fused list takes from both routes: captions of dogs that the dense route alone does not rank here.
    Set<String> denseIds = dense.stream().map(l -> lastPath(l).toString()).collect(Collectors.toSet());
    assertThat(fused).anyMatch(l -> l.contains("白色的狗") && !denseIds.contains(lastPath(l).toString()));
    assertThat(fused.stream().map(l -> number(l, "score")).toList()).isSortedAccordingTo(Comparator.reverseOrder())
        .allSatisfy(s -> assertThat(s).isBetween(0.0, 2.0 / 61 + 1e-6)); // RRF: at most 1/(k+1) per route
    BufferedImage picture = png(output);
    assertThat(picture.getWidth()).isEqualTo(6 * 200 + 7 * 4);
  }
}
