package dev.imgsearch.spark;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import dev.imgsearch.pipeline.TestFiles;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;

/** Generated images, the bad-file set, a Spark session, and in-memory stores the tasks of this JVM share. */
final class TestData {
  /** The bad-file set: file name to the failure cause ImageIndex reports. */
  static final Map<String, String> BAD = Map.of(
      "bad/empty.png", "EMPTY",
      "bad/corrupt.png", "CORRUPT",
      "bad/truncated.jpg", "TRUNCATED",
      "bad/misnamed.png", "UNSUPPORTED_FORMAT",
      "bad/bomb.png", "TOO_LARGE");

  /** The empty file of the bad set. */
  static final String EMPTY = "bad/empty.png";

  private static final Map<String, InMemoryVectorStore> STORES = new ConcurrentHashMap<>();

  private TestData() {}

  /**
   * Writes {@code n} small images (32x32 to 128x128, PNG and JPEG, in three folders, one PNG named .jpg) and the
   * bad-file set under {@code dir}; returns {@code n}.
   */
  static int images(Path dir, int n, long seed) throws IOException {
    Random rnd = new Random(seed);
    for (int i = 0; i < n; i++) {
      int w = 32 + rnd.nextInt(97);
      int h = 32 + rnd.nextInt(97);
      BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setColor(new Color(rnd.nextInt(0x1000000)));
      g.fillRect(0, 0, w, h);
      for (int k = 0; k < 4; k++) {
        g.setColor(new Color(rnd.nextInt(0x1000000)));
        g.fillOval(rnd.nextInt(w), rnd.nextInt(h), 8 + rnd.nextInt(w), 8 + rnd.nextInt(h));
      }
      g.dispose();
      String folder = "set" + (i % 3);
      boolean png = i % 2 == 0;
      // One PNG with a .jpg name: decoded by its content, as ImageIndex does.
      String name = String.format("%s/img-%04d.%s", folder, i, i == 7 ? "jpg" : png ? "png" : "jpg");
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      Files.write(file, TestFiles.encode(img, png ? "png" : "jpg"));
    }
    TestFiles.zeroBytes(dir.resolve("bad/empty.png"));
    TestFiles.corruptPng(dir.resolve("bad/corrupt.png"));
    TestFiles.truncatedJpeg(dir.resolve("bad/truncated.jpg"));
    TestFiles.notAnImage(dir.resolve("bad/misnamed.png"));
    TestFiles.bombPng(dir.resolve("bad/bomb.png"));
    return n;
  }

  /** Spark in this JVM: {@code local[2,2]} (two cores, a failed task is tried again once). */
  static SparkSession spark() {
    return SparkSession.builder().master("local[2,2]").appName("imgsearch-spark tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  /** A store of this JVM, by name, that every task opens (close does nothing): Spark local mode only. */
  static StoreTarget sharedMemoryStore(String name) {
    return () -> uncloseable(STORES.computeIfAbsent(name, k -> new InMemoryVectorStore()));
  }

  static VectorStore memoryStore(String name) {
    return uncloseable(STORES.computeIfAbsent(name, k -> new InMemoryVectorStore()));
  }

  private static VectorStore uncloseable(VectorStore s) {
    return (VectorStore) Proxy.newProxyInstance(TestData.class.getClassLoader(), new Class<?>[] {VectorStore.class},
        (proxy, m, args) -> {
          if (m.getName().equals("close") && m.getParameterCount() == 0) {
            return null;
          }
          try {
            return m.invoke(s, args);
          } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
          }
        });
  }
}
