package dev.imgsearch.benchmarks;

import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import dev.imgsearch.image.ImagePreprocessor;
import dev.imgsearch.onnx.OnnxEmbedders;
import dev.imgsearch.onnx.OnnxFeatureEmbedder;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * The fast paths on EfficientNet-Lite0 (real ImageNet weights), each with its speed and its quality cost, in one
 * run: exact fp32 (the default), draft decoding ({@code ImageIndex.Builder.draftDecoding}), the int8 graph, and
 * both. Speed: {@link ImageIndex} into the in-memory store over large JPEGs (phone-size photos), rounds alternating
 * the configurations, median images/s. Quality: the labelled textiles of {@code .cache/datasets} upscaled to large
 * JPEGs (so that draft decoding applies), leave-one-out P@10 and top-1 by exact cosine, and each image's cosine to
 * its exact fp32 vector.
 *
 * <pre>
 * FastPathBenchmark --model .cache/models/efficientnet-lite0 --photos DIR_OF_12MP_JPEGS
 *     --labelled .cache/datasets/efficientnet-lite0/textiles --work target/bench/fastpath [--size 2000]
 *     [--rounds 3] [--copies 4]
 * </pre>
 */
public final class FastPathBenchmark {
  private FastPathBenchmark() {}

  /** One configuration: a model variant and whether large JPEGs are draft-decoded. */
  record Config(String name, String variant, boolean draft) {}

  static final List<Config> CONFIGS = List.of(new Config("exact fp32 (default)", "", false),
      new Config("draft decoding, fp32", "", true), new Config("exact, int8 graph", "int8", false),
      new Config("draft decoding + int8 graph", "int8", true));

