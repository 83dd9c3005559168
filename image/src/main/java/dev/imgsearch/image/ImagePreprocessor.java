package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageInput;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * Decodes images with an {@link ImageDecoder} and turns them into a model's input with an {@link ImageRecipe}, the
 * images of a batch in parallel on an {@link Executor} (decoding one image after the other leaves all cores but one
 * idle for a large share of an embedding's time). Immutable and thread-safe.
 *
 * <pre>{@code
 * ImagePreprocessor p = ImagePreprocessor.builder(recipe).decoder(ImageDecoder.withMaxPixels(50_000_000))
 *     .executor(myDecodePool).build();
 * }</pre>
 */
public final class ImagePreprocessor {
  private final ImageRecipe recipe;
  private final ImageDecoder decoder;
  private final Executor executor;

  private ImagePreprocessor(Builder b) {
    this.recipe = b.recipe;
    this.decoder = b.decoder;
    this.executor = b.executor;
  }

  /** The recipe with {@link ImageDecoder#standard()} on the common fork-join pool. */
  public static ImagePreprocessor of(ImageRecipe recipe) {
    return builder(recipe).build();
  }

  /** A builder for the recipe; decoder and executor default to {@link ImageDecoder#standard()} and the common pool. */
  public static Builder builder(ImageRecipe recipe) {
    return new Builder(recipe);
  }

  /** The recipe that turns a decoded image into the model's input. */
  public ImageRecipe recipe() {
    return recipe;
  }

  /** The decoder, with its guards (pixel limit, formats). */
  public ImageDecoder decoder() {
    return decoder;
  }

  /** Decodes and preprocesses one image on the calling thread. */
  public float[] apply(ImageInput image) {
    BufferedImage decoded = decoder.decode(image);
    return recipe.apply(decoded);
  }

  /**
   * Decodes and preprocesses the images in parallel; element {@code i} of the result is image {@code i}'s input.
   *
   * @throws dev.imgsearch.core.InvalidImageException for the first image (in input order) that cannot be decoded
   */
  public List<float[]> apply(List<ImageInput> images) {
    if (images.size() <= 1) {
      return images.isEmpty() ? List.of() : List.of(apply(images.get(0)));
    }
    List<CompletableFuture<float[]>> futures = new ArrayList<>(images.size());
    for (ImageInput image : images) {
      futures.add(CompletableFuture.supplyAsync(() -> apply(image), executor));
    }
    float[][] pixels = new float[images.size()][];
    RuntimeException first = null;
    for (int i = 0; i < pixels.length; i++) {
      try {
        pixels[i] = futures.get(i).join();
      } catch (CompletionException e) {
        if (first == null) {
          first = e.getCause() instanceof RuntimeException ? (RuntimeException) e.getCause() : e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
    return Arrays.asList(pixels);
  }

  @Override
  public String toString() {
    return "ImagePreprocessor{recipe=" + recipe.id() + ", decoder=" + decoder + "}";
  }

  /** Builds an {@link ImagePreprocessor}; not thread-safe. */
  public static final class Builder {
    private final ImageRecipe recipe;
    private ImageDecoder decoder = ImageDecoder.standard();
    private Executor executor = ForkJoinPool.commonPool();

    private Builder(ImageRecipe recipe) {
      this.recipe = Objects.requireNonNull(recipe, "recipe");
    }

    /** The decoder, e.g. with another pixel limit (default {@link ImageDecoder#standard()}). */
    public Builder decoder(ImageDecoder decoder) {
      this.decoder = Objects.requireNonNull(decoder, "decoder");
      return this;
    }

    /** Where the images of a batch are decoded (default the common fork-join pool). */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /** The preprocessor. */
    public ImagePreprocessor build() {
      return new ImagePreprocessor(this);
    }
  }
}
