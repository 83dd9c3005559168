package dev.imgsearch.core.store.spi;

import dev.imgsearch.core.ClosedException;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The open/closed state of a store, for store implementations: calls run under the read side of a lock and fail
 * with {@link ClosedException} once the store is closed; closing takes the write side, so it waits for running
 * calls and no call starts after it. Calls do not block one another.
 *
 * <pre>{@code
 * private final StoreLifecycle lifecycle = new StoreLifecycle("MyStore (" + path + ")");
 * public long count(String c) { return lifecycle.call(() -> ...); }
 * public void close() { lifecycle.close(() -> ...release...); }
 * }</pre>
 *
 * <p>Not part of the SDK's API for applications.
 */
public final class StoreLifecycle {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final String description;
  private volatile boolean closed;
  private volatile boolean closing;

  /**
   * @param description names the store in the {@link ClosedException}'s message, e.g. {@code "LuceneVectorStore
   *     (/data/store)"}
   */
  public StoreLifecycle(String description) {
    this.description = description;
  }

  /**
   * Runs a call of the store while it is open.
   *
   * @throws ClosedException when the store is closed
   */
  public <T> T call(Supplier<T> body) {
    Lock read = lock.readLock();
    read.lock();
    try {
      if (closed) {
        throw new ClosedException(description);
      }
      return body.get();
    } finally {
      read.unlock();
    }
  }

  /** Runs a call of the store that returns nothing while it is open; see {@link #call(Supplier)}. */
  public void run(Runnable body) {
    call(() -> {
      body.run();
      return null;
    });
  }

  /**
   * Closes the store once: waits for running calls, then runs {@code release} with no call running, and marks the
   * store closed when it returns. When {@code release} throws, the store stays open (the caller can fix the cause
   * and close again) and the exception propagates. Does nothing when the store is closed already.
   *
   * @return whether this call closed the store
   */
  public boolean close(Runnable release) {
    closing = true;
    Lock write = lock.writeLock();
    write.lock();
    try {
      if (closed) {
        return false;
      }
      try {
        release.run();
      } catch (RuntimeException | Error e) {
        closing = false;
        throw e;
      }
      closed = true;
      return true;
    } finally {
      write.unlock();
    }
  }

  /**
   * Whether {@link #close} has been called and not failed: the store may still be waiting for running calls. A
   * call that would wait or retry (a network store's backoff) stops early when this turns true.
   */
  public boolean isClosing() {
    return closing || closed;
  }

  /** Whether the store is closed. */
  public boolean isClosed() {
    return closed;
  }
}
