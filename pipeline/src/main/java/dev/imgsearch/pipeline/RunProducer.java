package dev.imgsearch.pipeline;

import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The first stage of a run, on one thread: walks the source, looks up the stored rows of its images in batches,
 * counts what is up to date and hands the rest to the {@link DecodeStage} on the decoding pool, blocking while
 * {@code maxInFlight} images are in flight.
 */
final class RunProducer {
  private static final int LOOKUP_BATCH = 256;

  private final RunState run;
  private final DecodeStage decode;

  RunProducer(RunState run, DecodeStage decode) {
    this.run = run;
    this.decode = decode;
  }

  /** Walks the whole source, or until the run stops. */
  void produce() {
    List<Candidate> batch = new ArrayList<>(LOOKUP_BATCH);
    run.source.produce(run.settings.idStrategy(), new Candidate.Sink() {
      @Override
      public boolean accept(Candidate c) {
        if (run.stopping()) {
          return false;
        }
        batch.add(c);
        if (batch.size() >= LOOKUP_BATCH) {
          dispatch(batch);
          batch.clear();
        }
        return !run.stopping();
      }

      @Override
      public void fail(String item, IndexFailure.Cause cause, String message) {
        run.unlisted(item, cause, message);
      }
    });
    if (!batch.isEmpty() && !run.stopping()) {
      dispatch(batch);
    }
  }

  private void dispatch(List<Candidate> batch) {
    lookup(batch);
    for (Candidate c : batch) {
      if (run.stopping()) {
        return;
      }
      if (c.failCause == null) {
        String problem = RowValues.checkMetadata(c.metadata, run.settings.reserved());
        if (problem == null) {
          problem = RowValues.checkLengths(c.id == null ? "" : c.id, c.pathField, run.settings.schema());
        }
        if (problem != null) {
          c.failed(IndexFailure.Cause.INVALID_METADATA, problem);
        }
      }
      if (c.failCause != null) {
        run.failed(c, c.failCause, c.failMessage);
        continue;
      }
      DecodeStage.Work work = decide(c);
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
        paths.addAll(aliases(c));
      }
      if (c.file == null && c.bytes != null) {
        c.hash = IndexRun.sha256(c.bytes);
      }
    }
    if (!ids.isEmpty()) {
      Map<String, Row> byId = new HashMap<>();
      for (Row r : run.store().get(run.collection(), run.settings.keys(ids), List.of("*"))) {
        byId.put(run.settings.idOf(r), r);
      }
      for (Candidate c : batch) {
        if (c.id != null) {
          c.existing = byId.get(c.id);
        }
      }
    }
    if (!paths.isEmpty()) {
      lookupByPath(batch, new ArrayList<>(new LinkedHashSet<>(paths)));
    }
  }

  /**
   * Under content or server-generated ids: the row at a file's path that holds its current bytes (or, for a row
   * without bookkeeping, any row at its path), and the stale ones.
   */
  private void lookupByPath(List<Candidate> batch, List<String> paths) {
    Map<String, List<Row>> byPath = new HashMap<>();
    for (Row r : run.store().query(QueryRequest.builder(run.collection())
        .filter(StoreFilters.in(run.settings.pathField(), paths)).outputFields("*").limit(QueryRequest.MAX_WINDOW)
        .build())) {
      byPath.computeIfAbsent(String.valueOf(r.get(run.settings.pathField())), k -> new ArrayList<>()).add(r);
    }
    for (Candidate c : batch) {
      if (c.id == null) {
        List<String> stale = new ArrayList<>();
        List<Row> atPath = new ArrayList<>(byPath.getOrDefault(c.pathField, List.of()));
        for (String alias : aliases(c)) {
          atPath.addAll(byPath.getOrDefault(alias, List.of()));
        }
        for (Row r : atPath) {
          if (RowValues.pathOnly(r) || (RowValues.sameFile(r, c) && RowValues.sameAttributes(r, c, run.settings))) {
            c.existing = r;
            c.id = run.settings.idOf(r);
          } else {
            stale.add(run.settings.idOf(r));
          }
        }
        c.staleIds = stale;
      }
    }
  }

  /**
   * Under server-generated ids, the other forms a file's path may have been stored in by another program: relative
   * to the working directory, as the Python tutorials' {@code glob("./images_folder/...")} stores them
   * ({@code ./a/b.jpg} and {@code a/b.jpg}). Empty for other ids, records and files outside the working directory.
   */
  private List<String> aliases(Candidate c) {
    if (run.settings.idStrategy() != IdStrategy.AUTO || c.file == null) {
      return List.of();
    }
    java.nio.file.Path cwd = java.nio.file.Path.of("").toAbsolutePath();
    java.nio.file.Path file = c.file.toAbsolutePath().normalize();
    if (!file.startsWith(cwd) || file.equals(cwd)) {
      return List.of();
    }
    String relative = cwd.relativize(file).toString().replace(java.io.File.separatorChar, '/');
    return List.of("./" + relative, relative);
  }

  /** What a candidate needs, or null when it is up to date (then it is counted here). */
  private DecodeStage.Work decide(Candidate c) {
    Row ex = c.existing;
    if (c.id == null) {
      // content ids: no row at this path is up to date; server ids: a new row
      return run.settings.idStrategy() == IdStrategy.AUTO ? DecodeStage.Work.EMBED : DecodeStage.Work.CHECK_CONTENT;
    }
    if (ex == null) {
      return run.settings.idStrategy() == IdStrategy.CONTENT && c.file != null ? DecodeStage.Work.CHECK_CONTENT
          : DecodeStage.Work.EMBED;
    }
    if (RowValues.pathOnly(ex)) {
      // A row without bookkeeping (an adopted collection's): nothing tells whether the file changed.
      run.markSeen(c.id);
      run.progress.unchanged(1);
      return null;
    }
    boolean sameBytes = c.file != null ? RowValues.sameFile(ex, c) : c.hash.equals(ex.get(IndexFields.CONTENT_HASH));
    if (sameBytes) {
      if (RowValues.sameAttributes(ex, c, run.settings)) {
        run.markSeen(c.id);
        run.progress.unchanged(1);
        return null;
      }
      return DecodeStage.Work.REFRESH;
    }
    return DecodeStage.Work.CHECK;
  }

  private void submit(Candidate c, DecodeStage.Work work) {
    try {
      while (!run.permits.tryAcquire(RunState.POLL_MILLIS, TimeUnit.MILLISECONDS)) {
        if (run.stopping()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      run.interrupt();
      return;
    }
    run.inPool.incrementAndGet();
    try {
      run.settings.executors().decode().execute(() -> decode.work(c, work));
    } catch (RuntimeException e) {
      run.inPool.decrementAndGet();
      run.permits.release();
      throw e;
    }
  }
}
