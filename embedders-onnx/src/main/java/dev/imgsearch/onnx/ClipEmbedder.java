package dev.imgsearch.onnx;

import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.text.ClipTextCleaner;

/**
 * OpenAI CLIP (ViT-B/32, ViT-B/16, ViT-L/14 ...) on ONNX Runtime: image and text embeddings after the projection,
 * L2-normalised, compared by cosine, as the "Text to Image Search with Milvus" tutorial uses them.
 *
 * <p>Text: CLIP's text cleaning ({@link ClipTextCleaner}), the model's {@code tokenizer.json}, 77 tokens with
 * {@code <|startoftext|>} ... {@code <|endoftext|>}, longer texts cut keeping the end token, padded with 0 (as
 * {@code clip.tokenize(..., truncate=True)} and open_clip do). Images: {@code preprocessor_config.json}'s recipe,
 * else {@link ImageRecipe#openAiClip(int) openAiClip(224)}. Model files: {@code onnx/vision_model.onnx} +
 * {@code onnx/text_model.onnx}, or one combined {@code onnx/model.onnx}.
 *
 * <pre>{@code
 * try (ClipEmbedder clip = ClipEmbedder.builder().fromHub("Xenova/clip-vit-base-patch32", "main").build()) {
 *   float[] image = clip.embedImage(ImageInput.of(Path.of("dog.jpg")));
 *   float[] text = clip.embedText("a white dog");
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #logitScale()} is 100 (every released OpenAI CLIP), or what a combined graph's
 * {@code logits_per_image} shows, or what the builder says.
 */
public final class ClipEmbedder extends ContrastiveEmbedder {
  /** The CLIP context length. */
  public static final int CONTEXT_LENGTH = 77;

  private ClipEmbedder(Builder b) {
    super(ModelFamily.CLIP, b);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link ClipEmbedder}: 77 tokens per text unless {@link #contextLength(int)} says otherwise. */
  public static final class Builder extends ContrastiveBuilder<Builder> {
    private Builder() {}

    public ClipEmbedder build() {
      return new ClipEmbedder(this);
    }
  }
}
