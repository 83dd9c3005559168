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
    super(ModelFamily.CLIP, b);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DjlClipEmbedder}: 77 tokens per text unless {@link #contextLength(int)} says otherwise. */
  public static final class Builder extends ContrastiveBuilder<Builder> {
    private Builder() {}

    public DjlClipEmbedder build() {
      return new DjlClipEmbedder(this);
    }
  }
}
