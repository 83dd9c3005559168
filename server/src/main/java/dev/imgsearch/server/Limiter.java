package dev.imgsearch.server;

import io.javalin.http.Handler;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Requests in progress and waiting, bounded: beyond the queue, or after waiting too long, a 503. */
final class Limiter {
  private final Semaphore permits;
  private final AtomicInteger waiting = new AtomicInteger();
  private final int maxQueued;
  private final Duration timeout;

  Limiter(int maxConcurrent, int maxQueued, Duration timeout) {
    this.permits = new Semaphore(maxConcurrent, true);
    this.maxQueued = maxQueued;
    this.timeout = timeout;
  }

  /** Waits for a turn, or throws a 503 problem when the queue is full or the wait too long. */
  void acquire() {
    if (permits.tryAcquire()) {
      return;
    }
    if (waiting.incrementAndGet() > maxQueued) {
      waiting.decrementAndGet();
      throw busy();
    }
    try {
      if (!permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw busy();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw busy();
    } finally {
      waiting.decrementAndGet();
    }
  }

  void release() {
    permits.release();
  }

  /** The handler run in a turn of this limiter. */
  Handler around(Handler h) {
    return ctx -> {
      acquire();
      try {
        h.handle(ctx);
      } finally {
        release();
      }
    };
  }

  private static ApiException busy() {
    return new ApiException(503, "busy", "Server busy",
        "The server is answering as many requests as it can right now. Try again in a second.", "1");
  }
}
