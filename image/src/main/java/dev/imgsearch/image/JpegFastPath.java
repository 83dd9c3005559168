package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageInput;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;

/**
 * The common case of {@link ImageDecoder} done with less machinery: a YCbCr JPEG with three components and no ICC
 * profile (what cameras and the web mostly produce) is decoded from its bytes by the JDK's own JPEG reader, the one
 * TwelveMonkeys' reader delegates such files to, kept per thread, into the same {@code TYPE_3BYTE_BGR} image with the
 * same bytes. This skips the reader look-up (every plugin probing the stream), TwelveMonkeys' segment parsing and
 * stream wrapping, and the native reader's set-up, about a fifth of the decoding time.
 *
 * <p>Anything else, and anything unusual (a warning, an error, an image above the pixel limit, a file that is not a
 * regular file), gives {@code null}: the caller then decodes the input the general way, which classifies the problem.
 */
final class JpegFastPath {
  private static final String JDK_READER = "com.sun.imageio.plugins.jpeg.JPEGImageReader";
  private static final ImageReaderSpi JDK_SPI = findJdkSpi();
  private static final ThreadLocal<ImageReader> READERS = new ThreadLocal<>();

  private JpegFastPath() {}

  private static ImageReaderSpi findJdkSpi() {
    Iterator<ImageReaderSpi> spis = IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, false);
    while (spis.hasNext()) {
      ImageReaderSpi spi = spis.next();
      if (JDK_READER.equals(spi.getPluginClassName())) {
        return spi;
      }
    }
    return null;
  }

  /** The decoded image, or null when this path does not apply or did not decode the input cleanly. */
  static BufferedImage decode(ImageInput input, long maxPixels) {
    if (JDK_SPI == null) {
      return null;
    }
    byte[] bytes = jpegBytes(input);
    if (bytes == null) {
      return null;
    }
    JpegSupport.Header header = JpegSupport.readHeader(new ByteArrayImageInputStream(bytes));
    if (header == null || header.components != 3 || header.iccProfile != null
        || header.colorType() != JpegSupport.ColorType.YCBCR) {
      return null;
    }
    if (header.progressive) {
      bytes = JpegTranscoder.toBaseline(bytes);
      if (bytes == null) {
        return null;
      }
    }
    ImageReader reader = READERS.get();
    boolean[] warned = {false};
    IIOReadWarningListener listener = (source, warning) -> warned[0] = true;
    try {
      if (reader == null) {
        reader = JDK_SPI.createReaderInstance();
        READERS.set(reader);
      }
      reader.addIIOReadWarningListener(listener);
      reader.setInput(new ByteArrayImageInputStream(bytes), true, true);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      if ((long) width * height > maxPixels) {
        return null;
      }
      BufferedImage image = JpegSupport.readBgr(reader, width, height);
      return warned[0] || image.getType() != BufferedImage.TYPE_3BYTE_BGR ? null : image;
    } catch (IOException | RuntimeException e) {
      // the general path decodes the file again and reports the problem; this reader starts afresh
      READERS.remove();
      if (reader != null) {
        reader.dispose();
      }
      reader = null;
      return null;
    } finally {
      if (reader != null) {
        reader.removeIIOReadWarningListener(listener);
        reader.setInput(null);
      }
    }
  }

  /** The input's bytes if they start like a JPEG (SOI then a marker); null otherwise. */
  static byte[] jpegBytes(ImageInput input) {
    if (input.bytes() != null) {
      byte[] b = input.bytes();
      return b.length > 3 && isJpegStart(b) ? b : null;
    }
    Path path = input.path();
    if (path == null || !Files.isRegularFile(path)) {
      return null;
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] head = in.readNBytes(3);
      if (head.length < 3 || !isJpegStart(head)) {
        return null;
      }
      byte[] rest = in.readAllBytes();
      byte[] all = new byte[3 + rest.length];
      System.arraycopy(head, 0, all, 0, 3);
      System.arraycopy(rest, 0, all, 3, rest.length);
      return all;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static boolean isJpegStart(byte[] b) {
    return (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF;
  }
}
