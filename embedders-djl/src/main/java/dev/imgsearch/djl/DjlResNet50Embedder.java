package dev.imgsearch.djl;

import dev.imgsearch.embedders.ModelFamily;

/**
 * ResNet50 without its classifier (the "Image Search with Milvus" tutorial) through DJL: the 2048-d average-pooled feature with torchvision's
 * preprocessing, compared by L2 distance, not normalised unless {@link Builder#normalize(boolean) normalize(true)};
 * the same vectors as {@code dev.imgsearch.onnx.ResNet50Embedder}. The graph's output is {@code pooler_output},
 * else {@code output} or {@code last_hidden_state} (a spatial map is averaged), else its only output.
 *
 * <pre>{@code
 * try (DjlResNet50Embedder resnet = DjlResNet50Embedder.builder().modelFile(Path.of("resnet50.pt")).build()) {
 *   float[] feature = resnet.embedImage(ImageInput.of(Path.of("painting.jpg")));
 * }
 * // a DJL model-zoo URL (an archive with resnet50.pt or resnet50.onnx at its top), unpacked into DJL's cache
 * DjlResNet50Embedder.builder().modelUrl("file:///models/resnet50.zip").modelName("resnet50").build();
 * }</pre>
 */
public final class DjlResNet50Embedder extends DjlVisionFeatureEmbedder {

  private DjlResNet50Embedder(Builder b) {
    super(ModelFamily.RESNET50, b, b.normalize);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DjlResNet50Embedder}. */
  public static final class Builder extends FeatureBuilder<Builder> {
    private boolean normalize;

    private Builder() {}

    /** L2-normalise the features (default false: the raw pooled feature, as the "Image Search with Milvus" tutorial stores it). */
    public Builder normalize(boolean normalize) {
      this.normalize = normalize;
      return this;
    }

    public DjlResNet50Embedder build() {
      return new DjlResNet50Embedder(this);
    }
  }
}
