package dev.imgsearch.djl;

import dev.imgsearch.embedders.ModelFamily;

/**
 * Chinese-CLIP ({@code cn_clip}: ViT-B-16, ViT-L-14 ...) through DJL: the same vectors as
 * {@code dev.imgsearch.onnx.ChineseClipEmbedder} (same recipe, the same {@code tokenizer.json} handling and BERT
 * WordPiece tokens, 52 of them), from TorchScript on the PyTorch engine or ONNX on DJL's ONNX Runtime engine.
 *
 * <pre>{@code
 * try (DjlChineseClipEmbedder clip = DjlChineseClipEmbedder.builder()
 *     .modelDirectory(Path.of("chinese-clip-vit-base-patch16")).engine(DjlEngine.PYTORCH).build()) {
 *   float[] image = clip.embedImage(ImageInput.of(Path.of("dog.jpg")));
 *   float[] text = clip.embedText("一只白色的狗");
 * }
 * }</pre>
 *
 * <p>Model files: {@code vision_model} + {@code text_model}, or one combined {@code model}, as {@code .onnx} (in
 * {@code onnx/}) or TorchScript {@code .pt} (in {@code torchscript/} or at the top; taking the inputs in the
 * Hugging Face export's order and returning a dict with {@code image_embeds} / {@code text_embeds}).
 */
public final class DjlChineseClipEmbedder extends DjlContrastiveEmbedder {

  private DjlChineseClipEmbedder(Builder b) {
    super(ModelFamily.CHINESE_CLIP, b);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DjlChineseClipEmbedder}: 52 tokens per text unless {@link #contextLength(int)} says otherwise. */
  public static final class Builder extends ContrastiveBuilder<Builder> {
    private Builder() {}

    public DjlChineseClipEmbedder build() {
      return new DjlChineseClipEmbedder(this);
    }
  }
}
