package dev.imgsearch.core.image;

import java.awt.image.BufferedImage;

/**
 * PLACEHOLDER — to be replaced by the image-decoding work (keep these public signatures).
 *
 * <p>Decodes images with the TwelveMonkeys ImageIO plugins, reading dimensions before pixels so an image above
 * the pixel limit is refused without decoding it.
 */
public final class ImageDecoder {
  /** Pillow's default limit ({@code Image.MAX_IMAGE_PIXELS}). */
  public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

  private static final ImageDecoder STANDARD = new ImageDecoder(DEFAULT_MAX_PIXELS);
  private final long maxPixels;

  private ImageDecoder(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  /** A decoder with the default pixel limit. */
  public static ImageDecoder standard() {
    return STANDARD;
  }

  /** A decoder that refuses images of more than {@code maxPixels} pixels. */
  public static ImageDecoder withMaxPixels(long maxPixels) {
    return new ImageDecoder(maxPixels);
  }

  public long maxPixels() {
    return maxPixels;
  }

  /** Decodes an image. */
  public BufferedImage decode(ImageInput input) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
