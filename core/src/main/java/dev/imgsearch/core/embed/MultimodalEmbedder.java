package dev.imgsearch.core.embed;

/**
 * Embeds images and text into one vector space (CLIP, Chinese-CLIP), so a text finds images. Thread-safe unless
 * the implementation says otherwise (see {@link Embedder}).
 */
public interface MultimodalEmbedder extends ImageEmbedder, TextEmbedder {

  /**
   * The model's learned temperature: {@code exp(logit_scale)}, by which cosine similarities are multiplied
   * before a softmax in zero-shot classification (100 for OpenAI CLIP).
   */
  float logitScale();
}
