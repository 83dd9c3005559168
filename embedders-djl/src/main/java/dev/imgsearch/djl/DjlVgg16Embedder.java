package dev.imgsearch.djl;

import dev.imgsearch.embedders.ModelFamily;

/**
 * Keras VGG16 ({@code include_top=False, pooling="max"}, the "Milvus向量数据库之以图搜图" tutorial) through DJL: the 512-d max-pooled feature,
 * L2-normalised, with Keras' preprocessing (224x224 nearest, BGR, caffe means), compared by L2 distance; the same
 * vectors as {@code dev.imgsearch.onnx.Vgg16Embedder}. The graph takes NHWC images, as Keras exports do
 * ({@link FeatureBuilder#layout} for an NCHW export).
 *
 * <pre>{@code
 * try (DjlVgg16Embedder vgg = DjlVgg16Embedder.builder().modelFile(Path.of("vgg16.onnx")).build()) {
 *   float[] feature = vgg.embedImage(ImageInput.of(Path.of("cat.jpg")));
 * }
 * }</pre>
 */
public final class DjlVgg16Embedder extends DjlVisionFeatureEmbedder {

  private DjlVgg16Embedder(Builder b) {
    super(ModelFamily.VGG16, b, true);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DjlVgg16Embedder}. */
  public static final class Builder extends FeatureBuilder<Builder> {
    private Builder() {}

    public DjlVgg16Embedder build() {
      return new DjlVgg16Embedder(this);
    }
  }
}
