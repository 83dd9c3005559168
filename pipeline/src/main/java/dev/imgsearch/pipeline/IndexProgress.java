package dev.imgsearch.pipeline;

import java.time.Duration;
import java.util.Optional;

/**
 * A snapshot of an indexing run.
 *
 * @param total the number of items in the source, or -1 when the source cannot tell in advance
 * @param indexed images embedded and written
 * @param unchanged images skipped because their stored row is up to date (not decoded)
 * @param moved images whose row was rewritten with its stored vector (moved, touched or new metadata)
 * @param failed images that could not be indexed
 * @param elapsed time since the run started
 */
public record IndexProgress(long total, long indexed, long unchanged, long moved, long failed, Duration elapsed) {

  /** Items finished, whatever the outcome. */
  public long done() {
    return indexed + unchanged + moved + failed;
  }

  /** Finished items per second so far. */
  public double rate() {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : done() / s;
  }

  /** Fraction done in [0, 1], or -1 when the total is unknown. */
  public double fraction() {
    return total <= 0 ? (total == 0 ? 1 : -1) : Math.min(1.0, (double) done() / total);
  }

  /** Estimated time left at the current rate; empty while the total or the rate is unknown. */
  public Optional<Duration> eta() {
    double rate = rate();
    if (total < 0 || rate <= 0) {
      return Optional.empty();
    }
    return Optional.of(Duration.ofMillis((long) (Math.max(0, total - done()) / rate * 1000)));
  }
}
