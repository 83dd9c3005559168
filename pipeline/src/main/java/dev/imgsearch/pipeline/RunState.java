package dev.imgsearch.pipeline;

import dev.imgsearch.core.store.VectorStore;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the stages of one {@link IndexRun} share: the settings, the counters, the queues between stages with
 * their back-pressure, the first fatal error, and the ids seen (for a sync). Made per run; thread-safe.
 *
 * <p>Memory is bounded: at most {@code maxInFlight} images hold a {@link #permits permit} between the walk and
 * the end of inference, and at most two upsert batches wait in {@link #writes} for the store.
 */
final class RunState {
  private static final Logger LOG = LoggerFactory.getLogger(RunState.class);
  /** How long a stage waits on a queue or a permit before it looks whether the run is stopping. */
  static final long POLL_MILLIS = 20;
  /** Put in {@link #writes} when inference is done: the writer ends after it. */
  static final Object END = new Object();

  final IndexSettings settings;
  final IndexSource source;
  final Progress progress;
  /** Images between the walk and the end of inference. */
  final Semaphore permits;
  /** Images being read, decoded and preprocessed. */
  final AtomicInteger inPool = new AtomicInteger();
  /** Decoded images (and stored vectors to rewrite), for inference. */
  final BlockingQueue<ReadyImage> ready = new LinkedBlockingQueue<>();
  /** Embedded images for the writer, then {@link #END}. */
  final BlockingQueue<Object> writes;
  private final AtomicReference<Throwable> fatal = new AtomicReference<>();
  /** Ids of this source's rows the run saw (for a sync), or null without sync. */
  private final Set<String> seen;
  /** Paths the source could not list (unreadable directories): a sync keeps every row under them. */
  private final Set<String> unlisted = ConcurrentHashMap.newKeySet();
  private volatile boolean producerDone;
  /** Set when the calling thread is interrupted: the run stops taking new images. */
  private volatile boolean interrupted;

  RunState(IndexSettings settings, IndexSource source, IndexListener listener) {
    this.settings = settings;
    this.source = source;
    this.progress = new Progress(listener);
    this.permits = new Semaphore(settings.maxInFlight());
    this.writes = new ArrayBlockingQueue<>(2 * settings.upsertBatchSize());
    this.seen = source.sync() ? ConcurrentHashMap.newKeySet() : null;
  }

  VectorStore store() {
    return settings.store();
  }

  String collection() {
    return settings.collection();
  }

  /** Whether the run should take no more images: interrupted, or a stage failed. */
  boolean stopping() {
    return interrupted || fatal.get() != null;
  }

  boolean interrupted() {
    return interrupted;
  }

  void interrupt() {
    interrupted = true;
  }

  boolean producerDone() {
    return producerDone;
  }

  void producerDone(boolean done) {
    producerDone = done;
  }

  /** The first error that stopped the run, or null. */
  Throwable fatal() {
    return fatal.get();
  }

  /** Stops the run for an error that is not an image's fault (store, model, bug); the first one wins. */
  void fail(Throwable t) {
    if (fatal.compareAndSet(null, t)) {
      LOG.debug("Indexing run stops", t);
    }
  }

  /** Offers an item to the writer, waiting while the queue is full; gives up when the run has failed. */
  void toWriter(Object item) throws InterruptedException {
    while (!writes.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
      if (fatal.get() != null) {
        return;
      }
    }
  }

  void markSeen(String id) {
    if (seen != null && id != null) {
      seen.add(id);
    }
  }

  boolean seen(String id) {
    return seen.contains(id);
  }

  /** Reports an item the source could not list; a sync keeps the rows under it. */
  void unlisted(String item, IndexFailure.Cause cause, String message) {
    unlisted.add(item);
    progress.failed(new IndexFailure(item, cause, message));
  }

  /** Whether a stored path lies under an item the source could not list. */
  boolean underUnlisted(String path) {
    for (String u : unlisted) {
      if (path.equals(u) || path.startsWith(u.endsWith("/") ? u : u + "/")) {
        return true;
      }
    }
    return false;
  }

  /** Reports a failed image; keeps whatever rows it had (a sync must not remove them). */
  void failed(Candidate c, IndexFailure.Cause cause, String message) {
    if (c.existing != null) {
      markSeen(settings.idOf(c.existing));
    }
    markSeen(c.id);
    for (String stale : c.staleIds) {
      markSeen(stale);
    }
    progress.failed(new IndexFailure(c.item, cause, message));
  }

  /** Counts written images by outcome and marks them seen. */
  void written(List<ReadyImage> written) {
    int indexed = 0;
    int moved = 0;
    int unchanged = 0;
    for (ReadyImage r : written) {
      markSeen(r.c.id);
      switch (r.outcome) {
        case INDEXED -> indexed++;
        case MOVED -> moved++;
        case DUPLICATE -> unchanged++;
      }
    }
    progress.indexed(indexed);
    progress.moved(moved);
    progress.unchanged(unchanged);
  }

  /** Makes the writes so far durable after a failed run, logging a failure instead of hiding the run's error. */
  void flushQuietly() {
    try {
      store().flush(collection());
    } catch (RuntimeException e) {
      LOG.warn("Could not flush collection '{}' after a failed run", collection(), e);
    }
  }
}
