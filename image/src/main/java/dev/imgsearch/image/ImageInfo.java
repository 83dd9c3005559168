package dev.imgsearch.image;

/**
 * What {@link ImageDecoder#probe} learns from an image's header without decoding its pixels.
 *
 * @param format the format name in upper case, as the decoder names it ("JPEG", "PNG", "GIF", "BMP", "TIFF",
 *     "WEBP"), or "BufferedImage" for an already decoded image
 * @param width width in pixels
 * @param height height in pixels
 */
public record ImageInfo(String format, int width, int height) {

  /** width x height. */
  public long pixels() {
    return (long) width * height;
  }
}
