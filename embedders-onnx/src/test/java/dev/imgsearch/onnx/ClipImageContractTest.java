package dev.imgsearch.onnx;

import dev.imgsearch.core.embed.EmbedderContract;
import java.util.List;

/** Core's embedder contract for the CLIP image path (preprocessed pixels), on the tiny test model. */
class ClipImageContractTest extends EmbedderContract<OnnxContrastiveEmbedder, float[]> {
  @Override
  protected OnnxContrastiveEmbedder createEmbedder() {
    return TestModels.clip();
  }

  @Override
  protected List<float[]> sampleInputs() {
    int size = 3 * 224 * 224;
    return List.of(TestModels.pixels(size, 1), TestModels.pixels(size, 2), TestModels.pixels(size, 3),
        TestModels.pixels(size, 4));
  }

  @Override
  protected List<float[]> embedBatch(OnnxContrastiveEmbedder e, List<float[]> in) {
    return e.embedPixels(in);
  }

  @Override
  protected float[] embedOne(OnnxContrastiveEmbedder e, float[] in) {
    return e.embedPixels(List.of(in)).get(0);
  }
}
