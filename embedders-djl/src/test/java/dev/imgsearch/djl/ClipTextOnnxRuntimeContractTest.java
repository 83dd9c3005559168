package dev.imgsearch.djl;

import dev.imgsearch.core.embed.EmbedderContract;
import java.util.List;

/** Core's embedder contract for the CLIP text path on DJL's ONNX Runtime engine. */
class ClipTextOnnxRuntimeContractTest extends EmbedderContract<DjlContrastiveEmbedder, String> {
  @Override
  protected DjlContrastiveEmbedder createEmbedder() {
    return TestModels.clip(DjlEngine.ONNX_RUNTIME);
  }

  @Override
  protected List<String> sampleInputs() {
    return List.of("a white dog", "a photo of a cat", "一只狗", "a red car on the road");
  }

  @Override
  protected List<float[]> embedBatch(DjlContrastiveEmbedder e, List<String> in) {
    return e.embedTexts(in);
  }

  @Override
  protected float[] embedOne(DjlContrastiveEmbedder e, String in) {
    return e.embedText(in);
  }
}
