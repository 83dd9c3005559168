package dev.imgsearch.onnx;

import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.embedders.ModelFamily;

/**
 * Chinese-CLIP ({@code cn_clip}: ViT-B-16, ViT-L-14, ViT-H-14 ...) on ONNX Runtime: image and text embeddings,
 * L2-normalised, compared by cosine, as the Chinese-CLIP tutorials use them.
 *
 * <p>Text: the model's BERT WordPiece {@code tokenizer.json}, 52 tokens ({@code [CLS]} ... {@code [SEP]}, longer
 * texts cut keeping {@code [SEP]}, padded with 0, attention mask on the text), as {@code cn_clip.clip.tokenize}.
 * Images: {@code preprocessor_config.json}'s recipe, else {@link ImageRecipe#chineseClip(int) chineseClip(224)}
 * (straight to 224x224, bicubic). Model files: {@code onnx/model.onnx} (combined, as Hugging Face exports
 * ChineseCLIPModel) or {@code onnx/vision_model.onnx} + {@code onnx/text_model.onnx}.
 *
 * <pre>{@code
 * try (ChineseClipEmbedder clip = ChineseClipEmbedder.builder().modelDirectory(Path.of("chinese-clip-vit-base-patch16"))
 *     .build()) {
 *   ZeroShotClassifier labels = ZeroShotClassifier.of(clip, List.of("杰尼龟", "妙蛙种子", "小火龙", "皮卡丘"), "{}");
 *   List<Float> probs = labels.classify(ImageInput.of(Path.of("pokemon.jpeg")));
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #logitScale()} comes from the combined graph's {@code logits_per_image} when there is
 * one, else 100, else what the builder says.
 */
public final class ChineseClipEmbedder extends ContrastiveEmbedder {
  /** cn_clip's context length. */
  public static final int CONTEXT_LENGTH = 52;

  private ChineseClipEmbedder(Builder b) {
    super(ModelFamily.CHINESE_CLIP, b);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ChineseClipEmbedder}: 52 tokens per text unless {@link #contextLength(int)} says otherwise. */
  public static final class Builder extends ContrastiveBuilder<Builder> {
    private Builder() {}

    public ChineseClipEmbedder build() {
      return new ChineseClipEmbedder(this);
    }
  }
}
