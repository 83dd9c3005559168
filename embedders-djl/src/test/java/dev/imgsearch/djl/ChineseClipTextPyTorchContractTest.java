package dev.imgsearch.djl;

import dev.imgsearch.core.embed.EmbedderContract;
import java.util.List;

/** Core's embedder contract for the Chinese-CLIP text path on DJL's PyTorch engine. */
class ChineseClipTextPyTorchContractTest extends EmbedderContract<DjlContrastiveEmbedder, String> {
  @Override
  protected DjlContrastiveEmbedder createEmbedder() {
    return TestModels.chineseClip(DjlEngine.PYTORCH);
  }

  @Override
  protected List<String> sampleInputs() {
    return List.of("一只白色的狗", "皮卡丘", "a dog", "金属产品");
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
