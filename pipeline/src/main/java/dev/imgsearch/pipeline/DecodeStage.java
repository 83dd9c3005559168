package dev.imgsearch.pipeline;

import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidImageException;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.Row;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The second stage of a run, on the decoding pool: reads, hashes, decodes and preprocesses an image, or finds that
 * its stored vector can be written again, and puts the result in the run's ready queue. An image that cannot be
 * read or decoded is reported; store or model trouble stops the run.
 */
final class DecodeStage {
  /** What the walk found an image needs. */
  enum Work {
    /** No stored row: decode and embed. */
    EMBED,
    /** A stored row with other file attributes: rewrite its vector if the bytes are the same, else embed. */
    CHECK,
    /** Content ids: hash first, then look the id up. */
    CHECK_CONTENT,
    /** Same bytes, other attributes: rewrite the stored vector. */
    REFRESH
  }

  private final RunState run;

  DecodeStage(RunState run) {
    this.run = run;
  }

  /** Prepares one image; always gives its permit back unless the image was handed on. */
  void work(Candidate c, Work work) {
    boolean handedOn = false;
    try {
      if (run.fatal() == null) {
        ReadyImage r = prepare(c, work);
        if (r != null) {
          run.ready.add(r);
          handedOn = true;
        }
      }
    } catch (InvalidImageException e) {
      run.failed(c, IndexFailure.Cause.of(e.reason()), IndexRun.messageOf(e));
    } catch (ImageSearchException e) {
      run.fail(e); // store or model trouble: not the image's fault
    } catch (RuntimeException e) {
      // A decoder plugin that throws something else on malformed data: the image's fault.
      run.failed(c, IndexFailure.Cause.CORRUPT, "could not be decoded (" + e + "); check the file.");
    } catch (Error e) {
      run.fail(e);
    } finally {
      if (!handedOn) {
        run.permits.release();
      }
      run.inPool.decrementAndGet();
    }
  }

  private ReadyImage prepare(Candidate c, Work work) {
    if (work == Work.REFRESH) {
      float[] v = storedVector(c.existing);
      if (v != null) {
        c.hash = (String) c.existing.get(IndexFields.CONTENT_HASH);
        return new ReadyImage(c, null, v, ReadyImage.Outcome.MOVED);
      }
      work = Work.EMBED; // the row went away meanwhile
    }
    byte[] bytes = c.bytes;
    if (bytes == null) {
      try {
        bytes = Files.readAllBytes(c.file);
      } catch (IOException e) {
        run.failed(c, IndexFailure.Cause.UNREADABLE, "cannot be read (" + e + "); check that it exists and that "
            + "this process may read it.");
        return null;
      }
    }
    if (c.hash == null) {
      c.hash = IndexRun.sha256(bytes);
    }
    ReadyImage stored = work == Work.EMBED ? null : reusable(c, work);
    if (stored != null) {
      return stored;
    }
    float[] pixels = run.settings.preprocessor().apply(ImageInput.of(bytes));
    c.bytes = null;
    return new ReadyImage(c, pixels, null, ReadyImage.Outcome.INDEXED);
  }

  /** A stored vector for these bytes that can be written again (or an intact copy), or null. */
  private ReadyImage reusable(Candidate c, Work work) {
    if (work == Work.CHECK_CONTENT) {
      c.id = c.hash;
      List<Row> rows = run.store().get(run.collection(), List.of(c.id), List.of("*"));
      c.existing = rows.isEmpty() ? null : rows.get(0);
      if (c.existing != null && isIntactCopy(c.existing, c)) {
        return new ReadyImage(c, null, null, ReadyImage.Outcome.DUPLICATE);
      }
    } else if (!c.hash.equals(c.existing.get(IndexFields.CONTENT_HASH))) {
      return null; // CHECK: the bytes changed
    }
    float[] v = c.existing == null ? null : storedVector(c.existing);
    return v == null ? null : new ReadyImage(c, null, v, ReadyImage.Outcome.MOVED);
  }

  /**
   * Under content ids, whether the stored row for these bytes belongs to another file that still holds them
   * (an identical copy): then this file is a duplicate and the row stays as it is.
   */
  private boolean isIntactCopy(Row row, Candidate c) {
    Object p = row.get(run.settings.pathField());
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
    String vectorField = run.settings.vectorField();
    List<Row> rows = run.store().get(run.collection(), List.of(row.get(run.settings.idField())),
        List.of(vectorField));
    return rows.isEmpty() ? null : rows.get(0).vector(vectorField);
  }
}
