package dev.imgsearch.djl;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.embedders.ImageLayout;
import dev.imgsearch.embedders.ModelFamily;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The DJL translator of the image path: takes images already preprocessed by core's {@link ImageRecipe} (CHW float
 * arrays, made in parallel by {@link dev.imgsearch.core.embed.ImageEmbedder#embedImages}) and feeds them to the
 * graph as one batch in its layout (NCHW, or NHWC for Keras exports); a combined CLIP graph also gets the tokens of
 * an empty text. Preprocessing stays in core so that every engine sees the same pixels (DJL's own image transforms
 * do not reproduce Pillow's resampling).
 */
final class PixelTranslator extends GraphTranslator<PixelTranslator.Batch> {
  /** Preprocessed images, one CHW array each. */
  record Batch(List<float[]> pixels) {}

  private final ImageRecipe recipe;
  private final ImageLayout layout;
  private final String input;
  private final Map<String, Tensor> dummyText;

  PixelTranslator(DjlEngine engine, ModelFamily family, ImageRecipe recipe, ImageLayout layout, String input,
      boolean combined, List<String> outputs) {
    super(engine, combined ? family.combinedInputs() : List.of(input), outputs);
    this.recipe = recipe;
    this.layout = layout;
    this.input = input;
    if (combined) {
      long[] ids = family.dummyText();
      long[] ones = new long[ids.length];
      Arrays.fill(ones, 1);
      dummyText = feedsOf("input_ids", Tensor.longs(ids, 1, ids.length), "attention_mask",
          Tensor.longs(ones, 1, ids.length), "token_type_ids", Tensor.longs(new long[ids.length], 1, ids.length));
    } else {
      dummyText = Map.of();
    }
  }

  @Override
  Map<String, Tensor> feeds(Batch batch) {
    List<float[]> pixels = batch.pixels();
    int size = recipe.tensorSize();
    for (int i = 0; i < pixels.size(); i++) {
      float[] p = pixels.get(i);
      if (p == null || p.length != size) {
        throw new InvalidInputException("Image " + i + " of the batch has " + (p == null ? "no" : p.length)
            + " values; this model needs " + size + " (3x" + recipe.height() + "x" + recipe.width() + " CHW, made "
            + "by the embedder's recipe()).");
      }
    }
    int n = pixels.size();
    Map<String, Tensor> feeds = new java.util.LinkedHashMap<>(dummyText);
    feeds.put(input, Tensor.floats(layout.pack(pixels, n, recipe.height(), recipe.width()),
        layout.shape(n, recipe.height(), recipe.width())));
    return feeds;
  }
}
