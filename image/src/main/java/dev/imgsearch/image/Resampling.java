package dev.imgsearch.image;

/**
 * The resampling filters of Pillow's {@code Image.resize}, reproduced bit for bit by {@link ImageRecipe}.
 *
 * <p>{@link #BILINEAR} and {@link #BICUBIC} are Pillow's convolution resampling ({@code Resample.c}): when an image
 * is shrunk, the filter's support grows with the scale factor, so the result is antialiased (what torchvision calls
 * {@code antialias=True} and always does for PIL images). {@link #NEAREST} is Pillow's nearest-neighbour path, which
 * samples the source at each output pixel's centre without any filtering.
 */
public enum Resampling {
  /** Nearest neighbour: {@code Image.Resampling.NEAREST} (Keras {@code load_img}'s default). */
  NEAREST(0.0),
  /** Triangle filter with support 1, antialiased when shrinking: {@code Image.Resampling.BILINEAR}. */
  BILINEAR(1.0),
  /** Cubic convolution with a = -0.5 and support 2, antialiased when shrinking: {@code Image.Resampling.BICUBIC}. */
  BICUBIC(2.0);

  private final double support;

  Resampling(double support) {
    this.support = support;
  }

  /** The filter's support in source pixels at scale 1 (Pillow's {@code struct filter.support}). */
  double support() {
    return support;
  }

  /** The filter's weight at distance {@code x}, exactly as Pillow's {@code bilinear_filter}/{@code bicubic_filter}. */
  double weight(double x) {
    switch (this) {
      case BILINEAR:
        if (x < 0.0) {
          x = -x;
        }
        return x < 1.0 ? 1.0 - x : 0.0;
      case BICUBIC: {
        final double a = -0.5;
        if (x < 0.0) {
          x = -x;
        }
        if (x < 1.0) {
          return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
          return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
      }
      default:
        throw new IllegalStateException("NEAREST has no convolution weights");
    }
  }
}
