package dev.imgsearch.onnx;

import dev.imgsearch.core.embed.EmbedderContract;
import java.util.List;

/** Core's embedder contract for the CLIP image path (preprocessed pixels), on the tiny test model. */
class ClipImageContractTest extends EmbedderContract<ClipEmbedder, float[]> {
  @Override
  protected ClipEmbedder createEmbedder() {
    return TestModels.clip();
  }

  @Override
  protected List<float[]> sampleInputs() {
    int size = 3 * 224 * 224;
    return List.of(TestModels.pixels(size, 1), TestModels.pixels(size, 2), TestModels.pixels(size, 3),
        TestModels.pixels(size, 4));
  }

  @Override
  protected List<float[]> embedBatch(ClipEmbedder e, List<float[]> in) {
    return e.embedPixels(in);
  }

  @Override
  protected float[] embedOne(ClipEmbedder e, float[] in) {
    return e.embedPixels(List.of(in)).get(0);
  }
}
