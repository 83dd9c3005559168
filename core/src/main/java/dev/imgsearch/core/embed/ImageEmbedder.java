package dev.imgsearch.core.embed;

import java.util.List;

/**
 * Embeds images. How an image is decoded and preprocessed is the implementation's business (the {@code image}
 * module's {@code PixelEmbedder} gives the common way: a decoder with guards, the model's recipe, an executor for
 * decoding in parallel). Thread-safe unless the implementation says otherwise (see {@link Embedder}).
 */
public interface ImageEmbedder extends Embedder {

  /** Decodes, preprocesses and embeds one image. */
  default float[] embedImage(ImageInput image) {
    return embedImages(List.of(image)).get(0);
  }

  /**
   * Decodes, preprocesses and embeds images in one batch. Element {@code i} of the result embeds
   * {@code images.get(i)}; an empty list gives an empty list.
   *
   * @throws dev.imgsearch.core.InvalidImageException for the first image that cannot be decoded
   */
  List<float[]> embedImages(List<ImageInput> images);
}
