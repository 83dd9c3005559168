package dev.imgsearch.spark;

import dev.imgsearch.pipeline.IndexFailure;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The outcome of a Spark indexing job: the counts of {@code ImageIndex}'s report, the failures with their
 * reasons, and the same as a small DataFrame ({@link #summary()}: {@code status, cause, count}).
 *
 * <p>Rows that a failed task attempt wrote before it failed are found up to date by the retry and counted as
 * unchanged; {@link #embedded()} counts every image embedded, by every attempt.
 */
public final class SparkIndexReport {
  /** Status of an image decoded, embedded and written. */
  public static final String INDEXED = "INDEXED";
  /** Status of an image whose row was up to date. */
  public static final String UNCHANGED = "UNCHANGED";
  /** Status of an image whose row was rewritten with its stored vector (same bytes, new path or metadata). */
  public static final String MOVED = "MOVED";
  /** Status of an image that could not be indexed; its cause is an {@link IndexFailure.Cause}. */
  public static final String FAILED = "FAILED";

  private final long indexed;
  private final long unchanged;
  private final long moved;
  private final long failed;
  private final List<IndexFailure> failures;
  private final long embedded;
  private final Duration elapsed;
  private final Dataset<Row> summary;

  SparkIndexReport(long indexed, long unchanged, long moved, long failed, List<IndexFailure> failures,
      long embedded, Duration elapsed, Dataset<Row> summary) {
    this.indexed = indexed;
    this.unchanged = unchanged;
    this.moved = moved;
    this.failed = failed;
    this.failures = List.copyOf(failures);
    this.embedded = embedded;
    this.elapsed = Objects.requireNonNull(elapsed);
    this.summary = summary;
  }

  /** Images decoded, embedded and written (or, for Parquet, emitted). */
  public long indexed() {
    return indexed;
  }

  /** Images skipped because their row was up to date. */
  public long unchanged() {
    return unchanged;
  }

  /** Images whose row was rewritten with its stored vector, without decoding. */
  public long moved() {
    return moved;
  }

  /** Images that could not be indexed. */
  public long failed() {
    return failed;
  }

  /** The failures, at most {@code maxReportedFailures} of them (see the builder). */
  public List<IndexFailure> failures() {
    return failures;
  }

  /** Images embedded by the executors, counting retried and speculative attempts. */
  public long embedded() {
    return embedded;
  }

  /** Every image of the source. */
  public long total() {
    return indexed + unchanged + moved + failed;
  }

  public Duration elapsed() {
    return elapsed;
  }

  /** Images indexed per second of the job. */
  public double imagesPerSecond() {
    double s = elapsed.toNanos() / 1e9;
    return s <= 0 ? 0 : indexed / s;
  }

  /** The counts as a DataFrame: {@code status} (string), {@code cause} (string, null but for FAILED), {@code count}. */
  public Dataset<Row> summary() {
    return summary;
  }

  @Override
  public String toString() {
    return String.format("indexed %d, unchanged %d, moved %d, failed %d in %.1f s (%.1f images/s, %d embedded)",
        indexed, unchanged, moved, failed, elapsed.toNanos() / 1e9, imagesPerSecond(), embedded);
  }
}
