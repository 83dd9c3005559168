import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.image.ImageRecipe;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Decode and preprocess cost per image of core's image package, on one thread: {@code ImageDecoder.decode} of a
 * file, then {@code ImageRecipe.applyTo} into a reused float array. Run through {@code benchmarks/onnx/image.sh},
 * which runs the Pillow side ({@code image_bench.py}) on the same files and prints both.
 *
 * <p>A warm-up pass (the JIT) comes first, then {@code --rounds} timed passes over all images; per phase the
 * median over the rounds of wall and thread-CPU milliseconds per image is printed, as one line of
 * {@code key=value} pairs per phase that {@code image.sh} collects.
 */
public final class ImageBench {
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path dir = Path.of(a.getOrDefault("images", System.getProperty("user.home") + "/.cache/imgsearch-bench/images"));
    int count = Integer.parseInt(a.getOrDefault("count", "500"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
    String recipeName = a.getOrDefault("recipe", "openai-clip-224");
    String label = a.getOrDefault("label", "java");
    ImageRecipe recipe = switch (recipeName) {
      case "openai-clip-224" -> ImageRecipe.openAiClip(224);
      case "chinese-clip-224" -> ImageRecipe.chineseClip(224);
      case "torchvision-imagenet-224" -> ImageRecipe.torchvisionResNet();
      case "keras-vgg16-224" -> ImageRecipe.kerasVgg16();
      default -> throw new IllegalArgumentException("unknown recipe " + recipeName);
    };
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files = list.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(count).toList();
    }
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ImageDecoder decoder = ImageDecoder.standard();
    float[] tensor = new float[recipe.tensorSize()];
    double checksum = 0;
    // warm-up: the JIT compiles the decoder and the resize loops
    for (int i = 0; i < Math.min(files.size(), 150); i++) {
      recipe.applyTo(decoder.decode(ImageInput.of(files.get(i))), tensor, 0);
    }
    List<double[]> perRound = new ArrayList<>(); // {decode wall, decode cpu, preprocess wall, preprocess cpu}, ms
    for (int r = 0; r < rounds; r++) {
      long decodeWall = 0;
      long decodeCpu = 0;
      long prepWall = 0;
      long prepCpu = 0;
      for (Path file : files) {
        long w0 = System.nanoTime();
        long c0 = threads.getCurrentThreadCpuTime();
        BufferedImage image = decoder.decode(ImageInput.of(file));
        long w1 = System.nanoTime();
        long c1 = threads.getCurrentThreadCpuTime();
        recipe.applyTo(image, tensor, 0);
        long w2 = System.nanoTime();
        long c2 = threads.getCurrentThreadCpuTime();
        decodeWall += w1 - w0;
        decodeCpu += c1 - c0;
        prepWall += w2 - w1;
        prepCpu += c2 - c1;
        if (r == 0) {
          checksum += tensor[tensor.length / 2];
        }
      }
      double n = files.size() * 1e6;
      perRound.add(new double[] {decodeWall / n, decodeCpu / n, prepWall / n, prepCpu / n});
      System.err.printf(Locale.ROOT, "  %s round %d: decode %.2f ms (cpu %.2f), preprocess %.2f ms (cpu %.2f)%n",
          label, r + 1, decodeWall / n, decodeCpu / n, prepWall / n, prepCpu / n);
    }
    System.out.printf(Locale.ROOT, "side=%s images=%d rounds=%d recipe=%s decode_ms=%.3f decode_cpu_ms=%.3f "
        + "preprocess_ms=%.3f preprocess_cpu_ms=%.3f checksum=%.6f%n", label, files.size(), rounds, recipeName,
        median(perRound, 0), median(perRound, 1), median(perRound, 2), median(perRound, 3), checksum);
  }

  private static double median(List<double[]> rows, int column) {
    double[] v = rows.stream().mapToDouble(r -> r[column]).toArray();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
