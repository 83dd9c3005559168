package dev.imgsearch.pipeline;

import dev.imgsearch.core.ModelException;
import dev.imgsearch.image.PixelEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The third stage of a run, on one thread: embeds decoded images in batches and hands them to the writer. The
 * vectors are not checked here: the store checks every vector it is given, once, and the writer reports an image
 * whose vector it refuses.
 */
final class EmbedStage {
  private static final long MAX_BATCH_WAIT_NANOS = 5_000_000_000L;

  private final RunState run;
  private final PixelEmbedder embedder;
  private final int batchSize;

  EmbedStage(RunState run) {
    this.run = run;
    this.embedder = run.settings.embedder();
    this.batchSize = run.settings.batchSize();
  }

  /**
   * Takes decoded images and embeds them in full batches. A partial batch is embedded only when no image is being
   * decoded (the walk or the lookups are what is slow, or the source is done), or when its first image has waited
   * {@link #MAX_BATCH_WAIT_NANOS}: small batches waste the model's time, so while images are on their way the
   * batch waits for them. It always fills: at least a batch of images may be in flight. Ends by sending
   * {@link RunState#END} to the writer.
   */
  void run() {
    List<ReadyImage> batch = new ArrayList<>(batchSize);
    long batchStart = 0;
    try {
      while (run.fatal() == null) {
        ReadyImage r = run.ready.poll(RunState.POLL_MILLIS, TimeUnit.MILLISECONDS);
        if (r == null) {
          if (!batch.isEmpty()) {
            if (run.inPool.get() == 0 || System.nanoTime() - batchStart > MAX_BATCH_WAIT_NANOS) {
              embed(batch);
            }
          } else if (run.producerDone() && run.inPool.get() == 0 && run.ready.isEmpty()) {
            break;
          }
          continue;
        }
        if (r.pixels == null) {
          run.permits.release();
          run.toWriter(r);
          continue;
        }
        if (batch.isEmpty()) {
          batchStart = System.nanoTime();
        }
        batch.add(r);
        if (batch.size() >= batchSize) {
          embed(batch);
        }
      }
    } catch (InterruptedException | RuntimeException | Error e) {
      run.fail(e);
    } finally {
      try {
        run.toWriter(RunState.END);
      } catch (InterruptedException e) {
        run.fail(e);
      }
    }
  }

  private void embed(List<ReadyImage> batch) throws InterruptedException {
    List<float[]> pixels = new ArrayList<>(batch.size());
    for (ReadyImage r : batch) {
      pixels.add(r.pixels);
    }
    List<float[]> vectors = embedder.embedPixels(pixels);
    if (vectors == null || vectors.size() != batch.size()) {
      throw new ModelException("Embedder '" + embedder.modelId() + "' returned "
          + (vectors == null ? "null" : vectors.size() + " vectors") + " for " + batch.size() + " images; "
          + "embedPixels must return one vector per image.");
    }
    run.permits.release(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      ReadyImage r = batch.get(i);
      r.pixels = null;
      r.vector = vectors.get(i);
      run.toWriter(r);
    }
    batch.clear();
  }
}
