import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.onnx.OnnxEmbedders;
import dev.imgsearch.onnx.session.OnnxOptions;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Image-embedding throughput of the SDK's Java path against ONNX Runtime alone and against the Python reference, with
 * the same model file, batch size and intra-op thread count, measured batch by batch in one process so that every
 * path meets the same machine load. Run through {@code benchmarks/onnx/run.sh} (it builds the SDK, makes the models
 * and images, and starts this file with the right class path).
 *
 * <p>Per batch, in an order that rotates from batch to batch:
 * <ul>
 *   <li>ORT alone: {@code OrtSession.run} on a ready input tensor (made before the clock starts);</li>
 *   <li>Java: {@code embedder.embedImages(List<ImageInput>)}, the public API: decode, preprocess, batch, infer,
 *       normalise;</li>
 *   <li>Python: the reference pipeline in a worker process (Pillow + numpy + onnxruntime-python), timed inside it;</li>
 *   <li>sgemm: square float32 MatMuls by constant matrices (1024, 2048; three each) in ONNX Runtime with the same
 *       threads; the median over the batches of each batch's best FLOP/s is the sustained rate, the ceiling.</li>
 * </ul>
 * A warm-up batch of each path runs first. The report gives aggregate images/s, the median of the per-batch ratios
 * (each ratio taken between runs made seconds apart), and the machine load seen during each path.
 */
public final class OnnxBench {

  enum PathKind {
    ORT("ONNX Runtime alone, ready tensors (Java API)"),
    JAVA("Java SDK: embedImages (decode+preprocess+ORT)"),
    JAVA_SEQUENTIAL("Java SDK: one-by-one decode+recipe, embedPixels"),
    JAVA_OWN_SESSION("Java decode+recipe (parallel), bench's session"),
    PYTHON("Python reference (Pillow+numpy+onnxruntime)"),
    PYTHON_PER_IMAGE("Python, one image per run (the CLIP text-to-image tutorial's loop)"),
    SGEMM("sgemm");

    final String label;

    PathKind(String label) {
      this.label = label;
    }
  }

  record Settings(Path cache, String model, int images, int batch, int threads, Path python, Path worker,
      Path results, List<PathKind> paths, boolean spinning) {}

  /** One timed run: wall seconds, CPU seconds of the measured process, cores busy with other processes. */
  record Sample(double seconds, double cpuSeconds, double othersCores, double loadAverage) {}

