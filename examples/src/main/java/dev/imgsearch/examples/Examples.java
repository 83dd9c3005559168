package dev.imgsearch.examples;

import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.IndexFailure;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.core.store.MetricType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** What several programs print the same way. */
final class Examples {
  private Examples() {}

  /** The images an indexing run skipped, one per line with the reason (nothing when there were none). */
  static void printSkipped(PrintWriter out, IndexReport report) {
    if (report.failures().isEmpty()) {
      return;
    }
    out.printf("Skipped %d file(s) that are not readable images:%n", report.failed());
    List<IndexFailure> sorted = new java.util.ArrayList<>(report.failures());
    sorted.sort(java.util.Comparator.comparing(IndexFailure::item));
    for (IndexFailure f : sorted) {
      out.printf("  %s (%s): %s%n", shown(f.item()), f.cause(), f.message());
    }
  }

  /** Hits as numbered lines: the score (a distance for L2), the file and the fields asked for. */
  static void printHits(PrintWriter out, List<ImageHit> hits, String... fields) {
    for (int i = 0; i < hits.size(); i++) {
      ImageHit h = hits.get(i);
      StringBuilder extra = new StringBuilder();
      for (String f : fields) {
        extra.append("  ").append(f).append(' ').append(h.field(f));
      }
      out.printf(Locale.ROOT, "%2d. %s %.4f  %s%s%n", i + 1, h.metric() == MetricType.L2 ? "distance" : "score",
          h.score(), fileName(h), extra);
    }
  }

  private static String fileName(ImageHit h) {
    return h.path() == null ? h.id() : shown(h.path());
  }

  /** A path as the programs print it: relative to the working directory when it lies below it, else as it is. */
  static String shown(String path) {
    Path p = Path.of(path);
    Path cwd = Path.of("").toAbsolutePath();
    return p.isAbsolute() && p.startsWith(cwd) ? cwd.relativize(p).toString() : path;
  }
}
