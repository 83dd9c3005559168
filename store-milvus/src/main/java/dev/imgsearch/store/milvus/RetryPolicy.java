package dev.imgsearch.store.milvus;

import dev.imgsearch.core.InvalidInputException;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@link MilvusVectorStore} retries idempotent calls (upsert, search, query, get, delete, describe, ...) that
 * fail with a transient error (gRPC {@code UNAVAILABLE} or {@code DEADLINE_EXCEEDED}): at most
 * {@code maxAttempts} attempts, sleeping {@code initialBackoff}, then twice as long each time, capped at
 * {@code maxBackoff}. Immutable.
 *
 * <p>Inserts with server-generated ids are never retried: if the first attempt reached the server but its answer
 * was lost, a retry would insert the rows a second time under new ids. Inserts with given ids are retried as
 * upserts, which replace whatever the first attempt may have written.
 *
 * @param maxAttempts attempts in all, at least 1 (1 means no retry)
 * @param initialBackoff the first pause
 * @param maxBackoff the longest pause
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  /** Three attempts, 200 ms then 400 ms apart (at most 5 s). */
  public static final RetryPolicy DEFAULT = new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(5));

  /** One attempt: fail at the first error. */
  public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1 || initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new InvalidInputException("Retry policy " + maxAttempts + " attempts, backoff " + initialBackoff + ".."
          + maxBackoff + " is not valid; use maxAttempts >= 1 and 0 <= initialBackoff <= maxBackoff.");
    }
  }

  /** The pause after failed attempt {@code attempt} (1-based). */
  Duration backoff(int attempt) {
    long millis = initialBackoff.toMillis();
    for (int i = 1; i < attempt && millis < maxBackoff.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }
}
