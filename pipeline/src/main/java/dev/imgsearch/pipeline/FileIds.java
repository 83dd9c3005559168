package dev.imgsearch.pipeline;

import java.nio.file.Path;
import java.text.Normalizer;

/** Normal forms of paths, used as ids and as the stored path: {@code /} separators, Unicode NFC. */
final class FileIds {
  private FileIds() {}

  /** The absolute, normalised form of a path. */
  static String absolute(Path path) {
    return normal(path.toAbsolutePath().normalize());
  }

  /** {@code file} relative to {@code base}, both absolute and normalised. */
  static String relative(Path base, Path file) {
    return normal(base.relativize(file));
  }

  private static String normal(Path p) {
    StringBuilder sb = new StringBuilder();
    if (p.getRoot() != null) {
      sb.append(p.getRoot().toString().replace('\\', '/'));
    }
    for (int i = 0; i < p.getNameCount(); i++) {
      if (i > 0) {
        sb.append('/');
      }
      sb.append(p.getName(i).toString());
    }
    return Normalizer.normalize(sb, Normalizer.Form.NFC);
  }
}
