package dev.imgsearch.core.embed;

import dev.imgsearch.core.store.MetricType;

/**
 * A neural model that turns inputs into vectors of a fixed {@link #dimension()}. See {@link ImageEmbedder},
 * {@link TextEmbedder} and {@link MultimodalEmbedder} (both, in one vector space, like CLIP).
 *
 * <p><b>Thread safety.</b> Implementations are safe for concurrent use by several threads unless their Javadoc
 * says otherwise. {@link #close()} releases native memory; calls after it raise
 * {@link dev.imgsearch.core.ClosedException}.
 */
public interface Embedder extends AutoCloseable {

  /** Identifies the model and its weights, e.g. {@code "openai/clip-vit-base-patch32"}; stored in index manifests. */
  String modelId();

  /**
   * What makes this embedder's vectors, for index manifests: a fingerprint equal for two embedders exactly when
   * they make the same vectors (the same weights from any folder, hub repository or cache), and a readable
   * origin. The SDK's embedders compute it from the model's files once, when they load. The default identifies the
   * model by {@link #modelId()} only ({@link ModelIdentity#ofModelId}); override it in a custom embedder whose id
   * does not change when its weights do.
   */
  default ModelIdentity identity() {
    return ModelIdentity.ofModelId(modelId());
  }

  /** The length of every vector this embedder returns. */
  int dimension();

  /** Whether returned vectors have unit L2 norm. */
  boolean normalized();

  /** The metric the model's vectors are meant to be compared with. */
  MetricType metric();

  @Override
  void close();
}
