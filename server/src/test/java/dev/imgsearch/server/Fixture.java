package dev.imgsearch.server;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.pipeline.ColorEmbedder;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.IndexSource;
import dev.imgsearch.pipeline.TestFiles;
import java.awt.Color;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ten generated images in three categories (warm, cool, plain: the parent folder, indexed as metadata field
 * {@code category}), indexed with the pipeline's deterministic {@link ColorEmbedder}: the text "red" finds the red
 * images, "蓝色" the blue one.
 */
final class Fixture {
  static final int IMAGES = 10;

  private Fixture() {}

  /** Writes the images under {@code dir} and returns the folder to index. */
  static Path images(Path dir) {
    Path root = dir.resolve("images");
    Map<String, Color> files = new LinkedHashMap<>();
    files.put("warm/red.png", Color.RED);
    files.put("warm/red-2.png", new Color(235, 25, 20));
    files.put("warm/yellow.png", Color.YELLOW);
    files.put("warm/orange.png", new Color(255, 140, 0));
    files.put("cool/green.png", Color.GREEN);
    files.put("cool/blue.png", Color.BLUE);
    files.put("cool/cyan.png", Color.CYAN);
    files.put("plain/white.png", Color.WHITE);
    files.put("plain/black.png", Color.BLACK);
    files.put("plain/grey.png", Color.GRAY);
    files.forEach((name, colour) -> TestFiles.solid(root.resolve(name), colour));
    return root;
  }

  static IndexSource source(Path root) {
    return IndexSource.directory(root)
        .metadata(file -> Map.of("category", file.getParent().getFileName().toString())).build();
  }

  /** An index over the images in a store, indexed. */
  static ImageIndex index(VectorStore store, Path root) {
    ImageIndex index = ImageIndex.builder().embedder(new ColorEmbedder()).store(store).collection("server_test")
        .parallelism(1).build();
    IndexReport report = index.index(source(root));
    if (report.indexed() + report.unchanged() != IMAGES) {
      throw new IllegalStateException("fixture indexing: " + report);
    }
    return index;
  }

  /** A valid, tiny PNG whose header claims {@code side x side} pixels: a decompression bomb. */
  static byte[] bomb(int side) {
    return TestFiles.bombPngBytes(side);
  }

  static byte[] png(Color colour) {
    return TestFiles.encode(ColorEmbedder.solid(colour, 40, 30), "png");
  }

  /** A PNG signature followed by garbage. */
  static byte[] corrupt() {
    byte[] b = new byte[400];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) (i * 37 + 11);
    }
    byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    System.arraycopy(sig, 0, b, 0, sig.length);
    return b;
  }
}
