package dev.imgsearch.core.embed;

import dev.imgsearch.core.image.ImageDecoder;
import dev.imgsearch.core.image.ImageInput;
import dev.imgsearch.core.image.ImageRecipe;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Embeds images. Decoding and preprocessing are the same for every implementation: an image is decoded by
 * {@link ImageDecoder}, turned into the model's input by its {@link #recipe()}, and the preprocessed pixels go to
 * {@link #embedPixels}. Pipelines call those steps separately, to decode in parallel and infer in batches.
 * Thread-safe unless the implementation says otherwise (see {@link Embedder}).
 */
public interface ImageEmbedder extends Embedder {

  /** The preprocessing recipe of this model (resize, crop, normalise, channel order). */
  ImageRecipe recipe();

  /**
   * Embeds images already preprocessed by {@link #recipe()}: each element is one image's CHW float array of
   * {@code recipe().tensorSize()} values. Element {@code i} of the result embeds {@code pixels.get(i)}; an empty
   * list gives an empty list.
   */
  List<float[]> embedPixels(List<float[]> pixels);

  /** Decodes (with {@link ImageDecoder#standard()}), preprocesses and embeds one image. */
  default float[] embedImage(ImageInput image) {
    return embedImages(List.of(image)).get(0);
  }

  /**
   * Decodes (with {@link ImageDecoder#standard()}), preprocesses and embeds images in one batch.
   *
   * @throws dev.imgsearch.core.InvalidImageException for the first image that cannot be decoded
   */
  default List<float[]> embedImages(List<ImageInput> images) {
    ImageDecoder decoder = ImageDecoder.standard();
    List<float[]> pixels = new ArrayList<>(images.size());
    for (ImageInput image : images) {
      BufferedImage decoded = decoder.decode(image);
      pixels.add(recipe().apply(decoded));
    }
    return embedPixels(pixels);
  }
}
