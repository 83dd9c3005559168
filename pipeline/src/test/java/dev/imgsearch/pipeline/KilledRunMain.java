package dev.imgsearch.pipeline;

import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Run in a child JVM by {@link KilledRunTest}, which kills it half-way: indexes a directory into a file-backed
 * in-memory store, slowly (20 ms per batch of 4), flushing every 100 ms, and prints {@code indexed=N} lines.
 */
public final class KilledRunMain {
  private KilledRunMain() {}

  public static void main(String[] args) {
    InMemoryVectorStore store = InMemoryVectorStore.open(Path.of(args[0]));
    ColorEmbedder embedder = new ColorEmbedder();
    embedder.beforeBatch(n -> {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    ImageIndex index = ImageIndex.builder().embedder(embedder).store(store).collection("killed")
        .vectorIndex(IndexSpec.flat()).batchSize(4).upsertBatchSize(4).parallelism(1)
        .flushInterval(Duration.ofMillis(100)).build();
    index.index(IndexSource.directory(Path.of(args[1])).build(), new IndexListener() {
      @Override
      public void onProgress(IndexProgress p) {
        System.out.println("indexed=" + p.indexed());
        System.out.flush();
      }
    });
    System.out.println("finished");
  }
}
