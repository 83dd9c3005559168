package dev.imgsearch.pipeline;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The last stage of a run, on one thread: upserts embedded images in batches, deletes the rows their paths held
 * before, and makes the writes durable every {@code flushInterval}.
 *
 * <p><b>Refused rows.</b> The store checks every row (the vector's dimension and values, the metadata) and
 * refuses a whole batch for one bad row. The writer then takes out the row the store's message names (see
 * {@link StoreRejection}), confirms it by writing it alone, reports its image, and writes the rest again; when
 * the store names no row, it writes the rows one by one. Either way every good row is written and every bad one is
 * reported once, with the store's reason.
 */
final class WriteStage {
  private final RunState run;
  private final int upsertBatchSize;
  private final long flushIntervalNanos;
  private long lastFlushNanos;

  WriteStage(RunState run) {
    this.run = run;
    this.upsertBatchSize = run.settings.upsertBatchSize();
    this.flushIntervalNanos = run.settings.flushInterval().toNanos();
  }

  /** Writes until the embedding stage sends {@link RunState#END}, or until the run fails. */
  void run() {
    List<ReadyImage> pending = new ArrayList<>(upsertBatchSize);
    lastFlushNanos = System.nanoTime();
    try {
      while (true) {
        Object item = run.writes.poll(RunState.POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (item == RunState.END) {
          break;
        }
        if (item == null) {
          if (!pending.isEmpty()) {
            write(pending);
          } else if (run.fatal() != null) {
            return;
          }
          continue;
        }
        pending.add((ReadyImage) item);
        if (pending.size() >= upsertBatchSize) {
          write(pending);
        }
      }
      if (!pending.isEmpty()) {
        write(pending);
      }
    } catch (InterruptedException | RuntimeException | Error e) {
      run.fail(e);
    }
  }

  private void write(List<ReadyImage> pending) {
    List<ReadyImage> rows = new ArrayList<>(pending.size());
    for (ReadyImage r : pending) {
      if (r.outcome != ReadyImage.Outcome.DUPLICATE) {
        rows.add(r);
      }
    }
    List<ReadyImage> ok = new ArrayList<>(pending);
    ok.removeAll(upsert(rows));
    removeStale(ok);
    run.written(ok);
    pending.clear();
    if (System.nanoTime() - lastFlushNanos >= flushIntervalNanos) {
      run.store().flush(run.collection());
      lastFlushNanos = System.nanoTime();
    }
  }

  /** Upserts the rows of these images; returns the images whose rows the store refused, each reported. */
  private List<ReadyImage> upsert(List<ReadyImage> images) {
    List<ReadyImage> left = new ArrayList<>(images);
    List<ReadyImage> refused = new ArrayList<>();
    while (!left.isEmpty()) {
      try {
        upsertRows(left);
        return refused;
      } catch (InvalidInputException e) {
        int named = left.size() == 1 ? 0 : StoreRejection.rowOf(e, left.size());
        if (named < 0) {
          refused.addAll(oneByOne(left));
          return refused;
        }
        ReadyImage suspect = left.remove(named);
        InvalidInputException confirmed = left.isEmpty() ? e : tryAlone(suspect);
        if (confirmed == null) {
          // Written alone, so the store named the wrong row: find the bad ones without its help.
          refused.addAll(oneByOne(left));
          return refused;
        }
        refuse(suspect, confirmed);
        refused.add(suspect);
      }
    }
    return refused;
  }

  private List<ReadyImage> oneByOne(List<ReadyImage> images) {
    List<ReadyImage> refused = new ArrayList<>();
    for (ReadyImage r : images) {
      InvalidInputException e = tryAlone(r);
      if (e != null) {
        refuse(r, e);
        refused.add(r);
      }
    }
    return refused;
  }

  /** Upserts one image's row; returns the store's refusal, or null when it was written. */
  private InvalidInputException tryAlone(ReadyImage image) {
    try {
      upsertRows(List.of(image));
      return null;
    } catch (InvalidInputException e) {
      return e;
    }
  }

  /** Writes the rows: upserted under their ids, or inserted with ids the store generates (then recorded). */
  private void upsertRows(List<ReadyImage> images) {
    List<Row> rows = new ArrayList<>(images.size());
    for (ReadyImage r : images) {
      rows.add(row(r));
    }
    if (run.settings.idStrategy() != IdStrategy.AUTO) {
      run.store().upsert(run.collection(), rows);
      return;
    }
    List<Object> ids = run.store().insert(run.collection(), rows);
    for (int i = 0; i < images.size(); i++) {
      images.get(i).c.id = String.valueOf(ids.get(i));
    }
  }

  private void refuse(ReadyImage image, InvalidInputException e) {
    String vectorField = run.settings.vectorField();
    run.failed(image.c, StoreRejection.causeOf(e, vectorField), StoreRejection.messageOf(e, vectorField));
  }

  /** Deletes rows that held an earlier content of a written path, if they still point at that path. */
  private void removeStale(List<ReadyImage> written) {
    Map<String, String> pathOfStale = new HashMap<>();
    Set<String> keep = new HashSet<>();
    for (ReadyImage r : written) {
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
    for (Row row : run.store().get(run.collection(), run.settings.keys(pathOfStale.keySet()),
        List.of(run.settings.pathField()))) {
      String id = run.settings.idOf(row);
      if (pathOfStale.get(id).equals(row.get(run.settings.pathField()))) {
        delete.add(run.settings.key(id));
      }
    }
    if (!delete.isEmpty()) {
      run.store().delete(run.collection(), delete);
      run.progress.removed(delete.size());
    }
  }

  private Row row(ReadyImage r) {
    Candidate c = r.c;
    IndexSettings s = run.settings;
    return ImageRows.row(s.schema(), s.idStrategy() == IdStrategy.AUTO ? null : c.id, c.pathField, c.source, c.size,
        c.modified, c.hash, r.vector, c.metadata);
  }
}
