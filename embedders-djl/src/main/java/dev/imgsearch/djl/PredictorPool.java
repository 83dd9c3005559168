package dev.imgsearch.djl;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.ModelException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DJL predictors are not thread-safe: this pool lends each caller its own. Predictors are made on demand, up to
 * {@code max}; a caller beyond that waits for one to come back. Closing waits (a while) for calls in progress,
 * then closes every predictor.
 */
final class PredictorPool<I, O> implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PredictorPool.class);
  private final Supplier<Predictor<I, O>> factory;
  private final int max;
  private final Semaphore permits;
  private final ConcurrentLinkedDeque<Predictor<I, O>> idle = new ConcurrentLinkedDeque<>();
  private final AtomicInteger created = new AtomicInteger();
  private final String what;
  private volatile boolean closed;

  PredictorPool(Supplier<Predictor<I, O>> factory, int max, String what) {
    if (max < 1) {
      throw new IllegalArgumentException("max " + max);
    }
    this.factory = factory;
    this.max = max;
    this.permits = new Semaphore(max, true);
    this.what = what;
  }

  /** Runs one prediction on a predictor of the pool. */
  O predict(I input) {
    if (closed) {
      throw new ClosedException(what);
    }
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("Interrupted while waiting for a predictor of " + what + ".", e);
    }
    Predictor<I, O> predictor = null;
    try {
      if (closed) {
        throw new ClosedException(what);
      }
      predictor = idle.pollFirst();
      if (predictor == null) {
        predictor = factory.get();
        created.incrementAndGet();
      }
      return predictor.predict(input);
    } catch (TranslateException e) {
      Throwable cause = e.getCause() instanceof ImageSearchException ? e.getCause() : e;
      if (cause instanceof ImageSearchException ise) {
        throw ise;
      }
      throw new ModelException("Inference failed in " + what + ": " + e.getMessage() + ". Check that the model "
          + "file is an export of this family with the expected inputs and outputs.", e);
    } finally {
      if (predictor != null) {
        idle.addFirst(predictor);
      }
      permits.release();
    }
  }

  /** How many predictors exist (at most the pool's limit). */
  int created() {
    return created.get();
  }

  int max() {
    return max;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    boolean drained = false;
    try {
      drained = permits.tryAcquire(max, 30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!drained) {
      LOG.warn("Closing {} while calls are still running", what);
    }
    Predictor<I, O> p;
    while ((p = idle.pollFirst()) != null) {
      p.close();
    }
  }
}
