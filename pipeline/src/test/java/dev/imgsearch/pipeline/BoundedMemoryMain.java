package dev.imgsearch.pipeline;

import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;

/**
 * Run in a child JVM with a small heap by {@link BoundedMemoryTest}: writes {@code n} tiny PNG files into a
 * directory and indexes them into the in-memory store, then prints {@code indexed=..., rows=..., peakHeapMb=...}.
 * The embedder's 32 x 32 preprocessing makes 12 KiB of pixels per image, so holding the pixels of every image of
 * 10,000 would need 120 MiB. (That the pipeline stops reading while inference lags is shown directly by
 * {@link BoundedMemoryTest#stopsReadingWhileInferenceIsStalled}.)
 *
 * <p>Arguments: directory, number of images, {@code existing} to index files written before (else
 * {@code generate}), and optionally maxInFlight (a huge value shows that without the bound the heap runs out).
 */
public final class BoundedMemoryMain {
  private BoundedMemoryMain() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    boolean generate = args.length < 3 || !args[2].equals("existing");
    int maxInFlight = args.length >= 4 ? Integer.parseInt(args[3]) : 0;
    if (generate) {
      // 100 distinct tiny PNGs, written in turn (encoding each of 10,000 would dominate the test's time).
      byte[][] pngs = new byte[100][];
      BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
      for (int i = 0; i < pngs.length; i++) {
        Color c = new Color(i * 7919 & 0xFFFFFF);
        for (int y = 0; y < 8; y++) {
          for (int x = 0; x < 8; x++) {
            img.setRGB(x, y, x < 4 ? c.getRGB() : ~c.getRGB());
          }
        }
        pngs[i] = TestFiles.encode(img, "png");
      }
      for (int i = 0; i < n; i++) {
        TestFiles.bytes(dir.resolve(String.format("d%03d/img-%05d.png", i / 100, i)), pngs[i % pngs.length]);
      }
    }
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      pool.resetPeakUsage();
    }
    try (InMemoryVectorStore store = new InMemoryVectorStore();
        ColorEmbedder embedder = new ColorEmbedder("test/color-quadrants", 32, MetricType.COSINE);
        ImageIndex index = ImageIndex.builder().embedder(embedder).store(store).collection("bounded")
            .vectorIndex(IndexSpec.flat()).batchSize(32).maxInFlight(maxInFlight).build()) {
      IndexReport report = index.index(IndexSource.directory(dir).build());
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP) {
          peak += pool.getPeakUsage().getUsed();
        }
      }
      System.out.printf("indexed=%d, failed=%d, rows=%d, peakHeapMb=%.1f, seconds=%.1f, imagesPerSecond=%.0f%n",
          report.indexed(), report.failed(), index.count(), peak / 1048576.0, report.elapsed().toMillis() / 1000.0,
          report.imagesPerSecond());
    }
  }
}
