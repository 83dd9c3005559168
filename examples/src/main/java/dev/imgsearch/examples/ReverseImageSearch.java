package dev.imgsearch.examples;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.filter.Filters;
import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.pipeline.Query;
import dev.imgsearch.pipeline.render.ResultGrid;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.onnx.OnnxFeatureEmbedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The "Milvus向量数据库之以图搜图" tutorial: Keras VGG16 (max pooling, 512-d, L2-normalised) embeds every image of a product
 * folder into the collection {@code pic} with the fields name, url and price; files that are not readable images
 * are skipped and listed; then a photo finds the 10 closest products (L2, nprobe 10), optionally below a price.
 */
@Command(name = "ReverseImageSearch", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Reverse image search with VGG16 (walkthrough 002): index a product folder with name, url and "
        + "price, skip unreadable files, find the top 10 products for a photo.",
        "--model is required: an ONNX export of Keras' VGG16 (include_top=False, pooling=\"max\"), see the README.",
        "--images DIR may hold products.csv (file,name,url,price); without it name is the file name, url its path "
            + "and price 100, as in the walkthrough."})
public final class ReverseImageSearch extends ExampleCommand {
  static final String COLLECTION = "pic";
  static final int NLIST = 128;
  static final int NPROBE = 10;

  @Mixin ModelOptions model = new ModelOptions();
  @Mixin StoreOptions store = new StoreOptions();

  @Option(names = "--query", paramLabel = "IMAGE",
      description = "The photo to search with (required with --images; default: the generated query.jpg).")
  Path query;

  @Option(names = "--top-k", paramLabel = "N", defaultValue = "10", description = "Hits (default: ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--max-price", paramLabel = "PRICE", description = "Only products cheaper than this.")
  Double maxPrice;

  @Option(names = {"-o", "--output"}, paramLabel = "PNG", defaultValue = "reverse_search_result.png",
      description = "The query and its hits as a picture (default: ${DEFAULT-VALUE}).")
  Path output;

  public ReverseImageSearch() {
    this(System.getenv());
  }

  ReverseImageSearch(Map<String, String> environment) {
    super(environment);
  }

  public static void main(String[] args) {
    Cli.main(new ReverseImageSearch(), args);
  }

  @Override
  void run() {
    Path products;
    Path photo;
    if (model.userImages()) {
      products = model.images;
      if (query == null) {
        throw new InvalidInputException("With --images, give the photo to search with: --query IMAGE.");
      }
      photo = query;
    } else {
      Path root = SampleData.products(model.samplesDir.resolve("products"));
      products = root.resolve("products");
      photo = query != null ? query : root.resolve("query.jpg");
    }
    Map<String, Map<String, Object>> catalogue = catalogue(products);
    try (OnnxFeatureEmbedder vgg = new Models(environment()).vgg16(model.model);
         VectorStore vectors = store.open()) {
      section("Create the collection");
      ImageIndex.drop(vectors, COLLECTION);
      try (ImageIndex index = ImageIndex.builder().embedder(vgg).store(vectors).collection(COLLECTION)
          .vectorIndex(IndexSpec.ivfFlat(NLIST)).build()) {
        out().printf("%s in %s: id, path, name, url, price, vector (%d-d, %s, normalised, IVF_FLAT nlist %d)%n",
            COLLECTION, store.describe(), vgg.dimension(), vgg.metric(), NLIST);

        section("Train (index the products)");
        long start = System.nanoTime();
        IndexReport report;
        try (ProgressBarListener bar = new ProgressBarListener("Embedding", err())) {
          // Every file, whatever its extension: unreadable ones are skipped and listed, as IsValidImage did.
          report = index.index(IndexSource.directory(products).anyExtension().exclude("products.csv")
              .metadata(p -> fieldsOf(catalogue, products, p)).build(), bar);
        }
        out().printf(Locale.ROOT, "Indexed %d images in %.2f s.%n", report.indexed(),
            (System.nanoTime() - start) / 1e9);
        Examples.printSkipped(out(), report);

        section("Search similar pictures");
        out().printf("Query: %s%n", photo);
        Query.Builder q = Query.image(photo).topK(topK).searchParam("nprobe", NPROBE)
            .outputFields("name", "url", "price");
        if (maxPrice != null) {
          q.filter(Filters.lt("price", maxPrice));
          out().printf(Locale.ROOT, "Filter: price < %.2f%n", maxPrice);
        }
        Query built = q.build();
        List<ImageHit> hits = index.search(built);
        for (int i = 0; i < hits.size(); i++) {
          ImageHit h = hits.get(i);
          out().printf(Locale.ROOT, "%2d. distance %.4f  %s  price %s  %s%n", i + 1, h.score(), h.field("name"),
              h.field("price"), h.field("url"));
        }
        ResultGrid.builder().tileSize(150).build().write(built, hits, output);
        out().printf("%nSaved the query and its hits as %s.%n", output);
      }
    }
  }

  /** products.csv of the folder by file name, or empty when there is none. */
  private static Map<String, Map<String, Object>> catalogue(Path folder) {
    Path csv = folder.resolve("products.csv");
    Map<String, Map<String, Object>> rows = new HashMap<>();
    if (!Files.isRegularFile(csv)) {
      return rows;
    }
    try {
      List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
      for (int i = 1; i < lines.size(); i++) {
        String line = lines.get(i).strip();
        if (line.isEmpty()) {
          continue;
        }
        String[] cells = line.split(",", 4);
        if (cells.length != 4) {
          throw new InvalidInputException(csv + " line " + (i + 1) + " has " + cells.length + " cells; write "
              + "file,name,url,price (names without commas).");
        }
        double price;
        try {
          price = Double.parseDouble(cells[3].strip());
        } catch (NumberFormatException e) {
          throw new InvalidInputException(csv + " line " + (i + 1) + ": price '" + cells[3] + "' is not a number.");
        }
        rows.put(cells[0].strip(), Map.of("name", cells[1].strip(), "url", cells[2].strip(), "price", price));
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + csv + " (" + e.getMessage() + ").", e);
    }
  }

  /** The catalogue's fields of a file; else, as the walkthrough: its name, its path and the price 100. */
  private static Map<String, Object> fieldsOf(Map<String, Map<String, Object>> catalogue, Path root, Path file) {
    Path relative = root.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize());
    Map<String, Object> row = catalogue.get(relative.toString().replace('\\', '/'));
    if (row != null) {
      return row;
    }
    return Map.of("name", file.getFileName().toString(), "url", file.toString(), "price", 100.0);
  }
}
