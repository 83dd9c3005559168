package dev.imgsearch.pipeline;

import com.google.common.hash.Hashing;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidImageException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * One indexing run, made from the index's {@link IndexSettings} alone: it never calls back into the
 * {@link ImageIndex}. Its stages share a {@link RunState}: the {@link RunProducer} walks the source and looks up
 * stored rows in batches; the {@link DecodeStage} reads, hashes, decodes and preprocesses on the decoding pool; the
 * {@link EmbedStage} embeds in batches; the {@link WriteStage} upserts in batches, the store checking each row once;
 * a {@link SyncPass} ends a sync.
 *
 * <p>The run borrows the index's {@link IndexExecutors}: the walk, inference and upserts each take one stage
 * thread. It never shuts them down; the index does, when it is closed.
 */
final class IndexRun {
  private final RunState state;
  private final ExecutorService stages;

  IndexRun(IndexSettings settings, IndexSource source, IndexListener listener) {
    this.state = new RunState(settings, source, listener);
    this.stages = settings.executors().stages();
  }

  /**
   * Runs on the index's threads while the calling thread waits. No store call ever runs on the calling thread,
   * so interrupting it cannot break a store that reacts badly to interrupts during I/O (Lucene, gRPC): an
   * interrupt only asks the run to stop, which it does after writing the images in flight.
   */
  IndexReport run() {
    Future<IndexReport> work = stages.submit(this::runOnWorkers);
    boolean wasInterrupted = false;
    try {
      while (true) {
        try {
          return work.get();
        } catch (InterruptedException e) {
          wasInterrupted = true;
          state.interrupt(); // the workers wind down; keep waiting for them
        } catch (ExecutionException e) {
          throw stopped(e.getCause());
        }
      }
    } finally {
      if (wasInterrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The exception the caller gets for what stopped the run. */
  private RuntimeException stopped(Throwable cause) {
    Progress progress = state.progress;
    if (cause instanceof Stopped) {
      return new ImageSearchException("Indexing into '" + state.collection() + "' was interrupted after "
          + progress.done() + " of " + progress.total() + " images. Images already written stay; run index() "
          + "again to finish (they are skipped).");
    }
    if (cause instanceof ImageSearchException ise) {
      return ise;
    }
    if (cause instanceof Error err) {
      throw err;
    }
    return new ImageSearchException("Indexing into '" + state.collection() + "' stopped after " + progress.done()
        + " images: " + cause + ". Images already written stay; run index() again to finish.", cause);
  }

  /** Thrown on a worker when the run was interrupted. */
  private static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("interrupted", null, false, false);
    }
  }

  private IndexReport runOnWorkers() throws Exception {
    state.progress.total(state.source.count());
    Future<?> embedding = stages.submit(new EmbedStage(state)::run);
    Future<?> writing = stages.submit(new WriteStage(state)::run);
    try {
      new RunProducer(state, new DecodeStage(state)).produce();
    } catch (RuntimeException | Error e) {
      state.fail(e);
    } finally {
      state.producerDone(true);
    }
    await(embedding);
    await(writing);
    Throwable f = state.fatal();
    if (f != null) {
      state.flushQuietly();
      if (f instanceof Exception e) {
        throw e;
      }
      throw (Error) f;
    }
    if (state.interrupted()) {
      state.flushQuietly();
      throw new Stopped();
    }
    if (state.source.sync()) {
      state.progress.removed(SyncPass.run(state));
    }
    state.store().flush(state.collection());
    return state.progress.finish();
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
        break; // the stages catch everything themselves
      }
    }
    if (wasInterrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** SHA-256 of bytes, in lower-case hex: the content hash and content id of an image. */
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
