package dev.imgsearch.core.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The repository's source tree as seen from a module's tests, for committed assets that several modules share
 * (core's test images, embedders-onnx's tokenizers). Part of core's test-jar.
 */
public final class SourceTree {
  private SourceTree() {}

  /** The repository root: the nearest directory above {@code start} that holds {@code core/pom.xml}. */
  public static Path root(Path start) {
    Path p = start.toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("core").resolve("pom.xml"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("Repository root (a directory with core/pom.xml) not found above " + start
          + "; run the tests from a checkout of the repository.");
    }
    return p;
  }

  /** core's committed test resources ({@code image/src/test/resources}). */
  public static Path coreTestResources(Path start) {
    return root(start).resolve("image/src/test/resources");
  }
}
