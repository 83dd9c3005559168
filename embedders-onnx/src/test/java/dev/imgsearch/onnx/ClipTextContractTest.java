package dev.imgsearch.onnx;

import dev.imgsearch.core.embed.EmbedderContract;
import java.util.List;

/** Core's embedder contract for the CLIP text path, on the tiny test model. */
class ClipTextContractTest extends EmbedderContract<OnnxContrastiveEmbedder, String> {
  @Override
  protected OnnxContrastiveEmbedder createEmbedder() {
    return TestModels.clip();
  }

  @Override
  protected List<String> sampleInputs() {
    return List.of("a white dog", "a photo of a cat", "a red car", "");
  }

  @Override
  protected List<float[]> embedBatch(OnnxContrastiveEmbedder e, List<String> in) {
    return e.embedTexts(in);
  }

  @Override
  protected float[] embedOne(OnnxContrastiveEmbedder e, String in) {
    return e.embedText(in);
  }
}
