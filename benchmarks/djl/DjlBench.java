import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.djl.DjlEmbedders;
import dev.imgsearch.djl.DjlEngine;
import dev.imgsearch.onnx.OnnxEmbedders;
import dev.imgsearch.onnx.session.OnnxOptions;
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
 * Image-embedding throughput of embedders-djl (DJL's ONNX Runtime engine on the ONNX file, DJL's PyTorch engine on the
 * TorchScript export of the same weights) against embedders-onnx, on the same full-size random-weight model, batch
 * size and thread count, batch by batch in one process (the order rotates from batch to batch, so that every path
 * meets the same machine load). Two measures per path: the model path ({@code embedPixels} on batches preprocessed
 * before the clock starts: translator, inference, post-processing) and the public API ({@code embedImages}: decode,
 * preprocess, infer). Run through {@code benchmarks/djl/run.sh}.
 *
 * <p>Arguments: {@code --model clip-vit-b32|resnet50 --dir <model dir> --images <dir> --count N --batch B
 * --threads T}.
 */
public final class DjlBench {
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String model = a.getOrDefault("model", "clip-vit-b32");
    Path dir = Path.of(a.get("dir"));
    int count = Integer.parseInt(a.getOrDefault("count", "96"));
    int batch = Integer.parseInt(a.getOrDefault("batch", "16"));
    int threads = Integer.parseInt(a.getOrDefault("threads", "2"));
    List<ImageInput> images;
    try (Stream<Path> files = Files.list(Path.of(a.get("images")))) {
      images = files.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(count).map(ImageInput::of).toList();
    }
    Map<String, PixelEmbedder> embedders = new LinkedHashMap<>();
    OnnxOptions onnx = OnnxOptions.builder().intraOpThreads(threads).optimization(OnnxOptions.Optimization.ALL)
        .device(OnnxOptions.Device.CPU).build();
    boolean clip = model.startsWith("clip");
    // DJL's ONNX Runtime engine must create ONNX Runtime's environment: DJL embedders are built first
    embedders.put("embedders-onnx", null);
    for (DjlEngine engine : DjlEngine.values()) {
      String name = engine == DjlEngine.PYTORCH ? "djl-pytorch (TorchScript)" : "djl-onnxruntime";
      embedders.put(name, clip
          ? DjlEmbedders.clip().modelDirectory(dir).engine(engine).threads(threads).maxPredictors(1)
              .option("optLevel", "ALL_OPT").build()
          : DjlEmbedders.resnet50().modelDirectory(dir).engine(engine).threads(threads).maxPredictors(1)
              .option("optLevel", "ALL_OPT").build());
    }
    embedders.put("embedders-onnx", clip ? OnnxEmbedders.clip().modelDirectory(dir).options(onnx).build()
        : OnnxEmbedders.resnet50().modelDirectory(dir).options(onnx).build());
    System.out.printf(Locale.ROOT, "model %s, %d images, batch %d, %d threads (ORT intra-op; LibTorch "
        + "ai.djl.pytorch.num_threads=%s)%n", model, images.size(), batch, threads,
        System.getProperty("ai.djl.pytorch.num_threads"));
    // preprocessed batches for the model path, made once
    PixelEmbedder first = embedders.values().iterator().next();
    List<List<ImageInput>> inputBatches = new ArrayList<>();
    List<List<float[]>> pixelBatches = new ArrayList<>();
    for (int i = 0; i < images.size(); i += batch) {
      List<ImageInput> b = images.subList(i, Math.min(images.size(), i + batch));
      inputBatches.add(b);
      pixelBatches.add(b.stream().map(im -> first.recipe().apply(ImageDecoder.standard().decode(im))).toList());
    }
    List<String> names = new ArrayList<>(embedders.keySet());
    // warm-up and agreement: one batch each; the vectors must agree
    Map<String, List<float[]>> warm = new LinkedHashMap<>();
    for (String n : names) {
      warm.put(n, embedders.get(n).embedPixels(pixelBatches.get(0)));
    }
    for (String n : names) {
      double min = 1;
      for (int i = 0; i < warm.get(n).size(); i++) {
        min = Math.min(min, cosine(warm.get(n).get(i), warm.get(names.get(0)).get(i)));
      }
      System.out.printf(Locale.ROOT, "  %-28s min cosine vs embedders-onnx on the warm-up batch: %.7f%n", n, min);
    }
    Map<String, double[]> pixelSeconds = new LinkedHashMap<>();
    Map<String, double[]> apiSeconds = new LinkedHashMap<>();
    for (String n : names) {
      pixelSeconds.put(n, new double[pixelBatches.size()]);
      apiSeconds.put(n, new double[pixelBatches.size()]);
    }
    for (int b = 0; b < pixelBatches.size(); b++) {
      for (int k = 0; k < names.size(); k++) {
        String n = names.get((b + k) % names.size());
        long t0 = System.nanoTime();
        embedders.get(n).embedPixels(pixelBatches.get(b));
        long t1 = System.nanoTime();
        embedders.get(n).embedImages(inputBatches.get(b));
        long t2 = System.nanoTime();
        pixelSeconds.get(n)[b] = (t1 - t0) / 1e9;
        apiSeconds.get(n)[b] = (t2 - t1) / 1e9;
      }
      System.out.printf(Locale.ROOT, "  batch %d/%d done%n", b + 1, pixelBatches.size());
    }
    int[] sizes = inputBatches.stream().mapToInt(List::size).toArray();
    System.out.println();
    System.out.printf(Locale.ROOT, "%-28s %14s %10s   %14s %10s%n", "path", "embedPixels", "vs onnx", "embedImages",
        "vs onnx");
    System.out.printf(Locale.ROOT, "%-28s %14s %10s   %14s %10s%n", "", "images/s", "(median)", "images/s",
        "(median)");
    for (String n : names) {
      System.out.printf(Locale.ROOT, "%-28s %14.2f %9.3fx   %14.2f %9.3fx%n", n, rate(sizes, pixelSeconds.get(n)),
          medianRatio(pixelSeconds.get(names.get(0)), pixelSeconds.get(n)), rate(sizes, apiSeconds.get(n)),
          medianRatio(apiSeconds.get(names.get(0)), apiSeconds.get(n)));
    }
    System.out.println("(vs onnx: median over the batches of embedders-onnx's time / this path's time on the same "
        + "batch; > 1 is faster)");
    for (PixelEmbedder e : embedders.values()) {
      e.close();
    }
  }

  private static double rate(int[] sizes, double[] seconds) {
    return Arrays.stream(sizes).sum() / Arrays.stream(seconds).sum();
  }

  private static double medianRatio(double[] base, double[] other) {
    double[] r = new double[base.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = base[i] / other[i];
    }
    Arrays.sort(r);
    return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
  }

  private static double cosine(float[] x, float[] y) {
    double d = 0;
    double nx = 0;
    double ny = 0;
    for (int i = 0; i < x.length; i++) {
      d += (double) x[i] * y[i];
      nx += (double) x[i] * x[i];
      ny += (double) y[i] * y[i];
    }
    return d / Math.sqrt(nx * ny);
  }
}
