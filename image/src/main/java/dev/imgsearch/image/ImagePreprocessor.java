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
 *
 * <p>By default the output is the model's reference preprocessing (Pillow without {@code draft}). The opt-in
 * {@link Builder#draft(boolean) draft decoding} decodes large JPEGs at a reduced size first, several times faster on
 * phone photos, with slightly different pixels.
 */
public final class ImagePreprocessor {
  private final ImageRecipe recipe;
  private final ImageDecoder decoder;
  private final Executor executor;
  private final boolean draft;
  private final double reducingGap;
  /** The size requested from the decoder in draft mode. */
  private final int draftWidth;
  private final int draftHeight;

  private ImagePreprocessor(Builder b) {
    this.recipe = b.recipe;
    this.decoder = b.decoder;
    this.executor = b.executor;
    this.draft = b.draft;
    this.reducingGap = b.reducingGap;
    int[] size = recipe.minimumDecodedSize();
    this.draftWidth = (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(size[0] * reducingGap));
    this.draftHeight = (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(size[1] * reducingGap));
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

  /** Whether large JPEGs are decoded at a reduced size first (see {@link Builder#draft(boolean)}). */
  public boolean draft() {
    return draft;
  }

  /** Decodes and preprocesses one image on the calling thread. */
  public float[] apply(ImageInput image) {
    BufferedImage decoded = draft ? decoder.decode(image, draftWidth, draftHeight) : decoder.decode(image);
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
    return "ImagePreprocessor{recipe=" + recipe.id() + ", decoder=" + decoder
        + (draft ? ", draft " + draftWidth + "x" + draftHeight : "") + "}";
  }

  /** Builds an {@link ImagePreprocessor}; not thread-safe. */
  public static final class Builder {
    private final ImageRecipe recipe;
    private ImageDecoder decoder = ImageDecoder.standard();
    private Executor executor = ForkJoinPool.commonPool();
    private boolean draft;
    private double reducingGap = 1.0;

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

    /**
     * Draft decoding (default off): a JPEG at least twice as large as the recipe needs, on both sides, is decoded at
     * 1/2, 1/4 or 1/8 of its size in the DCT domain, as Pillow's {@code Image.draft} does, before the recipe's
     * resize; see {@link ImageDecoder#decode(ImageInput, int, int)}. The size requested is the recipe's resize
     * target: for "shortest side S" recipes (CLIP, torchvision) S x S, so the shorter side stays at least S and the
     * resize still only shrinks it; for "resize to W x H" recipes W x H; times the {@link #draftReducingGap reducing
     * gap}. A 4000x3000 photo for a 224 recipe is decoded at 500x375 (1/8) instead of 4000x3000. The tensors are
     * close to the exact ones but not equal (the reduced IDCT averages 2x2 to 8x8 blocks before the resize filter
     * sees them); inputs it does not apply to (other formats, small or CMYK JPEGs) are preprocessed exactly.
     */
    public Builder draft(boolean enabled) {
      this.draft = enabled;
      return this;
    }

    /**
     * In draft mode, how much larger than the recipe's resize target the decoded image must stay (default 1.0, the
     * smallest reduction Pillow's {@code draft} allows for that target; Pillow's {@code thumbnail} uses 2.0). A larger
     * gap leaves more of the downscaling to the recipe's filter: closer to the exact tensors, slower.
     *
     * @throws IllegalArgumentException if {@code gap} is below 1 or not finite
     */
    public Builder draftReducingGap(double gap) {
      if (!(gap >= 1.0) || Double.isInfinite(gap)) {
        throw new IllegalArgumentException("the reducing gap must be a finite number of at least 1, got " + gap);
      }
      this.reducingGap = gap;
      return this;
    }

    /** The preprocessor. */
    public ImagePreprocessor build() {
      return new ImagePreprocessor(this);
    }
  }
}
