package dev.imgsearch.djl;

import dev.imgsearch.core.embed.EmbedderContract;
import java.util.List;

/** Core's embedder contract for the CLIP text path on DJL's ONNX Runtime engine. */
class ClipTextOnnxRuntimeContractTest extends EmbedderContract<DjlClipEmbedder, String> {
  @Override
  protected DjlClipEmbedder createEmbedder() {
    return TestModels.clip(DjlEngine.ONNX_RUNTIME);
  }

  @Override
  protected List<String> sampleInputs() {
    return List.of("a white dog", "a photo of a cat", "一只狗", "a red car on the road");
  }

  @Override
  protected List<float[]> embedBatch(DjlClipEmbedder e, List<String> in) {
    return e.embedTexts(in);
  }

  @Override
  protected float[] embedOne(DjlClipEmbedder e, String in) {
    return e.embedText(in);
  }
}
