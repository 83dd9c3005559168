package dev.imgsearch.djl;

import dev.imgsearch.embedders.FamilyEmbedder.Tower;
import dev.imgsearch.embedders.ImageLayout;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.Pooling;
import dev.imgsearch.embedders.Vectors;
import dev.imgsearch.image.ImageRecipe;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The DJL translator of the image path: takes images already preprocessed by the image module's
 * {@link ImageRecipe} (CHW float arrays, made in parallel by the embedder's {@code ImagePreprocessor}) and feeds
 * them to the graph as one batch in its layout (NCHW, or NHWC for Keras exports); a combined CLIP graph also gets the tokens of
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

  /**
   * The image tower of an embedder: one predictor call per batch, the first of {@code outputs} the graph gives,
   * pooled over H and W when it is a spatial map, one vector per image.
   */
  static Tower<float[]> tower(PredictorPool<Batch, GraphTranslator.Outputs> pool, List<String> outputs,
      Pooling pooling, String modelId) {
    return pixels -> {
      Tensor t = pool.predict(new Batch(pixels)).pick(outputs, "image", modelId);
      return Vectors.pool(t.rows(), t.shape(), pooling).subList(0, pixels.size());
    };
  }

  /** The vector size of {@code tower}, measured on a blank image. */
  static int dimension(Tower<float[]> tower, ImageRecipe recipe) {
    return tower.embed(List.of(new float[recipe.tensorSize()])).get(0).length;
  }

  @Override
  Map<String, Tensor> feeds(Batch batch) {
    List<float[]> pixels = batch.pixels();
    int n = pixels.size();
    Map<String, Tensor> feeds = new java.util.LinkedHashMap<>(dummyText);
    feeds.put(input, Tensor.floats(layout.pack(pixels, n, recipe.height(), recipe.width()),
        layout.shape(n, recipe.height(), recipe.width())));
    return feeds;
  }
}
