package dev.imgsearch.djl;

import dev.imgsearch.embedders.ModelFamily;

/**
 * OpenAI CLIP (ViT-B/32, ViT-B/16, ViT-L/14 ...) through DJL: the same vectors as
 * {@code dev.imgsearch.onnx.ClipEmbedder} (same recipe, the same {@code tokenizer.json} handling and CLIP text
 * cleaning), from TorchScript on the PyTorch engine or ONNX on DJL's ONNX Runtime engine.
 *
 * <pre>{@code
 * try (DjlClipEmbedder clip = DjlClipEmbedder.builder().modelDirectory(Path.of("clip-vit-base-patch32"))
 *     .engine(DjlEngine.PYTORCH).build()) {
 *   float[] image = clip.embedImage(ImageInput.of(Path.of("dog.jpg")));
 *   float[] text = clip.embedText("a white dog");
 * }
 * }</pre>
 *
 * <p>Model files: {@code vision_model} + {@code text_model}, or one combined {@code model}, as {@code .onnx} (in
 * {@code onnx/}) or TorchScript {@code .pt} (in {@code torchscript/} or at the top; taking the inputs in the
 * Hugging Face export's order and returning a dict with {@code image_embeds} / {@code text_embeds}).
 */
public final class DjlClipEmbedder extends DjlContrastiveEmbedder {

  private DjlClipEmbedder(Builder b) {
    super(ModelFamily.CLIP, b, b.contextLength, b.logitScale);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DjlClipEmbedder}. */
  public static final class Builder extends DjlModelBuilder<Builder> {
    private Integer contextLength;
    private Float logitScale;

    private Builder() {}

    /** Tokens per text (default 77). */
    public Builder contextLength(int contextLength) {
      this.contextLength = contextLength;
      return this;
    }

    /** exp(logit_scale) for zero-shot classification (default 100, or what a combined graph shows). */
    public Builder logitScale(float logitScale) {
      this.logitScale = logitScale;
      return this;
    }

    public DjlClipEmbedder build() {
      return new DjlClipEmbedder(this);
    }
  }
}
