package dev.imgsearch.pipeline;

import com.google.common.hash.Hashing;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidImageException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One indexing run: the calling thread walks the source and looks up stored rows in batches; a bounded pool
 * reads, hashes, decodes and preprocesses; one thread embeds in batches; one thread upserts in batches.
 *
 * <p>Memory is bounded by back-pressure: at most {@code maxInFlight} images are between the walk and the end of
 * inference (a semaphore), and at most two upsert batches of rows wait for the store (a bounded queue), whatever
 * the size of the source.
 */
final class IndexRun {
  private static final Logger LOG = LoggerFactory.getLogger(IndexRun.class);
  private static final Object END = new Object();
  private static final long POLL_MILLIS = 20;
  private static final long MAX_BATCH_WAIT_NANOS = 5_000_000_000L;
  private static final int LOOKUP_BATCH = 256;
  private static final int SYNC_PAGE = 1024;

  private enum Work { EMBED, CHECK, CHECK_CONTENT, REFRESH }

  private enum Outcome { INDEXED, MOVED, DUPLICATE }

  /** A candidate with its pixels (to embed) or its vector (to rewrite). */
  private static final class Ready {
    final Candidate c;
    float[] pixels;
    float[] vector;
    Outcome outcome;

    Ready(Candidate c, float[] pixels, float[] vector, Outcome outcome) {
      this.c = c;
      this.pixels = pixels;
      this.vector = vector;
      this.outcome = outcome;
    }
  }

  private final ImageIndex index;
  private final IndexSource source;
  private final Progress progress;
  private final Semaphore permits;
  private final BlockingQueue<Ready> ready = new LinkedBlockingQueue<>();
  private final BlockingQueue<Object> writes;
  private final AtomicInteger inPool = new AtomicInteger();
  private final AtomicReference<Throwable> fatal = new AtomicReference<>();
  private final Set<String> seen;
  /** Paths the source could not list (unreadable directories): a sync keeps every row under them. */
  private final Set<String> unlisted = new HashSet<>();
  private volatile boolean producerDone;
  /** When the writer last made the collection durable (writer thread only). */
  private long lastFlushNanos;
  /** Set when the calling thread is interrupted: the run stops taking new images. */
  private volatile boolean interrupted;

  IndexRun(ImageIndex index, IndexSource source, IndexListener listener) {
    this.index = index;
    this.source = source;
    this.progress = new Progress(listener);
    this.permits = new Semaphore(index.maxInFlight());
    this.writes = new ArrayBlockingQueue<>(2 * index.upsertBatchSize());
    this.seen = source.sync() ? ConcurrentHashMap.newKeySet() : null;
  }

  /**
   * Runs on the index's threads while the calling thread waits. No store call ever runs on the calling thread,
   * so interrupting it cannot break a store that reacts badly to interrupts during I/O (Lucene, gRPC): an
   * interrupt only asks the run to stop, which it does after writing the images in flight.
   */
  IndexReport run() {
    Future<IndexReport> work = index.stagePool().submit(this::runOnWorkers);
    boolean wasInterrupted = false;
    try {
      while (true) {
        try {
          return work.get();
        } catch (InterruptedException e) {
          wasInterrupted = true;
          interrupted = true; // the workers wind down; keep waiting for them
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof Stopped) {
            throw new ImageSearchException("Indexing into '" + index.collection() + "' was interrupted after "
                + progress.done() + " of " + progress.total() + " images. Images already written stay; run "
                + "index() again to finish (they are skipped).");
          }
          if (cause instanceof ImageSearchException ise) {
            throw ise;
          }
          if (cause instanceof Error err) {
            throw err;
          }
          throw new ImageSearchException("Indexing into '" + index.collection() + "' stopped after "
              + progress.done() + " images: " + cause + ". Images already written stay; run index() again to "
              + "finish.", cause);
        }
      }
    } finally {
      if (wasInterrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Thrown on a worker when the run was interrupted. */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("interrupted", null, false, false);
    }
  }

  private IndexReport runOnWorkers() throws Exception {
    progress.total(source.count());
    Future<?> embedding = index.stagePool().submit(this::embedLoop);
    Future<?> writing = index.stagePool().submit(this::writeLoop);
    try {
      produce();
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      producerDone = true;
    }
    await(embedding);
    await(writing);
    Throwable f = fatal.get();
    if (f != null) {
      index.flushQuietly();
      if (f instanceof Exception e) {
        throw e;
      }
      throw (Error) f;
    }
    if (interrupted) {
      index.flushQuietly();
      throw new Stopped();
    }
    if (source.sync()) {
      progress.removed(sync());
    }
    index.store().flush(index.collection());
    return progress.finish();
  }

