package dev.imgsearch.core.embed;

import dev.imgsearch.core.image.ImageDecoder;
import dev.imgsearch.core.image.ImageInput;
import dev.imgsearch.core.image.ImageRecipe;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

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
   * Decodes (with {@link ImageDecoder#standard()}), preprocesses and embeds images in one batch. The images are
   * decoded and preprocessed in parallel (on the common fork-join pool and the calling thread), as the model's own
   * inference is: decoding one image after the other would leave all cores but one idle for a large share of the
   * time.
   *
   * @throws dev.imgsearch.core.InvalidImageException for the first image that cannot be decoded
   */
  default List<float[]> embedImages(List<ImageInput> images) {
    ImageDecoder decoder = ImageDecoder.standard();
    ImageRecipe recipe = recipe();
    float[][] pixels = new float[images.size()][];
    RuntimeException[] failures = new RuntimeException[images.size()];
    IntStream indices = IntStream.range(0, images.size());
    (images.size() > 1 ? indices.parallel() : indices).forEach(i -> {
      try {
        BufferedImage decoded = decoder.decode(images.get(i));
        pixels[i] = recipe.apply(decoded);
      } catch (RuntimeException e) {
        failures[i] = e;
      }
    });
    for (RuntimeException failure : failures) {
      if (failure != null) {
        throw failure;
      }
    }
    return embedPixels(Arrays.asList(pixels));
  }
}
