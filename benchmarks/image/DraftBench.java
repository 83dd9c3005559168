import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.image.ImagePreprocessor;
import dev.imgsearch.image.ImageRecipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Exact vs draft (reduced-size JPEG decoding) preprocessing speed: decode + resize + crop + normalise images/s of an
 * {@link ImagePreprocessor} with and without {@code draft(true)}, on a pool of {@code --threads} threads, per image
 * set (the sub-folders of {@code --images}: 12 MP and 640x480 photos from {@code make_photos.py}) and per recipe.
 * Run by {@code run.sh}; figures in README.md.
 *
 * <p>Per set and recipe: a warm-up pass of each mode (the JIT), then {@code --rounds} rounds, each timing the exact
 * path then the draft path (alternating, so that a change in the machine's load hits both) over {@code --repeat}
 * copies of the set's list; the median and the range over the rounds of images/s and of the per-round ratio are
 * printed. The cosine between each image's exact and draft tensor is a first quality proxy (no model involved).
 */
public final class DraftBench {
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path root = Path.of(a.getOrDefault("images", "benchmarks/image/target/photos"));
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "5"));
    int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
    int repeat = Integer.parseInt(a.getOrDefault("repeat", "2"));
    List<String> sets = List.of(a.getOrDefault("sets", "12mp,vga").split(","));
    Map<String, ImageRecipe> recipes = new LinkedHashMap<>();
    recipes.put("openai-clip-224", ImageRecipe.openAiClip(224));
    recipes.put("torchvision-imagenet-224", ImageRecipe.torchvisionResNet());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    System.out.printf(Locale.ROOT, "java %s, %d threads, %d rounds, %d cores available, load average %s%n",
        System.getProperty("java.version"), threads, rounds, Runtime.getRuntime().availableProcessors(),
        Files.readString(Path.of("/proc/loadavg")).trim());
    System.out.printf(Locale.ROOT, "%-6s %-26s %6s %22s %22s %22s %18s%n", "set", "recipe", "images",
        "exact img/s med [min-max]", "draft img/s med [min-max]", "ratio med [min-max]", "cosine mean / min");
    try {
      for (String set : sets) {
        List<ImageInput> images;
        try (Stream<Path> files = Files.list(root.resolve(set))) {
          images = files.filter(p -> p.toString().endsWith(".jpg")).sorted().map(ImageInput::of).toList();
        }
        List<ImageInput> batch = new ArrayList<>();
        for (int r = 0; r < repeat; r++) {
          batch.addAll(images);
        }
        for (Map.Entry<String, ImageRecipe> recipe : recipes.entrySet()) {
          ImagePreprocessor exact = ImagePreprocessor.builder(recipe.getValue()).executor(pool).build();
          ImagePreprocessor draft = ImagePreprocessor.builder(recipe.getValue()).executor(pool).draft(true).build();
          // quality proxy, and the warm-up
          double cosSum = 0;
          double cosMin = 1;
          List<float[]> e = exact.apply(images);
          List<float[]> d = draft.apply(images);
          for (int i = 0; i < images.size(); i++) {
            double c = cosine(e.get(i), d.get(i));
            cosSum += c;
            cosMin = Math.min(cosMin, c);
          }
          exact.apply(batch);
          draft.apply(batch);
          double[] exactRate = new double[rounds];
          double[] draftRate = new double[rounds];
          double[] ratio = new double[rounds];
          for (int r = 0; r < rounds; r++) {
            exactRate[r] = rate(exact, batch);
            draftRate[r] = rate(draft, batch);
            ratio[r] = draftRate[r] / exactRate[r];
          }
          System.out.printf(Locale.ROOT, "%-6s %-26s %6d %22s %22s %22s %9.5f / %.5f%n", set, recipe.getKey(),
              batch.size(), summary(exactRate, "%.2f"), summary(draftRate, "%.2f"), summary(ratio, "%.2fx"),
              cosSum / images.size(), cosMin);
        }
      }
    } finally {
      pool.shutdown();
    }
  }

  private static double rate(ImagePreprocessor p, List<ImageInput> batch) {
    long start = System.nanoTime();
    List<float[]> out = p.apply(batch);
    long ns = System.nanoTime() - start;
    if (out.size() != batch.size()) {
      throw new IllegalStateException("lost images");
    }
    return batch.size() / (ns / 1e9);
  }

  private static String summary(double[] values, String format) {
    double[] s = values.clone();
    Arrays.sort(s);
    double median = s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    return String.format(Locale.ROOT, format + " [" + format + "-" + format + "]", median, s[0], s[s.length - 1]);
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
