package dev.imgsearch.benchmarks;

import com.sun.management.GarbageCollectionNotificationInfo;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import dev.imgsearch.store.milvus.MilvusVectorStore;
import io.milvus.v2.common.ConsistencyLevel;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Peak memory of indexing 1,000 and 10,000 images, each in a fresh JVM: the largest live heap (in use right after
 * a full collection, sampled every second), the largest heap after any collection, and the peak of the heap
 * pools (garbage included, so it depends on the collector more than on the run).
 * Rows go to Milvus when {@code --milvus} is given (else to the in-memory store, whose rows count too).
 *
 * <pre>
 * MemoryBenchmark --small DIR --large DIR --model clip:MODEL_DIR [--generate-small 1000 --generate-large 10000]
 *     [--milvus http://127.0.0.1:19530] [--xmx 512m]
 * </pre>
 */
public final class MemoryBenchmark {
  private MemoryBenchmark() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = PipelineBenchmark.parse(args);
    if (a.containsKey("child")) {
      child(a);
      return;
    }
    List<String> lines = new ArrayList<>();
    for (String size : List.of("small", "large")) {
      Path dir = Path.of(a.get(size));
      if (a.containsKey("generate-" + size)) {
        PipelineBenchmark.generate(dir, Integer.parseInt(a.get("generate-" + size)), 320, 240);
      }
      int n = PipelineBenchmark.list(dir).size();
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx" + a.getOrDefault("xmx", "512m"), "-Xss4m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp",
          System.getProperty("java.class.path"), MemoryBenchmark.class.getName(), "--child", dir.toString(),
          "--model", a.get("model")));
      if (a.containsKey("milvus")) {
        cmd.addAll(List.of("--milvus", a.get("milvus")));
      }
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("child failed: " + out);
      }
      lines.add(String.format(Locale.ROOT, "%6d images: %s", n, out.lines().reduce((x, y) -> y).orElse(out)));
    }
    lines.forEach(System.out::println);
  }

  private static void child(Map<String, String> a) throws Exception {
    AtomicLong maxAfterGc = new AtomicLong();
    AtomicLong maxLive = new AtomicLong();
    List<Long> samples = Collections.synchronizedList(new ArrayList<>());
    AtomicBoolean sampling = new AtomicBoolean();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((n, h) -> {
        if (!n.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
            (CompositeData) n.getUserData());
        long used = 0;
        for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
          used += u.getUsed();
        }
        // Non-heap pools (metaspace, code cache) are in the map too; count the heap only.
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
          if (pool.getType() != MemoryType.HEAP) {
            MemoryUsage u = info.getGcInfo().getMemoryUsageAfterGc().get(pool.getName());
            if (u != null) {
              used -= u.getUsed();
            }
          }
        }
        maxAfterGc.accumulateAndGet(used, Math::max);
        if (sampling.get() && "System.gc()".equals(info.getGcCause())) {
          // The live set as the collector itself saw it at the end of the full collection; reading the heap
          // after System.gc() returns would also count what the indexing threads allocated in between.
          samples.add(used);
          maxLive.accumulateAndGet(used, Math::max);
        }
      }, null, null);
    }
    // The live set: heap in use right after a full collection, sampled every second while the run goes.
    Thread sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        System.gc();
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    sampler.setDaemon(true);
    try (PixelEmbedder embedder = PipelineBenchmark.load(a.get("model"));
        VectorStore store = a.containsKey("milvus")
            ? MilvusVectorStore.builder().uri(a.get("milvus")).consistency(ConsistencyLevel.BOUNDED).build()
            : new InMemoryVectorStore()) {
      String collection = "bench_memory";
      ImageIndex.drop(store, collection);
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        pool.resetPeakUsage();
      }
      IndexReport r;
      sampling.set(true);
      sampler.start();
      try (ImageIndex index = ImageIndex.builder().embedder(embedder).store(store).collection(collection).build()) {
        r = index.index(IndexSource.directory(Path.of(a.get("child"))).extensions("jpg").build());
      }
      sampler.interrupt();
      sampler.join();
      sampling.set(false);
      ImageIndex.drop(store, collection);
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      List<Long> sorted;
      synchronized (samples) {
        sorted = samples.stream().sorted().toList();
      }
      System.gc();
      long after = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      System.out.printf(Locale.ROOT, "indexed %d; live heap (after full GCs, %d samples, one a second): max %.1f, "
          + "p90 %.1f, median %.1f MiB; after the run %.1f MiB; peak heap after any GC %.1f MiB; peak heap pools "
          + "%.1f MiB; %.1f images/s%n", r.indexed(), sorted.size(), maxLive.get() / 1048576.0,
          sorted.get((int) (sorted.size() * 0.9)) / 1048576.0, sorted.get(sorted.size() / 2) / 1048576.0,
          after / 1048576.0, maxAfterGc.get() / 1048576.0, peak / 1048576.0, r.imagesPerSecond());
    }
  }
}
