package dev.imgsearch.onnx;

import dev.imgsearch.core.embed.EmbedderContract;
import java.util.List;

/** Core's embedder contract for the Chinese-CLIP text path, on the tiny test model. */
class ChineseClipTextContractTest extends EmbedderContract<OnnxContrastiveEmbedder, String> {
  @Override
  protected OnnxContrastiveEmbedder createEmbedder() {
    return TestModels.chineseClip();
  }

  @Override
  protected List<String> sampleInputs() {
    return List.of("杰尼龟", "妙蛙种子", "小火龙", "皮卡丘");
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
