package dev.imgsearch.store.milvus;

import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.StoreUnavailableException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the store's SDK calls: retries transient failures of idempotent calls as the {@link RetryPolicy} says (and
 * no more once the store is closing), and turns what the SDK throws into core's exceptions ({@link MilvusErrors}).
 */
final class MilvusCalls {
  private static final Logger log = LoggerFactory.getLogger(MilvusVectorStore.class);

  private final MilvusErrors errors;
  private final RetryPolicy retry;
  private final BooleanSupplier closing;
  private final Consumer<String> schemaMayHaveChanged;

  /**
   * @param closing whether the store is closing: then a failed call is not retried
   * @param schemaMayHaveChanged told the collection of a call the server refused, so its cached spec is dropped
   */
  MilvusCalls(MilvusErrors errors, RetryPolicy retry, BooleanSupplier closing,
      Consumer<String> schemaMayHaveChanged) {
    this.errors = errors;
    this.retry = retry;
    this.closing = closing;
    this.schemaMayHaveChanged = schemaMayHaveChanged;
  }

  MilvusErrors errors() {
    return errors;
  }

  /**
   * Runs one SDK call, retrying transient failures when it is idempotent.
   *
   * @param action what the store is doing, for messages, e.g. "search 'images'"
   * @param collection the collection concerned, or null (then a missing collection is not reported as such)
   */
  <T> T call(String action, String collection, boolean idempotent, Supplier<T> op) {
    for (int attempt = 1; ; attempt++) {
      try {
        return op.get();
      } catch (ImageSearchException e) {
        throw e;
      } catch (RuntimeException e) {
        if (idempotent && attempt < retry.maxAttempts() && MilvusErrors.isTransient(e) && !closing.getAsBoolean()) {
          Duration pause = retry.backoff(attempt);
          log.debug("Milvus at {} did not answer to {} (attempt {} of {}); retrying in {} ms", errors.endpoint(),
              action, attempt, retry.maxAttempts(), pause.toMillis());
          sleep(pause);
          continue;
        }
        ImageSearchException translated = errors.translate(action, collection, e);
        if (translated instanceof SchemaException && collection != null) {
          schemaMayHaveChanged.accept(collection);
        }
        throw translated;
      }
    }
  }

  /** {@link #call} for an SDK call that returns nothing. */
  void run(String action, String collection, boolean idempotent, Runnable op) {
    call(action, collection, idempotent, () -> {
      op.run();
      return null;
    });
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("Interrupted while waiting to retry a Milvus call.", e);
    }
  }
}
