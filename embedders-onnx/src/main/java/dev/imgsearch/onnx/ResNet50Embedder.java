package dev.imgsearch.onnx;

import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.embedders.ModelFamily;

/**
 * ResNet50 with torchvision's ImageNet weights and the classifier removed, as the "Image Search with Milvus" tutorial uses it: the 2048-d
 * average-pooled feature, with torchvision's preprocessing ({@link ImageRecipe#torchvisionResNet()}), compared by
 * L2 distance. Not normalised unless {@link Builder#normalize(boolean) normalize(true)}.
 *
 * <p>The graph's output is {@code pooler_output} ([N, 2048, 1, 1], Hugging Face exports), else
 * {@code last_hidden_state} or any [N, 2048, H, W] map (averaged over H and W here), else its only output.
 *
 * <pre>{@code
 * try (ResNet50Embedder resnet = ResNet50Embedder.builder().modelFile(Path.of("resnet50.onnx")).build()) {
 *   float[] feature = resnet.embedImage(ImageInput.of(Path.of("painting.jpg"))); // 2048 values
 * }
 * }</pre>
 */
public final class ResNet50Embedder extends VisionFeatureEmbedder {

  private ResNet50Embedder(Builder b) {
    super(ModelFamily.RESNET50, b, b.normalize);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ResNet50Embedder}. */
  public static final class Builder extends FeatureBuilder<Builder> {
    private boolean normalize;

    private Builder() {}

    /** L2-normalise the features (default false: the raw pooled feature, as the "Image Search with Milvus" tutorial stores it). */
    public Builder normalize(boolean normalize) {
      this.normalize = normalize;
      return this;
    }

    public ResNet50Embedder build() {
      return new ResNet50Embedder(this);
    }
  }
}