  public static void main(String[] args) throws Exception {
    Settings s = parse(args);
    JsonObject assets = JsonParser.parseString(Files.readString(s.cache().resolve("assets.json"))).getAsJsonObject();
    JsonObject modelInfo = assets.getAsJsonObject("models").getAsJsonObject(s.model());
    if (modelInfo == null) {
      throw new IllegalArgumentException("No model '" + s.model() + "' in " + s.cache() + "/assets.json; run "
          + "benchmarks/onnx/run.sh (it makes the models) or pick one of " + assets.getAsJsonObject("models").keySet());
    }
    Path modelDir = Path.of(modelInfo.get("directory").getAsString());
    double flopsPerImage = modelInfo.get("flopsPerImage").getAsDouble();
    boolean clip = s.model().startsWith("clip");
    Path visionFile = modelDir.resolve(clip ? "onnx/vision_model.onnx" : "onnx/model.onnx");
    String output = clip ? "image_embeds" : "pooler_output";
    String pythonRecipe = clip ? "openai-clip-224" : "torchvision-imagenet-224";

    List<Path> files;
    try (Stream<Path> list = Files.list(s.cache().resolve("images"))) {
      files = list.filter(p -> p.toString().endsWith(".jpg")).sorted().limit(s.images()).toList();
    }
    if (files.size() < s.images()) {
      throw new IllegalStateException("Only " + files.size() + " images in " + s.cache().resolve("images")
          + "; run make_assets.py with --images " + s.images());
    }
    List<List<Path>> batches = new ArrayList<>();
    for (int i = 0; i < files.size(); i += s.batch()) {
      batches.add(files.subList(i, Math.min(files.size(), i + s.batch())));
    }

    OnnxOptions options = OnnxOptions.builder().intraOpThreads(s.threads()).spinWait(s.spinning())
        .optimization(OnnxOptions.Optimization.ALL).device(OnnxOptions.Device.CPU).build();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    System.out.printf(Locale.ROOT, "%nimgsearch ONNX benchmark: %s (%s), %d images in batches of %d, %d intra-op "
        + "threads%n", s.model(), visionFile, files.size(), s.batch(), s.threads());
    System.out.printf(Locale.ROOT, "machine: %d CPUs (%s), load average at start %s%n",
        Runtime.getRuntime().availableProcessors(), cpuModel(), loadAverages());

    try (PixelEmbedder embedder = clip
            ? OnnxEmbedders.clip().modelDirectory(modelDir).options(options).build()
            : OnnxEmbedders.resnet50().modelDirectory(modelDir).options(options).build();
        OrtSession.SessionOptions so = sessionOptions(s.threads(), s.spinning());
        OrtSession ort = env.createSession(visionFile.toString(), so);
        Sgemm sgemm = new Sgemm(env, assets.getAsJsonArray("sgemm"), so);
        PythonWorker python = new PythonWorker(s, visionFile, pythonRecipe, output)) {
      String ortInput = ort.getInputNames().iterator().next();
      int tensorSize = embedder.recipe().tensorSize();
      int side = embedder.recipe().height();

      // Ready tensors for "ORT alone": the SDK's own preprocessing, done once before any clock starts (this also
      // warms up the decoder and the resize code in the JIT).
      System.out.printf(Locale.ROOT, "preparing the ready tensors of %d batches ...%n", batches.size());
      List<float[]> ready = new ArrayList<>();
      for (List<Path> batch : batches) {
        float[] data = new float[batch.size() * tensorSize];
        for (int i = 0; i < batch.size(); i++) {
          embedder.recipe().applyTo(ImageDecoder.standard().decode(ImageInput.of(batch.get(i))), data, i * tensorSize);
        }
        ready.add(data);
      }

      Map<PathKind, List<Sample>> samples = new EnumMap<>(PathKind.class);
      for (PathKind k : PathKind.values()) {
        samples.put(k, new ArrayList<>());
      }
      double minCosine = 1;
      System.out.println("warming up (one batch of each path) ...");
      for (PathKind kind : s.paths()) {
        run(kind, 0, batches, ready, side, embedder, ort, ortInput, sgemm, python, null);
      }
      run(PathKind.SGEMM, 0, batches, ready, side, embedder, ort, ortInput, sgemm, python, null);
      sgemm.rates.clear();
      python.preprocessSeconds = 0;
      python.inferSeconds = 0;
      System.out.printf(Locale.ROOT, "measuring %d batches: each of %s on every batch, then the sgemms%n",
          batches.size(), s.paths());
      long start = System.nanoTime();
      PathKind[] order = s.paths().toArray(PathKind[]::new);
      for (int b = 0; b < batches.size(); b++) {
        Map<PathKind, List<float[]>> embeddings = new EnumMap<>(PathKind.class);
        for (int j = 0; j < order.length; j++) {
          PathKind kind = order[(b + j) % order.length];
          List<float[]> result = new ArrayList<>();
          samples.get(kind).add(run(kind, b, batches, ready, side, embedder, ort, ortInput, sgemm, python,
              result));
          embeddings.put(kind, result);
        }
        samples.get(PathKind.SGEMM).add(run(PathKind.SGEMM, b, batches, ready, side, embedder, ort, ortInput,
            sgemm, python, null));
        if (embeddings.containsKey(PathKind.JAVA) && embeddings.containsKey(PathKind.PYTHON)) {
          minCosine = Math.min(minCosine, minCosine(embeddings.get(PathKind.JAVA), embeddings.get(PathKind.PYTHON)));
        }
        if ((b + 1) % Math.max(1, batches.size() / 10) == 0 || b + 1 == batches.size()) {
          System.out.printf(Locale.ROOT, "  %d/%d batches, %.0f s, load average %s%n", b + 1, batches.size(),
              (System.nanoTime() - start) / 1e9, loadAverages());
        }
      }
      report(s, files.size(), batches, samples, flopsPerImage, sgemm, minCosine, python);
    }
  }

