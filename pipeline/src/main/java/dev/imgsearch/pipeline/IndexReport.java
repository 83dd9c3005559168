package dev.imgsearch.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of an indexing run.
 *
 * @param indexed images decoded, embedded and written
 * @param unchanged images skipped because their row was up to date (neither decoded nor written)
 * @param moved images whose row was rewritten with its stored vector, without decoding: moved or renamed files
 *     under {@link IdStrategy#CONTENT} ids, touched files with the same bytes, changed metadata
 * @param removed rows deleted by a {@linkplain IndexSource#sync() sync}, and stale rows of changed files
 * @param failures every image that could not be indexed, with the reason
 * @param elapsed wall-clock time of the run
 */
public record IndexReport(long indexed, long unchanged, long moved, long removed, List<IndexFailure> failures,
    Duration elapsed) {

  public IndexReport {
    failures = List.copyOf(failures);
    Objects.requireNonNull(elapsed, "elapsed");
  }

  /** The number of failures. */
  public long failed() {
    return failures.size();
  }

  /** Every item of the source that was looked at. */
  public long total() {
    return indexed + unchanged + moved + failures.size();
  }

  /** Images indexed (embedded) per second of the run. */
  public double imagesPerSecond() {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : indexed / s;
  }

  @Override
  public String toString() {
    return String.format("indexed %d, unchanged %d, moved %d, removed %d, failed %d in %.1f s (%.1f images/s)",
        indexed, unchanged, moved, removed, failures.size(), elapsed.toNanos() / 1e9, imagesPerSecond());
  }
}
