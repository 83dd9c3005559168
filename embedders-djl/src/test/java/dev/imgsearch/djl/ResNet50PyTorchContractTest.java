package dev.imgsearch.djl;

import dev.imgsearch.core.embed.EmbedderContract;
import java.util.List;

/** Core's embedder contract for the ResNet50 image path (preprocessed pixels) on DJL's PyTorch engine. */
class ResNet50PyTorchContractTest extends EmbedderContract<DjlFeatureEmbedder, float[]> {
  @Override
  protected DjlFeatureEmbedder createEmbedder() {
    return TestModels.resnet50(DjlEngine.PYTORCH);
  }

  @Override
  protected List<float[]> sampleInputs() {
    int size = 3 * 224 * 224;
    return List.of(TestModels.pixels(size, 1), TestModels.pixels(size, 2), TestModels.pixels(size, 3),
        TestModels.pixels(size, 4));
  }

  @Override
  protected List<float[]> embedBatch(DjlFeatureEmbedder e, List<float[]> in) {
    return e.embedPixels(in);
  }

  @Override
  protected float[] embedOne(DjlFeatureEmbedder e, float[] in) {
    return e.embedPixels(List.of(in)).get(0);
  }
}