  // ---------------------------------------------------------------- the walk and the lookups (calling thread)

  private void produce() {
    List<Candidate> batch = new ArrayList<>(LOOKUP_BATCH);
    source.produce(index.idStrategy(), new Candidate.Sink() {
      @Override
      public boolean accept(Candidate c) {
        if (stopping()) {
          return false;
        }
        batch.add(c);
        if (batch.size() >= LOOKUP_BATCH) {
          dispatch(batch);
          batch.clear();
        }
        return !stopping();
      }

      @Override
      public void fail(String item, IndexFailure.Cause cause, String message) {
        unlisted.add(item);
        progress.failed(new IndexFailure(item, cause, message));
      }
    });
    if (!batch.isEmpty() && !stopping()) {
      dispatch(batch);
    }
  }

  private boolean stopping() {
    return interrupted || fatal.get() != null;
  }

  private void dispatch(List<Candidate> batch) {
    lookup(batch);
    for (Candidate c : batch) {
      if (stopping()) {
        return;
      }
      if (c.failCause == null) {
        String problem = RowValues.checkMetadata(c.metadata);
        if (problem == null) {
          problem = RowValues.checkLengths(c.id == null ? "" : c.id, c.pathField);
        }
        if (problem != null) {
          c.failed(IndexFailure.Cause.INVALID_METADATA, problem);
        }
      }
      if (c.failCause != null) {
        failed(c, c.failCause, c.failMessage);
        continue;
      }
      Work work = decide(c);
      if (work != null) {
        submit(c, work);
      }
    }
  }

  /** Finds the stored rows of a batch: by id, or by path for files under content ids. */
  private void lookup(List<Candidate> batch) {
    List<String> ids = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    for (Candidate c : batch) {
      if (c.id != null) {
        ids.add(c.id);
      } else {
        paths.add(c.pathField);
      }
      if (c.file == null && c.bytes != null) {
        c.hash = sha256(c.bytes);
      }
    }
    if (!ids.isEmpty()) {
      Map<String, Row> byId = new HashMap<>();
      for (Row r : index.store().get(index.collection(), ids, List.of("*"))) {
        byId.put((String) r.get(IndexFields.ID), r);
      }
      for (Candidate c : batch) {
        if (c.id != null) {
          c.existing = byId.get(c.id);
        }
      }
    }
    if (!paths.isEmpty()) {
      Map<String, List<Row>> byPath = new HashMap<>();
      List<String> distinct = new ArrayList<>(new LinkedHashSet<>(paths));
      for (Row r : index.store().query(QueryRequest.builder(index.collection())
          .filter(StoreFilters.in(IndexFields.PATH, distinct)).outputFields("*")
          .limit(QueryRequest.MAX_WINDOW).build())) {
        byPath.computeIfAbsent((String) r.get(IndexFields.PATH), k -> new ArrayList<>()).add(r);
      }
      for (Candidate c : batch) {
        if (c.id == null) {
          List<Row> rows = byPath.getOrDefault(c.pathField, List.of());
          List<String> stale = new ArrayList<>();
          for (Row r : rows) {
            if (RowValues.sameFile(r, c) && RowValues.sameAttributes(r, c)) {
              c.existing = r;
              c.id = (String) r.get(IndexFields.ID);
            } else {
              stale.add((String) r.get(IndexFields.ID));
            }
          }
          c.staleIds = stale;
        }
      }
    }
  }

  /** What a candidate needs, or null when it is up to date (then it is counted here). */
  private Work decide(Candidate c) {
    Row ex = c.existing;
    if (c.id == null) {
      return Work.CHECK_CONTENT; // content ids: no row at this path is up to date
    }
    if (ex == null) {
      return index.idStrategy() == IdStrategy.CONTENT && c.file != null ? Work.CHECK_CONTENT : Work.EMBED;
    }
    boolean sameBytes = c.file != null ? RowValues.sameFile(ex, c)
        : c.hash.equals(ex.get(IndexFields.CONTENT_HASH));
    if (sameBytes) {
      if (RowValues.sameAttributes(ex, c)) {
        markSeen(c.id);
        progress.unchanged(1);
        return null;
      }
      return Work.REFRESH;
    }
    return Work.CHECK;
  }

