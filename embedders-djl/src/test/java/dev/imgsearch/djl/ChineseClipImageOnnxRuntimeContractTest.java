package dev.imgsearch.djl;

import dev.imgsearch.core.embed.EmbedderContract;
import java.util.List;

/** Core's embedder contract for the Chinese-CLIP image path (preprocessed pixels) on DJL's ONNX Runtime engine. */
class ChineseClipImageOnnxRuntimeContractTest extends EmbedderContract<DjlContrastiveEmbedder, float[]> {
  @Override
  protected DjlContrastiveEmbedder createEmbedder() {
    return TestModels.chineseClip(DjlEngine.ONNX_RUNTIME);
  }

  @Override
  protected List<float[]> sampleInputs() {
    int size = 3 * 224 * 224;
    return List.of(TestModels.pixels(size, 1), TestModels.pixels(size, 2), TestModels.pixels(size, 3),
        TestModels.pixels(size, 4));
  }

  @Override
  protected List<float[]> embedBatch(DjlContrastiveEmbedder e, List<float[]> in) {
    return e.embedPixels(in);
  }

  @Override
  protected float[] embedOne(DjlContrastiveEmbedder e, float[] in) {
    return e.embedPixels(List.of(in)).get(0);
  }
}
