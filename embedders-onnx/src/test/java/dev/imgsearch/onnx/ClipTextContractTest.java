package dev.imgsearch.onnx;

import dev.imgsearch.core.embed.EmbedderContract;
import java.util.List;

/** Core's embedder contract for the CLIP text path, on the tiny test model. */
class ClipTextContractTest extends EmbedderContract<ClipEmbedder, String> {
  @Override
  protected ClipEmbedder createEmbedder() {
    return TestModels.clip();
  }

  @Override
  protected List<String> sampleInputs() {
    return List.of("a white dog", "a photo of a cat", "a red car", "");
  }

  @Override
  protected List<float[]> embedBatch(ClipEmbedder e, List<String> in) {
    return e.embedTexts(in);
  }

  @Override
  protected float[] embedOne(ClipEmbedder e, String in) {
    return e.embedText(in);
  }
}