  private static OrtSession.SessionOptions sessionOptions(int threads, boolean spinning) throws OrtException {
    // What OnnxOptions{intraOpThreads=threads, optimization=ALL, device=CPU, spinWait=spinning} sets for the SDK's
    // embedder (--spinning sets both); the Python side keeps onnxruntime's defaults apart from the threads.
    OrtSession.SessionOptions so = new OrtSession.SessionOptions();
    so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
    so.setIntraOpNumThreads(threads);
    so.addConfigEntry("session.intra_op.allow_spinning", spinning ? "1" : "0");
    so.addConfigEntry("session.inter_op.allow_spinning", spinning ? "1" : "0");
    return so;
  }

  private static Sample run(PathKind kind, int b, List<List<Path>> batches, List<float[]> ready, int side,
      PixelEmbedder embedder, OrtSession ort, String ortInput, Sgemm sgemm, PythonWorker python,
      List<float[]> embeddings) throws Exception {
    List<Path> batch = batches.get(b);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    Probe probe;
    switch (kind) {
      case ORT -> {
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(ready.get(b)),
            new long[] {batch.size(), 3, side, side})) {
          probe = Probe.start();
          try (OrtSession.Result r = ort.run(Map.of(ortInput, input))) {
            return probe.stop(ProcessCpu.SELF);
          }
        }
      }
      case JAVA -> {
        List<ImageInput> inputs = batch.stream().map(ImageInput::of).toList();
        probe = Probe.start();
        List<float[]> out = embedder.embedImages(inputs);
        Sample sample = probe.stop(ProcessCpu.SELF);
        if (embeddings != null) {
          embeddings.addAll(out);
        }
        return sample;
      }
      case JAVA_SEQUENTIAL -> {
        List<ImageInput> inputs = batch.stream().map(ImageInput::of).toList();
        probe = Probe.start();
        List<float[]> pixels = new ArrayList<>();
        for (ImageInput input : inputs) {
          pixels.add(embedder.recipe().apply(ImageDecoder.standard().decode(input)));
        }
        List<float[]> out = embedder.embedPixels(pixels);
        Sample sample = probe.stop(ProcessCpu.SELF);
        if (embeddings != null) {
          embeddings.addAll(out);
        }
        return sample;
      }
      case JAVA_OWN_SESSION -> {
        // what embedImages does (parallel decode + preprocess), then the bench's own session on the batch
        List<ImageInput> inputs = batch.stream().map(ImageInput::of).toList();
        int size = 3 * side * side;
        probe = Probe.start();
        float[] data = new float[inputs.size() * size];
        java.util.stream.IntStream.range(0, inputs.size()).parallel().forEach(i ->
            embedder.recipe().applyTo(ImageDecoder.standard().decode(inputs.get(i)), data, i * size));
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(data),
            new long[] {inputs.size(), 3, side, side});
            OrtSession.Result r = ort.run(Map.of(ortInput, input))) {
          return probe.stop(ProcessCpu.SELF);
        }
      }
      case PYTHON, PYTHON_PER_IMAGE -> {
        probe = Probe.start();
        JsonObject answer = python.batch(batch, kind == PathKind.PYTHON_PER_IMAGE);
        Sample outer = probe.stop(() -> 0);
        if (embeddings != null) {
          for (var row : answer.getAsJsonArray("embeddings")) {
            JsonArray a = row.getAsJsonArray();
            float[] v = new float[a.size()];
            for (int i = 0; i < v.length; i++) {
              v[i] = a.get(i).getAsFloat();
            }
            embeddings.add(v);
          }
        }
        double seconds = answer.get("seconds").getAsDouble();
        double cpu = answer.get("cpuSeconds").getAsDouble();
        // outer.othersCores counted every process's CPU but ours (none here, Java waits): take the worker's out
        double others = Math.max(0, outer.othersCores() - cpu / outer.seconds());
        if (kind == PathKind.PYTHON) {
          python.preprocessSeconds += answer.get("preprocessSeconds").getAsDouble();
          python.inferSeconds += answer.get("inferSeconds").getAsDouble();
        }
        return new Sample(seconds, cpu, others, outer.loadAverage());
      }
      case SGEMM -> {
        return sgemm.run();
      }
      default -> throw new IllegalStateException();
    }
  }

  // ----------------------------------------------------------------------------------------------------------------
  // Report
  // ----------------------------------------------------------------------------------------------------------------

  private static void report(Settings s, int images, List<List<Path>> batches, Map<PathKind, List<Sample>> samples,
      double flopsPerImage, Sgemm sgemm, double minCosine, PythonWorker python) throws IOException {
    double[] sizes = batches.stream().mapToDouble(List::size).toArray();
    Map<PathKind, double[]> rate = new EnumMap<>(PathKind.class); // images/s per batch
    Map<PathKind, Double> total = new EnumMap<>(PathKind.class); // images / sum of seconds
    for (PathKind k : s.paths()) {
      List<Sample> list = samples.get(k);
      double[] r = new double[list.size()];
      double seconds = 0;
      for (int i = 0; i < r.length; i++) {
        r[i] = sizes[i] / list.get(i).seconds();
        seconds += list.get(i).seconds();
      }
      rate.put(k, r);
      total.put(k, images / seconds);
    }
    double[] flops = sgemm.rates.stream().mapToDouble(Double::doubleValue).toArray();
    double medianFlops = median(flops);
    JsonObject json = new JsonObject();
    json.addProperty("model", s.model());
    json.addProperty("images", images);
    json.addProperty("batch", s.batch());
    json.addProperty("threads", s.threads());
    json.addProperty("cpu", cpuModel());

    System.out.println();
    System.out.printf(Locale.ROOT, "Results: %s, %d images, batch %d, %d intra-op threads (one run, paths "
        + "interleaved batch by batch)%n", s.model(), images, s.batch(), s.threads());
    String line = "-".repeat(118);
    System.out.println(line);
    System.out.printf(Locale.ROOT, "%-48s %10s %12s %10s %10s %11s %10s%n", "path", "images/s", "median of",
        "CPU s", "CPU cores", "others'", "load avg");
    System.out.printf(Locale.ROOT, "%-48s %10s %12s %10s %10s %11s %10s%n", "", "(all)", "batches", "per image",
        "used", "cores busy", "(1 min)");
    System.out.println(line);
    for (PathKind k : s.paths()) {
      List<Sample> list = samples.get(k);
      double cores = mean(list, true);
      double load = list.stream().mapToDouble(Sample::loadAverage).average().orElse(0);
      System.out.printf(Locale.ROOT, "%-48s %10.2f %12.2f %10.3f %10.2f %11.2f %10.2f%n", k.label, total.get(k),
          median(rate.get(k)), cores / total.get(k), cores, mean(list, false), load);
      JsonObject p = new JsonObject();
      p.addProperty("imagesPerSecond", total.get(k));
      p.addProperty("medianBatchImagesPerSecond", median(rate.get(k)));
      p.addProperty("cpuSecondsPerImage", cores / total.get(k));
      p.addProperty("cpuCoresUsed", cores);
      p.addProperty("othersCoresBusy", mean(list, false));
      p.addProperty("loadAverage", load);
      json.add(k.name().toLowerCase(Locale.ROOT), p);
    }
    System.out.println(line);
    int perRound = flops.length / samples.get(PathKind.SGEMM).size();
    double[] roundBest = new double[flops.length / perRound];
    for (int r = 0; r < roundBest.length; r++) {
      roundBest[r] = max(Arrays.copyOfRange(flops, r * perRound, (r + 1) * perRound));
    }
    double bestFlops = median(roundBest);
    double ceiling = bestFlops / flopsPerImage;
    System.out.printf(Locale.ROOT, "sgemm (square float32 MatMuls of sizes %s by constant matrices) in ONNX Runtime, "
        + "%d threads, %d runs in %d rounds:%n  sustained %.1f GFLOP/s (median over the rounds of each round's best); "
        + "best %.1f, median %.1f, min %.1f%n", sgemm.sizes, s.threads(), flops.length, roundBest.length,
        bestFlops / 1e9, max(flops) / 1e9, medianFlops / 1e9, min(flops) / 1e9);
    System.out.printf(Locale.ROOT, "arithmetic ceiling = sustained FLOP/s / %.3f GFLOPs per image = %.2f images/s%n",
        flopsPerImage / 1e9, ceiling);
    json.addProperty("sgemmSustainedGflops", bestFlops / 1e9);
    json.addProperty("sgemmBestGflops", max(flops) / 1e9);
    json.addProperty("sgemmMedianGflops", medianFlops / 1e9);
    json.addProperty("ceilingImagesPerSecond", ceiling);
    for (PathKind k : List.of(PathKind.ORT, PathKind.JAVA, PathKind.PYTHON)) {
      if (rate.containsKey(k)) {
        String name = k == PathKind.ORT ? "ORT alone" : k == PathKind.JAVA ? "Java" : "Python";
        System.out.printf(Locale.ROOT, "%-12s %6.2f images/s = %.3f of the ceiling (%.1f GFLOP/s)%n", name,
            total.get(k), total.get(k) / ceiling, total.get(k) * flopsPerImage / 1e9);
        json.addProperty(k.name().toLowerCase(Locale.ROOT) + "FractionOfCeiling", total.get(k) / ceiling);
      }
    }
    System.out.println(line);
    for (PathKind k : List.of(PathKind.JAVA, PathKind.JAVA_SEQUENTIAL, PathKind.JAVA_OWN_SESSION)) {
      if (!rate.containsKey(k)) {
        continue;
      }
      String name = k == PathKind.JAVA ? "Java" : k == PathKind.JAVA_SEQUENTIAL ? "Java one-by-one"
          : "Java, bench's session";
      if (rate.containsKey(PathKind.ORT)) {
        ratio(json, name + " / ORT alone", k.name().toLowerCase(Locale.ROOT) + "OverOrt", rate.get(k),
            rate.get(PathKind.ORT), total.get(k) / total.get(PathKind.ORT), k == PathKind.JAVA ? ">= 0.9x" : "");
      }
      if (rate.containsKey(PathKind.PYTHON)) {
        ratio(json, name + " / Python", k.name().toLowerCase(Locale.ROOT) + "OverPython", rate.get(k),
            rate.get(PathKind.PYTHON), total.get(k) / total.get(PathKind.PYTHON), k == PathKind.JAVA ? ">= 1.5x" : "");
      }
      if (rate.containsKey(PathKind.PYTHON_PER_IMAGE)) {
        ratio(json, name + " / Python per image", k.name().toLowerCase(Locale.ROOT) + "OverPythonPerImage",
            rate.get(k), rate.get(PathKind.PYTHON_PER_IMAGE),
            total.get(k) / total.get(PathKind.PYTHON_PER_IMAGE), k == PathKind.JAVA ? ">= 1.5x" : "");
      }
    }
    if (rate.containsKey(PathKind.PYTHON)) {
      PythonWorker.Split split = python.split();
      System.out.printf(Locale.ROOT, "Python time split: %.0f%% preprocessing, %.0f%% inference%n",
          100 * split.preprocess(), 100 * split.infer());
      json.addProperty("pythonPreprocessShare", split.preprocess());
    }
    if (rate.containsKey(PathKind.JAVA) && rate.containsKey(PathKind.PYTHON)) {
      System.out.printf(Locale.ROOT, "Java vs Python embeddings of the same images: min cosine %.6f%n", minCosine);
      json.addProperty("minCosineJavaPython", minCosine);
    }
    System.out.printf(Locale.ROOT, "load average at end %s; Python side: %s%n", loadAverages(), python.versions);
    System.out.println(line);
    Files.createDirectories(s.results().toAbsolutePath().getParent());
    Gson gson = new GsonBuilder().setPrettyPrinting().create();
    Files.writeString(s.results(), gson.toJson(json) + "\n");
    System.out.println("written to " + s.results());
  }

  private static void ratio(JsonObject json, String name, String key, double[] a, double[] b, double aggregate,
      String target) {
    double median = median(pairedRatio(a, b));
    System.out.printf(Locale.ROOT, "%-26s %6.3fx   (median of per-batch ratios; aggregate %.3fx)%s%n", name, median,
        aggregate, target.isEmpty() ? "" : "   target " + target);
    json.addProperty(key, median);
  }

  private static double mean(List<Sample> samples, boolean ours) {
    double w = samples.stream().mapToDouble(Sample::seconds).sum();
    return ours ? samples.stream().mapToDouble(Sample::cpuSeconds).sum() / w
        : samples.stream().mapToDouble(x -> x.othersCores() * x.seconds()).sum() / w;
  }

  private static double[] pairedRatio(double[] a, double[] b) {
    double[] r = new double[a.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = a[i] / b[i];
    }
    return r;
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double max(double[] v) {
    return Arrays.stream(v).max().orElse(Double.NaN);
  }

  private static double minCosine(List<float[]> a, List<float[]> b) {
    double min = 1;
    for (int i = 0; i < a.size(); i++) {
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int j = 0; j < a.get(i).length; j++) {
        dot += (double) a.get(i)[j] * b.get(i)[j];
        na += (double) a.get(i)[j] * a.get(i)[j];
        nb += (double) b.get(i)[j] * b.get(i)[j];
      }
      min = Math.min(min, dot / Math.sqrt(na * nb));
    }
    return min;
  }

  // ----------------------------------------------------------------------------------------------------------------
  // Measuring: wall time, the process's CPU time, and the CPU time every other process took meanwhile
  // ----------------------------------------------------------------------------------------------------------------

  interface ProcessCpu {
    /** CPU seconds of the measured process so far. */
    double seconds();

    ProcessCpu SELF = () -> ((com.sun.management.OperatingSystemMXBean) ManagementFactory
        .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
  }

  /** A running measurement. */
  record Probe(long startNanos, double startCpu, long[] startStat) {
    static Probe start() {
      long[] stat = machineTicks();
      return new Probe(System.nanoTime(), ProcessCpu.SELF.seconds(), stat);
    }

    Sample stop(ProcessCpu cpu) {
      long end = System.nanoTime();
      double ours = cpu == ProcessCpu.SELF ? ProcessCpu.SELF.seconds() - startCpu : 0;
      long[] stat = machineTicks();
      double seconds = (end - startNanos) / 1e9;
      double others = 0;
      long totalTicks = stat[0] - startStat[0];
      if (totalTicks > 0) {
        double busyCores = (double) (stat[1] - startStat[1]) / totalTicks * Runtime.getRuntime().availableProcessors();
        others = Math.max(0, busyCores - ours / seconds);
      }
      return new Sample(seconds, ours, others, loadAverage1());
    }
  }

  /** {total, busy} jiffies of all CPUs, from /proc/stat. */
  static long[] machineTicks() {
    try {
      String cpu = Files.readAllLines(Path.of("/proc/stat")).get(0);
      long[] v = Arrays.stream(cpu.trim().split("\\s+")).skip(1).mapToLong(Long::parseLong).toArray();
      long total = 0;
      for (int i = 0; i < Math.min(8, v.length); i++) { // user nice system idle iowait irq softirq steal
        total += v[i];
      }
      long idle = v[3] + v[4];
      return new long[] {total, total - idle};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  static double loadAverage1() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  static String loadAverages() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException e) {
      return String.format(Locale.ROOT, "%.2f", loadAverage1());
    }
  }

  static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.replaceAll(".*:\\s*", ""))
          .orElse("unknown CPU");
    } catch (IOException e) {
      return "unknown CPU";
    }
  }

  /** Square float32 MatMuls by constant matrices in ONNX Runtime, three of each size per call; keeps every FLOP/s. */
  static final class Sgemm implements AutoCloseable {
    final List<Integer> sizes = new ArrayList<>();
    final List<Double> rates = new ArrayList<>();
    private final List<OrtSession> sessions = new ArrayList<>();
    private final List<OnnxTensor> inputs = new ArrayList<>();

    Sgemm(OrtEnvironment env, JsonArray models, OrtSession.SessionOptions options) throws OrtException {
      Random random = new Random(1);
      for (var m : models) {
        int size = m.getAsJsonObject().get("size").getAsInt();
        sizes.add(size);
        sessions.add(env.createSession(m.getAsJsonObject().get("file").getAsString(), options));
        float[] data = new float[size * size];
        for (int i = 0; i < data.length; i++) {
          data[i] = (float) random.nextGaussian();
        }
        inputs.add(OnnxTensor.createTensor(env, FloatBuffer.wrap(data), new long[] {size, size}));
      }
    }

    /** Three MatMuls of each size; the sample covers them all, each rate is recorded. */
    Sample run() throws OrtException {
      Probe all = Probe.start();
      for (int i = 0; i < sessions.size(); i++) {
        double f = 2.0 * sizes.get(i) * sizes.get(i) * sizes.get(i);
        for (int repeat = 0; repeat < 3; repeat++) { // the first run after other work is slower (threads wake up)
          long start = System.nanoTime();
          try (OrtSession.Result r = sessions.get(i).run(Map.of("a", inputs.get(i)))) {
            rates.add(f / ((System.nanoTime() - start) / 1e9));
          }
        }
      }
      return all.stop(ProcessCpu.SELF);
    }

    @Override
    public void close() throws OrtException {
      for (OnnxTensor t : inputs) {
        t.close();
      }
      for (OrtSession session : sessions) {
        session.close();
      }
    }
  }

  // ----------------------------------------------------------------------------------------------------------------
  // The Python worker
  // ----------------------------------------------------------------------------------------------------------------

  static final class PythonWorker implements AutoCloseable {
    record Split(double preprocess, double infer) {}

    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;
    final JsonObject versions;
    double preprocessSeconds;
    double inferSeconds;

    PythonWorker(Settings s, Path model, String recipe, String output) throws IOException {
      ProcessBuilder pb = new ProcessBuilder(s.python().toString(), s.worker().toString(), model.toString(), recipe,
          output, Integer.toString(s.threads()));
      pb.redirectError(ProcessBuilder.Redirect.INHERIT);
      process = pb.start();
      in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
      out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      versions = read();
      versions.remove("ready");
      versions.remove("input");
    }

    JsonObject batch(List<Path> files, boolean perImage) throws IOException {
      JsonObject request = new JsonObject();
      request.addProperty("cmd", "batch");
      request.addProperty("perImage", perImage);
      JsonArray list = new JsonArray();
      files.forEach(f -> list.add(f.toString()));
      request.add("files", list);
      in.write(request.toString());
      in.newLine();
      in.flush();
      return read();
    }

    private JsonObject read() throws IOException {
      String line = out.readLine();
      if (line == null) {
        throw new IOException("The Python reference worker ended; see its error output above.");
      }
      return JsonParser.parseString(line).getAsJsonObject();
    }

    /** Shares of the measured Python time spent preprocessing and inferring. */
    Split split() {
      double all = preprocessSeconds + inferSeconds;
      return new Split(preprocessSeconds / all, inferSeconds / all);
    }

    @Override
    public void close() throws Exception {
      try {
        in.write("{\"cmd\": \"quit\"}");
        in.newLine();
        in.flush();
      } catch (IOException ignored) {
        // already gone
      }
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroy();
      }
    }
  }

  // ----------------------------------------------------------------------------------------------------------------

  private static Settings parse(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("Usage: OnnxBench --cache DIR --python PY --worker python_reference.py "
            + "[--model clip-vit-b32|resnet50] [--images 500] [--batch 16] [--threads 2] [--results FILE] "
            + "[--paths ort,java,java-sequential,java-own-session,python] [--spinning true|false]; got "
            + String.join(" ", args));
      }
      a.put(args[i].substring(2), args[++i]);
    }
    return new Settings(Path.of(a.getOrDefault("cache", System.getProperty("user.home")
        + "/.cache/imgsearch-bench")), a.getOrDefault("model", "clip-vit-b32"),
        Integer.parseInt(a.getOrDefault("images", "500")), Integer.parseInt(a.getOrDefault("batch", "16")),
        Integer.parseInt(a.getOrDefault("threads", "2")), Path.of(a.get("python")), Path.of(a.get("worker")),
        Path.of(a.getOrDefault("results", "benchmarks/onnx/target/results.json")),
        Arrays.stream(a.getOrDefault("paths", "ort,java,python").split(","))
            .map(p -> PathKind.valueOf(p.trim().toUpperCase(Locale.ROOT).replace('-', '_'))).toList(),
        Boolean.parseBoolean(a.getOrDefault("spinning", "true")));
  }
}
