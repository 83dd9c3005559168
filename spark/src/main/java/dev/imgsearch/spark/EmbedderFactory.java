package dev.imgsearch.spark;

import dev.imgsearch.image.PixelEmbedder;
import java.nio.file.Path;

/**
 * Makes the embedder of a job from a model on the local file system of the JVM that runs it. The job names the
 * factory by class (an {@link EmbedderSpec}), so it needs a public no-argument constructor; every executor makes
 * one instance and calls {@link #create} once per model (see {@link EmbedderSpec}).
 *
 * <pre>{@code
 * public final class ClipFactory implements EmbedderFactory {
 *   public PixelEmbedder create(String family, Path model) {
 *     return OnnxEmbedders.clip().modelDirectory(model).build();
 *   }
 * }
 * }</pre>
 */
public interface EmbedderFactory {
  /**
   * Loads the model.
   *
   * @param family the model family named in the spec (e.g. {@code "clip"}), for factories that serve several
   * @param model the model's directory or file, resolved on this JVM
   */
  PixelEmbedder create(String family, Path model);
}
