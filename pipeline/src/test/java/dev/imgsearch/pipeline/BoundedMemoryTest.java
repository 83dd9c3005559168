package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.awt.Color;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory stays bounded whatever the size of the source: the pipeline stops reading while inference lags, and
 * indexing 10,000 images fits a 64 MiB heap ({@link BoundedMemoryMain} in a child JVM with {@code -Xmx64m}).
 */
class BoundedMemoryTest {
  @TempDir Path dir;

  @Test
  void stopsReadingWhileInferenceIsStalled() throws Exception {
    byte[] png = TestFiles.encode(ColorEmbedder.solid(Color.MAGENTA, 8, 8), "png");
    int total = 5_000;
    AtomicInteger pulled = new AtomicInteger();
    Iterable<ImageRecord> records = () -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return pulled.get() < total;
      }

      @Override
      public ImageRecord next() {
        return ImageRecord.of("r" + pulled.getAndIncrement(), png);
      }
    };
    CountDownLatch release = new CountDownLatch(1);
    ColorEmbedder embedder = new ColorEmbedder();
    embedder.beforeBatch(n -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    int batch = 8;
    int maxInFlight = 20;
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (InMemoryVectorStore store = new InMemoryVectorStore();
        ImageIndex index = ImageIndex.builder().embedder(embedder).store(store).collection("stalled")
            .vectorIndex(IndexSpec.flat()).batchSize(batch).maxInFlight(maxInFlight).parallelism(2).build()) {
      Future<IndexReport> run = caller.submit(() -> index.index(IndexSource.records(records).build()));
      // Inference is stalled: reading must stop after the images in flight and one lookup batch of records.
      int seen = -1;
      for (int i = 0; i < 50 && pulled.get() != seen; i++) {
        seen = pulled.get();
        Thread.sleep(100);
      }
      assertThat(pulled.get()).isLessThanOrEqualTo(maxInFlight + 256 + 1).isLessThan(total);
      release.countDown();
      IndexReport report = run.get(60, TimeUnit.SECONDS);
      assertThat(report.indexed()).isEqualTo(total);
      assertThat(embedder.batchSizes()).allMatch(n -> n <= batch);
    } finally {
      release.countDown();
      caller.shutdownNow();
    }
  }

  @Test
  void indexesTenThousandImagesInA64MiBHeap() throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(List.of(java.toString(), "-Xmx64m", "-XX:+UseSerialGC",
        "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), BoundedMemoryMain.class.getName(), dir.toString(), "10000"))
        .redirectErrorStream(true).start();
    boolean finished = p.waitFor(120, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!finished) {
      p.destroyForcibly();
    }
    assertThat(finished).as("child finished in time; output:%n%s", out).isTrue();
    assertThat(p.exitValue()).as("child exit code; output:%n%s", out).isZero();
    assertThat(out).contains("indexed=10000, failed=0, rows=10000");
    System.err.println("[BoundedMemoryTest] " + out.strip());
  }
}
