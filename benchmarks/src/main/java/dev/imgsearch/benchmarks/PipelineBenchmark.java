package dev.imgsearch.benchmarks;

import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import dev.imgsearch.onnx.OnnxEmbedders;
import dev.imgsearch.onnx.session.OnnxOptions;
import dev.imgsearch.store.milvus.MilvusVectorStore;
import io.milvus.v2.common.ConsistencyLevel;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * Indexing throughput: the pipeline (decode and preprocess on a pool, batched inference, batched upserts) against
 * embedding alone with the same embedder and images, and optionally into Milvus. Prints images per second.
 *
 * <pre>
 * PipelineBenchmark --images DIR [--generate N [--width 640 --height 480]]
 *     --model clip:MODEL_DIR|resnet:MODEL.onnx|effnet:MODEL_DIR[@int8|@fp16] [--batch 32]
 *     [--milvus http://127.0.0.1:19530] [--only serial|pipeline|milvus] [--parallelism N]
 *     [--spin-wait true|false]   (OnnxOptions.spinWait; default: the SDK's, off)
 *     [--intra-op-threads N]     (OnnxOptions.intraOpThreads; default: ONNX Runtime's, one per core)
 * </pre>
 */
public final class PipelineBenchmark {
  private static int parallelism = Runtime.getRuntime().availableProcessors();

  private PipelineBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    Path images = Path.of(a.get("images"));
    if (a.containsKey("generate")) {
      generate(images, Integer.parseInt(a.get("generate")), Integer.parseInt(a.getOrDefault("width", "640")),
          Integer.parseInt(a.getOrDefault("height", "480")));
    }
    List<Path> files = list(images);
    int batch = Integer.parseInt(a.getOrDefault("batch", "32"));
    parallelism = Integer.parseInt(a.getOrDefault("parallelism",
        Integer.toString(Runtime.getRuntime().availableProcessors())));
    String only = a.getOrDefault("only", "");
    Map<String, Double> results = new LinkedHashMap<>();
    OnnxOptions.Builder ob = OnnxOptions.builder();
    if (a.containsKey("spin-wait")) {
      ob.spinWait(Boolean.parseBoolean(a.get("spin-wait")));
    }
    if (a.containsKey("intra-op-threads")) {
      ob.intraOpThreads(Integer.parseInt(a.get("intra-op-threads")));
    }
    OnnxOptions options = ob.build();
    try (PixelEmbedder embedder = load(a.get("model"), options)) {
      System.out.printf(Locale.ROOT, "model %s (%d-d), %d images in %s, batch %d, %d processors%n",
          embedder.modelId(), embedder.dimension(), files.size(), images, batch,
          Runtime.getRuntime().availableProcessors());
      warmUp(embedder, files, batch);
      if (only.isEmpty()) {
        results.put("inference alone (embedPixels on preprocessed batches)", inferenceOnly(embedder, files, batch));
      }
      if (only.isEmpty() || only.equals("serial")) {
        results.put("embedding alone, serial (embedImages: decode + preprocess + infer)",
            serial(embedder, files, batch));
      }
      if (only.isEmpty() || only.equals("pipeline")) {
        try (InMemoryVectorStore store = new InMemoryVectorStore()) {
          results.put("pipeline -> in-memory store", pipeline(embedder, store, images, batch));
        }
      }
      if (a.containsKey("milvus") && (only.isEmpty() || only.equals("milvus"))) {
        try (MilvusVectorStore store = MilvusVectorStore.builder().uri(a.get("milvus"))
            .consistency(ConsistencyLevel.BOUNDED).build()) {
          results.put("pipeline -> Milvus (" + a.get("milvus") + ")", pipeline(embedder, store, images, batch));
        }
      }
    }
    System.out.println();
    double reference = results.values().iterator().next();
    for (Map.Entry<String, Double> e : results.entrySet()) {
      System.out.printf(Locale.ROOT, "%-70s %8.1f images/s  %5.2fx%n", e.getKey(), e.getValue(),
          e.getValue() / reference);
    }
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      m.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return m;
  }

  static PixelEmbedder load(String spec) {
    return load(spec, OnnxOptions.defaults());
  }

  /**
   * {@code --model clip:DIR}, {@code resnet:FILE.onnx} or {@code effnet:DIR} (EfficientNet-Lite0, optionally
   * {@code @int8} or {@code @fp16} for the converter's variants), with these ONNX Runtime options.
   */
  static PixelEmbedder load(String spec, OnnxOptions options) {
    String[] kv = spec.split(":", 2);
    return switch (kv[0]) {
      case "clip" -> OnnxEmbedders.clip().modelDirectory(Path.of(kv[1])).options(options).build();
      case "resnet" -> OnnxEmbedders.resnet50().modelFile(Path.of(kv[1])).options(options).build();
      case "effnet" -> {   // effnet:DIR or effnet:DIR@int8 (tools/efficientnet-lite0/convert.py's directory)
        int at = kv[1].lastIndexOf('@');
        yield OnnxEmbedders.efficientNetLite0().modelDirectory(Path.of(at < 0 ? kv[1] : kv[1].substring(0, at)))
            .variant(at < 0 ? "" : kv[1].substring(at + 1)).options(options).build();
      }
      default -> throw new IllegalArgumentException("--model clip:DIR, resnet:FILE.onnx or effnet:DIR[@variant], "
          + "not " + spec);
    };
  }

  /** Photograph-like JPEGs: gradients, shapes and noise, so that they compress like photos. */
  static void generate(Path dir, int n, int width, int height) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(42);
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < n; i++) {
      Path file = dir.resolve(String.format("d%02d/img-%05d.jpg", i / 500, i));
      if (Files.exists(file)) {
        continue;
      }
      Graphics2D g = img.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setPaint(new GradientPaint(0, 0, new Color(random.nextInt(0xFFFFFF)), width, height,
          new Color(random.nextInt(0xFFFFFF))));
      g.fillRect(0, 0, width, height);
      for (int s = 0; s < 12; s++) {
        g.setColor(new Color(random.nextInt(0xFFFFFF)));
        g.fillOval(random.nextInt(width), random.nextInt(height), 20 + random.nextInt(width / 3),
            20 + random.nextInt(height / 3));
      }
      g.dispose();
      for (int p = 0; p < width * height / 8; p++) {
        int x = random.nextInt(width);
        int y = random.nextInt(height);
        img.setRGB(x, y, img.getRGB(x, y) ^ random.nextInt(0x1F1F1F));
      }
      Files.createDirectories(file.getParent());
      ImageIO.write(img, "jpg", file.toFile());
    }
  }

  static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().toLowerCase(Locale.ROOT).endsWith(".jpg")).sorted().toList();
    }
  }

  private static void warmUp(PixelEmbedder e, List<Path> files, int batch) {
    List<ImageInput> in = new ArrayList<>();
    for (Path p : files.subList(0, Math.min(files.size(), batch))) {
      in.add(ImageInput.of(p));
    }
    e.embedImages(in);
    e.embedImages(in);
  }

  /** Only the model: images are decoded and preprocessed outside the timing, batch by batch. */
  static double inferenceOnly(PixelEmbedder e, List<Path> files, int batch) {
    long nanos = 0;
    ImageDecoder decoder = ImageDecoder.standard();
    for (int i = 0; i < files.size(); i += batch) {
      List<float[]> pixels = new ArrayList<>();
      for (Path p : files.subList(i, Math.min(files.size(), i + batch))) {
        pixels.add(e.recipe().apply(decoder.decode(ImageInput.of(p))));
      }
      long t = System.nanoTime();
      e.embedPixels(pixels);
      nanos += System.nanoTime() - t;
    }
    return files.size() / (nanos / 1e9);
  }

  /** What a user writes without the pipeline: decode, preprocess and infer batch after batch on one thread. */
  static double serial(PixelEmbedder e, List<Path> files, int batch) {
    long t = System.nanoTime();
    for (int i = 0; i < files.size(); i += batch) {
      List<ImageInput> in = new ArrayList<>();
      for (Path p : files.subList(i, Math.min(files.size(), i + batch))) {
        in.add(ImageInput.of(p));
      }
      e.embedImages(in);
    }
    return files.size() / ((System.nanoTime() - t) / 1e9);
  }

  static double pipeline(PixelEmbedder e, VectorStore store, Path images, int batch) {
    String collection = "bench_pipeline";
    ImageIndex.drop(store, collection);
    try (ImageIndex index = ImageIndex.builder().embedder(e).store(store).collection(collection).batchSize(batch)
        .parallelism(parallelism).build()) {
      IndexReport r = index.index(IndexSource.directory(images).extensions("jpg").build());
      if (r.failed() > 0 || r.indexed() == 0) {
        throw new IllegalStateException("benchmark run failed: " + r + " " + r.failures());
      }
      return r.indexed() / (r.elapsed().toNanos() / 1e9);
    } finally {
      ImageIndex.drop(store, collection);
    }
  }
}
