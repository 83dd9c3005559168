package dev.imgsearch.pipeline;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import dev.imgsearch.core.ClosedException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of one {@link ImageIndex}'s indexing runs: a pool of {@code parallelism} threads that read, decode
 * and preprocess, and {@value #STAGE_THREADS} stage threads (the walk, inference, upserts).
 *
 * <p><b>Ownership.</b> The index that made these executors owns them and alone closes them, in
 * {@link ImageIndex#close()}, after any run has ended; runs only submit work. The pools start with the first run,
 * so an index that only searches starts no thread. Once closed they refuse work with a {@link ClosedException}.
 * Thread-safe.
 */
final class IndexExecutors implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexExecutors.class);
  /** The walk with its lookups, inference and upserts each run on one thread. */
  static final int STAGE_THREADS = 3;
  private static final long TERMINATION_SECONDS = 10;

  private final String collection;
  private final int parallelism;
  private ExecutorService decode; // guarded by this
  private ExecutorService stages; // guarded by this
  private boolean closed; // guarded by this

  IndexExecutors(String collection, int parallelism) {
    this.collection = collection;
    this.parallelism = parallelism;
  }

  /** The threads that read, decode and preprocess; started on first use. */
  synchronized ExecutorService decode() {
    start();
    return decode;
  }

  /** The stage threads; started on first use. */
  synchronized ExecutorService stages() {
    start();
    return stages;
  }

  /** The number of decoding threads. */
  int parallelism() {
    return parallelism;
  }

  /** Whether the pools have been started (by a run) and not closed. */
  synchronized boolean started() {
    return decode != null && !closed;
  }

  private void start() {
    if (closed) {
      throw new ClosedException("ImageIndex '" + collection + "'");
    }
    if (decode == null) {
      decode = Executors.newFixedThreadPool(parallelism, threads("decode"));
      stages = Executors.newFixedThreadPool(STAGE_THREADS, threads("stage"));
    }
  }

  private java.util.concurrent.ThreadFactory threads(String role) {
    return new ThreadFactoryBuilder().setDaemon(true).setNameFormat("imgsearch-" + role + "-" + collection + "-%d")
        .build();
  }

  /**
   * Stops the pools and waits up to ten seconds for their threads to end; idempotent. Call it when no run is in
   * progress (the index holds its run lock): work still queued is abandoned.
   */
  @Override
  public void close() {
    ExecutorService d;
    ExecutorService s;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      d = decode;
      s = stages;
    }
    if (d == null) {
      return;
    }
    d.shutdownNow();
    s.shutdownNow();
    try {
      if (!d.awaitTermination(TERMINATION_SECONDS, TimeUnit.SECONDS)
          || !s.awaitTermination(TERMINATION_SECONDS, TimeUnit.SECONDS)) {
        LOG.warn("Threads of ImageIndex '{}' did not end within {} s of close(); they are daemon threads and end "
            + "with the JVM", collection, TERMINATION_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
