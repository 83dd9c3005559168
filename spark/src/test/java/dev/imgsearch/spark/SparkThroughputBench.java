package dev.imgsearch.spark;

import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Benchmark (not a test): images/s of a Spark job in local[2] against ImageIndex on the same images and the same
 * in-memory store kind, and the peak heap of the JVM (driver and executor in local mode) during the Spark job.
 * Run by benchmarks/spark/run.sh; args: {@code images mode} with mode {@code spark} or {@code imageindex}.
 */
public final class SparkThroughputBench {
  private SparkThroughputBench() {}

  public static void main(String[] args) throws Exception {
    // ONNX Runtime wants a large stack on the thread that loads the model (README, known limitations).
    Throwable[] error = {null};
    Thread t = new Thread(null, () -> {
      try {
        run(args);
      } catch (Throwable e) {
        error[0] = e;
      }
    }, "bench", 64L << 20);
    t.start();
    t.join();
    if (error[0] != null) {
      throw new IllegalStateException(error[0]);
    }
    System.exit(0);
  }

  private static void run(String[] args) throws Exception {
    int n = Integer.parseInt(args[0]);
    String mode = args[1];
    Path dir = Path.of(args.length > 2 ? args[2] : "target/bench-images-" + n);
    if (!Files.isDirectory(dir)) {
      TestData.images(dir, n, 7);
    }
    PixelEmbedder embedder = ExecutorEmbedders.get(OnnxTestEmbedders.clip());
    // Warm-up: the model's first batches, on a few images outside the measured run.
    embedder.embedImages(java.util.List.of(dev.imgsearch.core.embed.ImageInput.of(
        Files.readAllBytes(dir.resolve("set0/img-0000.png")))));
    double rate;
    long embedded;
    if (mode.equals("imageindex")) {
      try (ImageIndex index = ImageIndex.builder().embedder(embedder).store(new InMemoryVectorStore())
          .collection("bench").build()) {
        resetPeaks();
        IndexReport r = index.index(IndexSource.directory(dir).build());
        rate = r.imagesPerSecond();
        embedded = r.indexed();
      }
    } else {
      SparkSession spark = SparkSession.builder().master("local[2]").appName("bench")
          .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
          .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
      spark.range(10).count(); // Spark's own start-up out of the measurement
      resetPeaks();
      SparkIndexReport r = SparkImageIndexer.builder().embedder(OnnxTestEmbedders.clip())
          .store(TestData.sharedMemoryStore("bench-" + n)).collection("bench").build()
          .index(SparkImageSource.files(spark, dir.toString()).build());
      rate = r.imagesPerSecond();
      embedded = r.indexed();
      spark.stop();
    }
    System.out.printf("RESULT mode=%s images=%d indexed=%d images_per_s=%.1f peak_heap_mb=%.0f%n", mode, n, embedded,
        rate, peakHeap() / 1048576.0);
  }

  private static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  private static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }
}
