package dev.imgsearch.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The counters of one run and the listener they are reported to; thread-safe, calls the listener serially. */
final class Progress {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);
  private static final long MIN_INTERVAL_NANOS = 100_000_000L;

  private final IndexListener listener;
  private final long startNanos = System.nanoTime();
  private final List<IndexFailure> failures = new ArrayList<>();
  private long total = -1;
  private long indexed;
  private long unchanged;
  private long moved;
  private long removed;
  private long lastEventNanos;
  private boolean listenerFailed;

  Progress(IndexListener listener) {
    this.listener = listener == null ? IndexListener.NONE : listener;
  }

  synchronized void total(long total) {
    this.total = total;
    emit(true);
  }

  synchronized void indexed(int n) {
    indexed += n;
    emit(false);
  }

  synchronized void unchanged(int n) {
    unchanged += n;
    emit(false);
  }

  synchronized void moved(int n) {
    moved += n;
    emit(false);
  }

  synchronized void removed(long n) {
    removed += n;
  }

  synchronized void failed(IndexFailure f) {
    failures.add(f);
    LOG.warn("Not indexed: {}", f);
    try {
      if (!listenerFailed) {
        listener.onFailure(f);
      }
    } catch (RuntimeException e) {
      listenerBroke(e);
    }
    emit(false);
  }

  /** Sends a last progress event and returns the report. */
  synchronized IndexReport finish() {
    emit(true);
    return new IndexReport(indexed, unchanged, moved, removed, failures, elapsed());
  }

  synchronized long done() {
    return indexed + unchanged + moved + failures.size();
  }

  synchronized long indexed() {
    return indexed;
  }

  synchronized long total() {
    return total;
  }

  private Duration elapsed() {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private void emit(boolean force) {
    long now = System.nanoTime();
    if (listenerFailed || (!force && now - lastEventNanos < MIN_INTERVAL_NANOS)) {
      return;
    }
    lastEventNanos = now;
    try {
      listener.onProgress(new IndexProgress(total, indexed, unchanged, moved, failures.size(), elapsed()));
    } catch (RuntimeException e) {
      listenerBroke(e);
    }
  }

  private void listenerBroke(RuntimeException e) {
    listenerFailed = true;
    LOG.warn("The index listener threw an exception; it gets no more calls in this run", e);
  }
}