  public static void main(String[] args) throws Exception {
    Map<String, String> a = PipelineBenchmark.parse(args);
    Path model = Path.of(a.get("model"));
    Path photos = Path.of(a.get("photos"));
    Path work = Path.of(a.getOrDefault("work", "target/bench/fastpath"));
    int size = Integer.parseInt(a.getOrDefault("size", "2000"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
    int copies = Integer.parseInt(a.getOrDefault("copies", "4"));
    Path labelled = upscale(Path.of(a.get("labelled")), work.resolve("labelled-" + size), size);
    Path speedSet = copies(photos, work.resolve("photos-x" + copies), copies);

    Map<Config, OnnxFeatureEmbedder> embedders = new LinkedHashMap<>();
    for (Config c : CONFIGS) {
      embedders.put(c, OnnxEmbedders.efficientNetLite0().modelDirectory(model).variant(c.variant()).build());
    }
    try {
      List<String> ids = files(labelled).stream().map(p -> labelled.relativize(p).toString()).toList();
      System.out.printf(Locale.ROOT, "%d labelled %dx%d JPEGs in %s; %d large photos in %s; %d processors%n",
          ids.size(), size, size, labelled, files(speedSet).size(), speedSet,
          Runtime.getRuntime().availableProcessors());
      Map<Config, List<float[]>> vectors = new LinkedHashMap<>();
      for (Config c : CONFIGS) {
        vectors.put(c, embed(embedders.get(c), labelled, ids, c.draft()));
      }
      Map<Config, List<Double>> speed = new LinkedHashMap<>();
      CONFIGS.forEach(c -> speed.put(c, new ArrayList<>()));
      for (Config c : CONFIGS) {
        index(embedders.get(c), speedSet, c.draft()); // warm-up
      }
      for (int r = 0; r < rounds; r++) {
        for (Config c : CONFIGS) {
          speed.get(c).add(index(embedders.get(c), speedSet, c.draft()));
        }
      }
      List<float[]> exact = vectors.get(CONFIGS.get(0));
      double baseSpeed = median(speed.get(CONFIGS.get(0)));
      double[] base = looRates(ids, exact);
      System.out.printf(Locale.ROOT, "%n%-30s %18s %7s %22s %10s %14s%n", "configuration", "large JPEGs img/s",
          "ratio", "cosine to exact min/mean", "P@10", "top-1");
      for (Config c : CONFIGS) {
        List<float[]> v = vectors.get(c);
        double min = 2;
        double sum = 0;
        for (int i = 0; i < v.size(); i++) {
          double cos = cosine(exact.get(i), v.get(i));
          min = Math.min(min, cos);
          sum += cos;
        }
        double[] rates = looRates(ids, v);
        double s = median(speed.get(c));
        System.out.printf(Locale.ROOT, "%-30s %8.2f %-9s %6.2fx %10.5f / %.5f %10.4f (%+.4f) %6.4f (%+.4f)%n",
            c.name(), s, spread(speed.get(c)), s / baseSpeed, min, sum / v.size(), rates[0], rates[0] - base[0],
            rates[1], rates[1] - base[1]);
      }
    } finally {
      for (OnnxFeatureEmbedder e : embedders.values()) {
        e.close();
      }
    }
  }

  /** Images/s of one ImageIndex run into a fresh in-memory store. */
  static double index(OnnxFeatureEmbedder e, Path dir, boolean draft) {
    try (InMemoryVectorStore store = new InMemoryVectorStore();
         ImageIndex index = ImageIndex.builder().embedder(e).store(store).collection("bench").draftDecoding(draft)
             .build()) {
      IndexReport r = index.index(IndexSource.directory(dir).build());
      if (r.failed() > 0 || r.indexed() == 0) {
        throw new IllegalStateException("benchmark run failed: " + r + " " + r.failures());
      }
      return r.indexed() / (r.elapsed().toNanos() / 1e9);
    }
  }

  /** The vectors of the labelled files, preprocessed as ImageIndex does with or without draft decoding. */
  static List<float[]> embed(OnnxFeatureEmbedder e, Path root, List<String> ids, boolean draft) {
    ImagePreprocessor p = ImagePreprocessor.builder(e.recipe()).draft(draft).build();
    List<float[]> out = new ArrayList<>();
    for (int i = 0; i < ids.size(); i += 16) {
      List<ImageInput> batch = ids.subList(i, Math.min(ids.size(), i + 16)).stream()
          .map(id -> ImageInput.of(root.resolve(id))).toList();
      out.addAll(e.embedPixels(p.apply(batch)));
    }
    return out;
  }

  /** Leave-one-out P@10 and top-1 by exact cosine; the class is the file's folder. */
  static double[] looRates(List<String> ids, List<float[]> v) {
    double p10 = 0;
    double top1 = 0;
    for (int q = 0; q < ids.size(); q++) {
      int query = q;
      double[] sim = new double[ids.size()];
      for (int j = 0; j < ids.size(); j++) {
        sim[j] = j == q ? Double.NEGATIVE_INFINITY : cosine(v.get(q), v.get(j));
      }
      int[] top = IntStream.range(0, ids.size()).boxed().sorted((x, y) -> Double.compare(sim[y], sim[x])).limit(10)
          .mapToInt(Integer::intValue).toArray();
      String cls = classOf(ids.get(q));
      long same = Arrays.stream(top).filter(j -> classOf(ids.get(j)).equals(cls)).count();
      p10 += same / 10.0;
      top1 += classOf(ids.get(top[0])).equals(classOf(ids.get(query))) ? 1 : 0;
    }
    return new double[] {p10 / ids.size(), top1 / ids.size()};
  }

  private static String classOf(String id) {
    return Path.of(id).getParent().toString();
  }

  /** Each labelled image upscaled (bicubic) to size x size with a light grain, saved as a quality-90 JPEG; cached. */
  static Path upscale(Path source, Path out, int size) throws IOException {
    Random random = new Random(16);
    for (Path f : files(source)) {
      Path target = out.resolve(source.relativize(f).toString().replaceAll("\\.[^.]+$", ".jpg"));
      if (Files.exists(target)) {
        continue;
      }
      BufferedImage small = ImageIO.read(f.toFile());
      BufferedImage big = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = big.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.drawImage(small, 0, 0, size, size, null);
      g.dispose();
      int[] px = big.getRGB(0, 0, size, size, null, 0, size);
      for (int i = 0; i < px.length; i++) {
        int n = (int) Math.round(random.nextGaussian() * 5);
        int r = clamp((px[i] >> 16 & 255) + n);
        int gr = clamp((px[i] >> 8 & 255) + n);
        int b = clamp((px[i] & 255) + n);
        px[i] = r << 16 | gr << 8 | b;
      }
      big.setRGB(0, 0, size, size, px, 0, size);
      Files.createDirectories(target.getParent());
      writeJpeg(big, target, 0.9f);
    }
    return out;
  }

  /** {@code copies} hard links (or copies) of every JPEG of a folder, so that a run has enough images. */
  static Path copies(Path source, Path out, int copies) throws IOException {
    for (Path f : files(source)) {
      for (int c = 0; c < copies; c++) {
        Path target = out.resolve("c" + c).resolve(f.getFileName());
        if (!Files.exists(target)) {
          Files.createDirectories(target.getParent());
          try {
            Files.createLink(target, f);
          } catch (IOException | UnsupportedOperationException e) {
            Files.copy(f, target);
          }
        }
      }
    }
    return out;
  }

  private static void writeJpeg(BufferedImage img, Path file, float quality) throws IOException {
    ImageWriter w = ImageIO.getImageWritersByFormatName("jpg").next();
    try (ImageOutputStream s = ImageIO.createImageOutputStream(file.toFile())) {
      w.setOutput(s);
      ImageWriteParam p = w.getDefaultWriteParam();
      p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      p.setCompressionQuality(quality);
      w.write(null, new IIOImage(img, null, null), p);
    } finally {
      w.dispose();
    }
  }

  static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(
          ".*\\.(jpe?g|png)$")).sorted().toList();
    }
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static double cosine(float[] a, float[] b) {
    double d = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      d += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return d / Math.sqrt(na * nb);
  }

  private static double median(List<Double> xs) {
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String spread(List<Double> xs) {
    return String.format(Locale.ROOT, "[%.1f-%.1f]", xs.stream().mapToDouble(Double::doubleValue).min().orElse(0),
        xs.stream().mapToDouble(Double::doubleValue).max().orElse(0));
  }
}
