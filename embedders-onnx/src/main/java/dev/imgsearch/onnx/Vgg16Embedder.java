package dev.imgsearch.onnx;

import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.embedders.ModelFamily;

/**
 * VGG16 as Keras builds it for the "Milvus向量数据库之以图搜图" tutorial ({@code VGG16(weights="imagenet", include_top=False, pooling="max")}): the
 * 512-d max-pooled feature, L2-normalised, with Keras' preprocessing ({@link ImageRecipe#kerasVgg16()}: 224x224
 * nearest, BGR, caffe means), compared by L2 distance. Keras exports take NHWC images; this is read off the graph.
 *
 * <pre>{@code
 * try (Vgg16Embedder vgg = Vgg16Embedder.builder().modelFile(Path.of("vgg16.onnx")).build()) {
 *   float[] feature = vgg.embedImage(ImageInput.of(Path.of("cat.jpg"))); // 512 values, unit norm
 * }
 * }</pre>
 */
public final class Vgg16Embedder extends VisionFeatureEmbedder {

  private Vgg16Embedder(Builder b) {
    super(ModelFamily.VGG16, b, true);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link Vgg16Embedder}. */
  public static final class Builder extends FeatureBuilder<Builder> {
    private Builder() {}

    public Vgg16Embedder build() {
      return new Vgg16Embedder(this);
    }
  }
}
