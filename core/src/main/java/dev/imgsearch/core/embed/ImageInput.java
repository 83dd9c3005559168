package dev.imgsearch.core.embed;

import dev.imgsearch.core.InvalidImageException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where an image comes from: a file, bytes, a stream, or an already decoded {@link BufferedImage}. Immutable;
 * nothing is read until an {@link ImageDecoder} decodes it (a stream is read fully when the input is made).
 */
public final class ImageInput {
  private final Path path;
  private final byte[] bytes;
  private final BufferedImage image;
  private final String description;

  private ImageInput(Path path, byte[] bytes, BufferedImage image, String description) {
    this.path = path;
    this.bytes = bytes;
    this.image = image;
    this.description = description;
  }

  /** An image file. */
  public static ImageInput of(Path path) {
    Objects.requireNonNull(path, "path");
    return new ImageInput(path, null, null, path.toString());
  }

  /** Encoded image bytes (JPEG, PNG, ...); the array is not copied, do not modify it afterwards. */
  public static ImageInput of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return new ImageInput(null, bytes, null, "bytes[" + bytes.length + "]");
  }

  /** Encoded image bytes from a stream, read fully now; the stream is not closed. */
  public static ImageInput of(InputStream stream) {
    Objects.requireNonNull(stream, "stream");
    try {
      byte[] bytes = stream.readAllBytes();
      return new ImageInput(null, bytes, null, "stream[" + bytes.length + " bytes]");
    } catch (IOException e) {
      throw new InvalidImageException(InvalidImageException.Reason.UNREADABLE, "stream",
          "could not be read (" + e.getMessage() + "); check the source of the stream.", e);
    }
  }

  /** An already decoded image; the pixel limit still applies. */
  public static ImageInput of(BufferedImage image) {
    Objects.requireNonNull(image, "image");
    return new ImageInput(null, null, image, "BufferedImage[" + image.getWidth() + "x" + image.getHeight() + "]");
  }

  /** The file, or null when the input is not a file. */
  public Path path() {
    return path;
  }

  /** The encoded bytes, or null when the input is a file or a decoded image. Not a copy. */
  public byte[] bytes() {
    return bytes;
  }

  /** The decoded image, or null when the input is encoded. */
  public BufferedImage image() {
    return image;
  }

  /** A short description for messages: the path, or the kind and size of the input. */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
