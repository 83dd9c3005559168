package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageEmbedder;
import dev.imgsearch.core.embed.ImageInput;
import java.util.List;

/**
 * An {@link ImageEmbedder} whose model takes preprocessed pixels: an image is decoded and turned into the model's
 * input by its {@link #preprocessor()} (decoder, {@link #recipe()}, executor), and the pixels go to
 * {@link #embedPixels}. Pipelines call the steps separately, to decode on threads of their own and infer in batches.
 */
public interface PixelEmbedder extends ImageEmbedder {

  /** The preprocessing recipe of this model (resize, crop, normalise, channel order). */
  ImageRecipe recipe();

  /** How {@link #embedImages} decodes and preprocesses: the decoder, this model's recipe and the executor. */
  ImagePreprocessor preprocessor();

  /**
   * Embeds images already preprocessed by {@link #recipe()}: each element is one image's float array of
   * {@code recipe().tensorSize()} values. Element {@code i} of the result embeds {@code pixels.get(i)}; an empty
   * list gives an empty list.
   */
  List<float[]> embedPixels(List<float[]> pixels);

  /** Preprocesses the images with {@link #preprocessor()} and embeds them in one {@link #embedPixels} call. */
  @Override
  default List<float[]> embedImages(List<ImageInput> images) {
    return embedPixels(preprocessor().apply(images));
  }
}