  private void submit(Candidate c, Work work) {
    try {
      while (!permits.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (stopping()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      interrupted = true;
      return;
    }
    inPool.incrementAndGet();
    try {
      index.decodePool().execute(() -> work(c, work));
    } catch (RuntimeException e) {
      inPool.decrementAndGet();
      permits.release();
      throw e;
    }
  }

  // ---------------------------------------------------------------- read, hash, decode, preprocess (the pool)

  private void work(Candidate c, Work work) {
    boolean handedOn = false;
    try {
      if (fatal.get() == null) {
        Ready r = prepare(c, work);
        if (r != null) {
          ready.add(r);
          handedOn = true;
        }
      }
    } catch (InvalidImageException e) {
      failed(c, IndexFailure.Cause.of(e.reason()), messageOf(e));
    } catch (ImageSearchException e) {
      fail(e); // store or model trouble: not the image's fault
    } catch (RuntimeException e) {
      // A decoder plugin that throws something else on malformed data: the image's fault.
      failed(c, IndexFailure.Cause.CORRUPT, "could not be decoded (" + e + "); check the file.");
    } catch (Error e) {
      fail(e);
    } finally {
      if (!handedOn) {
        permits.release();
      }
      inPool.decrementAndGet();
    }
  }

  private Ready prepare(Candidate c, Work work) {
    if (work == Work.REFRESH) {
      float[] v = storedVector(c.existing);
      if (v != null) {
        c.hash = (String) c.existing.get(IndexFields.CONTENT_HASH);
        return new Ready(c, null, v, Outcome.MOVED);
      }
      work = Work.EMBED; // the row went away meanwhile
    }
    byte[] bytes = c.bytes;
    if (bytes == null) {
      try {
        bytes = Files.readAllBytes(c.file);
      } catch (IOException e) {
        failed(c, IndexFailure.Cause.UNREADABLE, "cannot be read (" + e + "); check that it exists and that "
            + "this process may read it.");
        return null;
      }
    }
    if (c.hash == null) {
      c.hash = sha256(bytes);
    }
    if (work == Work.CHECK_CONTENT) {
      c.id = c.hash;
      List<Row> rows = index.store().get(index.collection(), List.of(c.id), List.of("*"));
      c.existing = rows.isEmpty() ? null : rows.get(0);
      if (c.existing != null) {
        if (isIntactCopy(c.existing, c)) {
          return new Ready(c, null, null, Outcome.DUPLICATE);
        }
        float[] v = storedVector(c.existing);
        if (v != null) {
          return new Ready(c, null, v, Outcome.MOVED);
        }
      }
    } else if (work == Work.CHECK && c.hash.equals(c.existing.get(IndexFields.CONTENT_HASH))) {
      float[] v = storedVector(c.existing);
      if (v != null) {
        return new Ready(c, null, v, Outcome.MOVED);
      }
    }
    BufferedImage image = index.decoder().decode(ImageInput.of(bytes));
    float[] pixels = index.embedder().recipe().apply(image);
    c.bytes = null;
    return new Ready(c, pixels, null, Outcome.INDEXED);
  }

  /**
   * Under content ids, whether the stored row for these bytes belongs to another file that still holds them
   * (an identical copy): then this file is a duplicate and the row stays as it is.
   */
  private static boolean isIntactCopy(Row row, Candidate c) {
    Object p = row.get(IndexFields.PATH);
    if (!(p instanceof String other) || other.isEmpty() || other.equals(c.pathField)) {
      return false;
    }
    try {
      BasicFileAttributes a = Files.readAttributes(Path.of(other), BasicFileAttributes.class);
      return a.isRegularFile() && RowValues.same(row.get(IndexFields.FILE_SIZE), a.size())
          && RowValues.same(row.get(IndexFields.MODIFIED), a.lastModifiedTime().toMillis());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private float[] storedVector(Row row) {
    List<Row> rows = index.store().get(index.collection(), List.of(row.get(IndexFields.ID)),
        List.of(IndexFields.VECTOR));
    return rows.isEmpty() ? null : rows.get(0).vector(IndexFields.VECTOR);
  }

  // ---------------------------------------------------------------- inference in batches (one thread)

  /**
   * Takes decoded images and embeds them in full batches. A partial batch is embedded only when no image is being
   * decoded (the walk or the lookups are what is slow, or the source is done), or when its first image has waited
   * {@link #MAX_BATCH_WAIT_NANOS}: small batches waste the model's time, so while images are on their way the
   * batch waits for them. It always fills: at least a batch of images may be in flight.
   */
  private void embedLoop() {
    List<Ready> batch = new ArrayList<>(index.batchSize());
    long batchStart = 0;
    try {
      while (fatal.get() == null) {
        Ready r = ready.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (r == null) {
          if (!batch.isEmpty()) {
            if (inPool.get() == 0 || System.nanoTime() - batchStart > MAX_BATCH_WAIT_NANOS) {
              embed(batch);
            }
          } else if (producerDone && inPool.get() == 0 && ready.isEmpty()) {
            break;
          }
          continue;
        }
        if (r.pixels == null) {
          permits.release();
          write(r);
          continue;
        }
        if (batch.isEmpty()) {
          batchStart = System.nanoTime();
        }
        batch.add(r);
        if (batch.size() >= index.batchSize()) {
          embed(batch);
        }
      }
    } catch (InterruptedException e) {
      fail(e);
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      try {
        write(END);
      } catch (InterruptedException e) {
        fail(e);
      }
    }
  }

  private void embed(List<Ready> batch) throws InterruptedException {
    List<float[]> pixels = new ArrayList<>(batch.size());
    for (Ready r : batch) {
      pixels.add(r.pixels);
    }
    List<float[]> vectors = index.embedder().embedPixels(pixels);
    if (vectors == null || vectors.size() != batch.size()) {
      throw new ModelException("Embedder '" + index.embedder().modelId() + "' returned "
          + (vectors == null ? "null" : vectors.size() + " vectors") + " for " + batch.size() + " images; "
          + "embedPixels must return one vector per image.");
    }
    permits.release(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Ready r = batch.get(i);
      r.pixels = null;
      try {
        r.vector = (float[]) index.vectorField().coerce(vectors.get(i));
      } catch (InvalidInputException e) {
        failed(r.c, IndexFailure.Cause.INVALID_VECTOR, "the model returned an unusable vector: " + e.getMessage());
        continue;
      }
      write(r);
    }
    batch.clear();
  }

  private void write(Object item) throws InterruptedException {
    while (!writes.offer(item, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
      if (fatal.get() != null) {
        return;
      }
    }
  }

  // ---------------------------------------------------------------- upserts in batches (one thread)

  private void writeLoop() {
    List<Ready> pending = new ArrayList<>(index.upsertBatchSize());
    lastFlushNanos = System.nanoTime();
    try {
      while (true) {
        Object item = writes.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (item == END) {
          break;
        }
        if (item == null) {
          if (!pending.isEmpty()) {
            flush(pending);
          } else if (fatal.get() != null) {
            return;
          }
          continue;
        }
        pending.add((Ready) item);
        if (pending.size() >= index.upsertBatchSize()) {
          flush(pending);
        }
      }
      if (!pending.isEmpty()) {
        flush(pending);
      }
    } catch (InterruptedException e) {
      fail(e);
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  private void flush(List<Ready> pending) {
    List<Row> rows = new ArrayList<>(pending.size());
    List<Ready> written = new ArrayList<>(pending.size());
    for (Ready r : pending) {
      if (r.outcome != Outcome.DUPLICATE) {
        rows.add(row(r));
        written.add(r);
      }
    }
    List<Ready> ok = new ArrayList<>(pending);
    if (!rows.isEmpty()) {
      try {
        index.store().upsert(index.collection(), rows);
      } catch (InvalidInputException e) {
        // One bad row fails the whole batch: write them one by one to keep the good ones.
        for (int i = 0; i < rows.size(); i++) {
          try {
            index.store().upsert(index.collection(), List.of(rows.get(i)));
          } catch (InvalidInputException one) {
            Ready r = written.get(i);
            ok.remove(r);
            failed(r.c, IndexFailure.Cause.INVALID_METADATA, "the store refused the row: " + one.getMessage());
          }
        }
      }
    }
    removeStale(ok);
    int indexed = 0;
    int moved = 0;
    int unchanged = 0;
    for (Ready r : ok) {
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
    pending.clear();
    if (System.nanoTime() - lastFlushNanos >= index.flushInterval().toNanos()) {
      index.store().flush(index.collection());
      lastFlushNanos = System.nanoTime();
    }
  }

  /** Deletes rows that held an earlier content of a written path, if they still point at that path. */
  private void removeStale(List<Ready> written) {
    Map<String, String> pathOfStale = new HashMap<>();
    Set<String> keep = new HashSet<>();
    for (Ready r : written) {
      keep.add(r.c.id);
      for (String s : r.c.staleIds) {
        pathOfStale.put(s, r.c.pathField);
      }
    }
    pathOfStale.keySet().removeAll(keep);
    if (pathOfStale.isEmpty()) {
      return;
    }
    List<Object> delete = new ArrayList<>();
    for (Row row : index.store().get(index.collection(), new ArrayList<>(pathOfStale.keySet()),
        List.of(IndexFields.PATH))) {
      String id = (String) row.get(IndexFields.ID);
      if (pathOfStale.get(id).equals(row.get(IndexFields.PATH))) {
        delete.add(id);
      }
    }
    if (!delete.isEmpty()) {
      index.store().delete(index.collection(), delete);
      progress.removed(delete.size());
    }
  }

  private Row row(Ready r) {
    Candidate c = r.c;
    Row.Builder b = Row.builder().put(IndexFields.ID, c.id).put(IndexFields.PATH, c.pathField)
        .put(IndexFields.SOURCE, c.source).put(IndexFields.FILE_SIZE, c.size).put(IndexFields.MODIFIED, c.modified)
        .put(IndexFields.CONTENT_HASH, c.hash).put(IndexFields.VECTOR, r.vector);
    c.metadata.forEach(b::put);
    return b.build();
  }

  // ---------------------------------------------------------------- sync

  /** Deletes the rows of this source that the run did not see; returns how many. */
  private long sync() {
    long removed = 0;
    String after = null;
    List<Object> doomed = new ArrayList<>();
    while (true) {
      List<Row> page = index.store().query(QueryRequest.builder(index.collection())
          .filter(StoreFilters.sourceAfter(IndexFields.SOURCE, source.key(), IndexFields.ID, after))
          .outputFields(IndexFields.PATH).limit(SYNC_PAGE).build());
      for (Row r : page) {
        String id = (String) r.get(IndexFields.ID);
        if (!seen.contains(id) && !underUnlisted(String.valueOf(r.get(IndexFields.PATH)))) {
          doomed.add(id);
        }
        after = id;
      }
      if (doomed.size() >= SYNC_PAGE || (page.size() < SYNC_PAGE && !doomed.isEmpty())) {
        index.store().delete(index.collection(), doomed);
        removed += doomed.size();
        doomed.clear();
      }
      if (page.size() < SYNC_PAGE) {
        break;
      }
    }
    if (removed > 0) {
      LOG.info("Sync of '{}' removed {} rows of deleted or excluded images", source.key(), removed);
    }
    return removed;
  }

  private boolean underUnlisted(String path) {
    for (String u : unlisted) {
      if (path.equals(u) || path.startsWith(u.endsWith("/") ? u : u + "/")) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------- bookkeeping

  private void markSeen(String id) {
    if (seen != null && id != null) {
      seen.add(id);
    }
  }

  /** Reports a failed image; keeps whatever rows it had (a sync must not remove them). */
  private void failed(Candidate c, IndexFailure.Cause cause, String message) {
    if (c.existing != null) {
      markSeen((String) c.existing.get(IndexFields.ID));
    }
    markSeen(c.id);
    if (seen != null) {
      c.staleIds.forEach(seen::add);
    }
    progress.failed(new IndexFailure(c.item, cause, message));
  }

  private void fail(Throwable t) {
    if (fatal.compareAndSet(null, t)) {
      LOG.debug("Indexing run stops", t);
    }
  }

  private static void await(Future<?> f) {
    boolean wasInterrupted = false;
    while (true) {
      try {
        f.get();
        break;
      } catch (InterruptedException e) {
        wasInterrupted = true;
      } catch (ExecutionException e) {
        break; // the loops catch everything themselves
      }
    }
    if (wasInterrupted) {
      Thread.currentThread().interrupt();
    }
  }

  static String sha256(byte[] bytes) {
    return Hashing.sha256().hashBytes(bytes).toString();
  }

  /** The decoder's message without the source prefix (the report names the item itself). */
  static String messageOf(InvalidImageException e) {
    String m = e.getMessage();
    String prefix = e.source() + ": ";
    return m != null && m.startsWith(prefix) ? m.substring(prefix.length()) : String.valueOf(m);
  }
}
