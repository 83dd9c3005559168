package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageInput;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import dev.imgsearch.core.InvalidImageException;
import dev.imgsearch.core.InvalidImageException.Reason;
import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes images with ImageIO and the TwelveMonkeys plugins (JPEG including progressive, CMYK and YCCK, PNG with
 * alpha, grayscale, palette images, BMP, GIF, TIFF, WebP), so that the pixels are the ones Pillow's
 * {@code Image.open} gives the same file, which is what the models' reference pipelines see.
 *
 * <p>Guarantees:
 * <ul>
 *   <li>The dimensions are read from the header before any pixel: an image of more than {@link #maxPixels()} pixels
 *       is refused with {@link Reason#TOO_LARGE} without being decoded (a decompression-bomb guard; the default is
 *       Pillow's {@code Image.MAX_IMAGE_PIXELS}). The limit also applies to an {@link ImageInput#of(BufferedImage)
 *       already decoded image}.</li>
 *   <li>Every bad input raises an {@link InvalidImageException} with its {@link Reason}: {@code EMPTY} (no bytes),
 *       {@code UNSUPPORTED_FORMAT} (no decoder recognises the data, e.g. text, SVG or HEIC; told apart from a file
 *       whose name claims a supported format that its bytes are not, which is {@code CORRUPT}), {@code TRUNCATED} (the data
 *       ends early; also detected when the JPEG decoder would fill the missing part with grey and only warn, as
 *       Pillow refuses such files), {@code CORRUPT} (the data is not a valid image of its format),
 *       {@code UNREADABLE} (missing or unreadable file).</li>
 *   <li>Multi-image files (animated GIF, multi-page TIFF): the first image.</li>
 *   <li>No colour management, as Pillow: embedded ICC profiles do not change the pixel values (a JPEG with a
 *       non-sRGB profile is decoded raw and the profile is attached as the image's colour space). CMYK and YCCK
 *       JPEGs are returned as CMYK images holding the values Pillow holds (Adobe-inverted data un-inverted); the
 *       recipes convert them to RGB as Pillow does. A GIF whose palette is the identity gray ramp is returned as a
 *       gray image, as Pillow opens it in mode "L".</li>
 *   <li>EXIF orientation is NOT applied: Pillow's {@code Image.open} does not rotate, and the reference pipelines do
 *       not call {@code ImageOps.exif_transpose}, so the models saw the stored orientation.</li>
 * </ul>
 *
 * <p>Measured against Pillow 11.3 (see {@code PreprocessParityTest}): JPEG (baseline, progressive, gray, CMYK, YCCK),
 * PNG (RGB, RGBA, gray, gray+alpha, palette, 16-bit RGB), GIF, BMP, TIFF and lossless WebP decode to the same pixel
 * values. Lossy WebP does not: TwelveMonkeys' VP8 decoder upsamples chroma differently from libwebp (a mean
 * difference of about 5 levels per channel on the test image). Known differences in rare inputs: 16-bit grayscale
 * keeps its high byte (Pillow opens it as "I;16"); a GIF frame smaller than the logical screen is returned at the
 * frame's size.
 *
 * <p>Immutable and thread-safe: every call closes its stream before returning; readers are created per call, except
 * the JDK's JPEG reader of the common case (YCbCr JPEG without ICC profile), which each thread keeps for its next
 * call.
 */
public final class ImageDecoder {
  /** Pillow's default limit ({@code Image.MAX_IMAGE_PIXELS}). */
  public static final long DEFAULT_MAX_PIXELS = 89_478_485L;

  private static final Logger LOG = LoggerFactory.getLogger(ImageDecoder.class);
  private static final ImageDecoder STANDARD = new ImageDecoder(DEFAULT_MAX_PIXELS);
  /** Failed files are re-read to tell truncation from corruption only up to this size. */
  private static final long MAX_BYTES_TO_CLASSIFY = 256L << 20;

  static {
    // Readers are found through the registry; make sure plugins on the class path are registered.
    ImageIO.scanForPlugins();
  }

  private final long maxPixels;

  private ImageDecoder(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  /** A decoder with the default pixel limit, {@value #DEFAULT_MAX_PIXELS}. */
  public static ImageDecoder standard() {
    return STANDARD;
  }

  /**
   * A decoder that refuses images of more than {@code maxPixels} pixels.
   *
   * @throws IllegalArgumentException if {@code maxPixels} is not positive
   */
  public static ImageDecoder withMaxPixels(long maxPixels) {
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be at least 1, got " + maxPixels);
    }
    return new ImageDecoder(maxPixels);
  }

  /** The largest number of pixels (width x height) this decoder accepts. */
  public long maxPixels() {
    return maxPixels;
  }

  /**
   * Decodes an image (the first one, for multi-image files). An {@link ImageInput#of(BufferedImage) already decoded
   * image} is returned as it is, after the pixel-limit check.
   *
   * @throws InvalidImageException if the input is empty, unreadable, of no supported format, truncated, corrupt, or
   *     above the pixel limit
   */
  public BufferedImage decode(ImageInput input) {
    if (input.image() != null) {
      BufferedImage image = input.image();
      checkLimit(input, image.getWidth(), image.getHeight());
      return image;
    }
    BufferedImage plainJpeg = JpegFastPath.decode(input, maxPixels);
    if (plainJpeg != null) {
      return plainJpeg;
    }
    return read(input, true).image;
  }

  /**
   * Decodes an image that will be shrunk to about {@code minWidth x minHeight}: a JPEG larger than twice that on both
   * sides is decoded at 1/2, 1/4 or 1/8 of its size in the DCT domain, the largest reduction that keeps the decoded
   * image at least {@code minWidth x minHeight} (Pillow's {@code Image.draft("RGB", (minWidth, minHeight))}: the
   * factor is {@code min(width / minWidth, height / minHeight)} rounded down to 8, 4, 2 or 1, and the result is
   * {@code ceil(width / factor) x ceil(height / factor)}). That skips most of the IDCT, the chroma upsampling and the
   * colour conversion, and gives the resize 4 to 64 times fewer pixels; the pixels are the ones Pillow's
   * {@code draft} gives (bit-identical on the test images), so they differ from a full decode followed by a resize.
   *
   * <p>Applies to Huffman-coded 8-bit YCbCr and grey JPEGs, baseline or progressive, with 4:4:4, 4:2:0 or 4:2:2
   * chroma; every other input (other formats, CMYK, a factor of 1, anything unusual in the file) is decoded exactly
   * as by {@link #decode(ImageInput)}, which also classifies a damaged file. The pixel limit applies to the size in
   * the header, as for {@link #decode(ImageInput)}: the coefficients of the whole image are held in memory (two bytes
   * per sample), so the reduced output size does not make a larger image safe to decode.
   *
   * @throws IllegalArgumentException if {@code minWidth} or {@code minHeight} is not positive
   * @throws InvalidImageException as {@link #decode(ImageInput)}
   */
  public BufferedImage decode(ImageInput input, int minWidth, int minHeight) {
    if (minWidth < 1 || minHeight < 1) {
      throw new IllegalArgumentException("minWidth and minHeight must be at least 1, got " + minWidth + "x"
          + minHeight);
    }
    if (input.image() == null) {
      BufferedImage reduced = decodeReduced(input, minWidth, minHeight);
      if (reduced != null) {
        return reduced;
      }
    }
    return decode(input);
  }

  /** The JPEG decoded at a reduced size, or null when that does not apply (the caller then decodes exactly). */
  private BufferedImage decodeReduced(ImageInput input, int minWidth, int minHeight) {
    byte[] bytes = JpegFastPath.jpegBytes(input);
    if (bytes == null) {
      return null;
    }
    JpegSupport.Header header = JpegSupport.readHeader(new ByteArrayImageInputStream(bytes));
    if (header == null || header.width == 0 || header.height == 0
        || (long) header.width * header.height > maxPixels) {
      return null; // the exact path reports the problem (TOO_LARGE for the limit)
    }
    JpegSupport.ColorType type = header.colorType();
    if (!(type == JpegSupport.ColorType.YCBCR && header.components == 3)
        && !(type == JpegSupport.ColorType.GRAY && header.components == 1)) {
      return null;
    }
    int scale = JpegScaledDecoder.scaleFor(header.width, header.height, minWidth, minHeight);
    if (scale == 1) {
      return null;
    }
    ColorSpace space = null;
    ICC_Profile profile = header.profile();
    if (JpegSupport.convertsColors(profile)) {
      // as the exact path: the stored values, tagged with the embedded profile's colour space
      try {
        space = ColorSpaces.createColorSpace(profile);
      } catch (RuntimeException e) {
        space = null;
      }
    }
    BufferedImage image = JpegScaledDecoder.decode(bytes, scale, space);
    if (image == null && LOG.isDebugEnabled()) {
      LOG.debug("{}: not decoded at a reduced size (an unusual JPEG); decoding it fully", input.description());
    }
    return image;
  }

  /**
   * Reads the format and dimensions from the header, without decoding pixels.
   *
   * @throws InvalidImageException as {@link #decode}, except that damage after the header goes unnoticed
   */
  public ImageInfo probe(ImageInput input) {
    if (input.image() != null) {
      BufferedImage image = input.image();
      checkLimit(input, image.getWidth(), image.getHeight());
      return new ImageInfo("BufferedImage", image.getWidth(), image.getHeight());
    }
    return read(input, false).info;
  }

  private void checkLimit(ImageInput input, long width, long height) {
    if (width * height > maxPixels) {
      throw new InvalidImageException(Reason.TOO_LARGE, input.description(),
          "is " + width + "x" + height + " = " + width * height + " pixels, above the limit of " + maxPixels
              + " pixels; downscale the image, or use ImageDecoder.withMaxPixels(...) with a larger limit if you "
              + "trust the source.");
    }
  }

  private static final class Result {
    final ImageInfo info;
    final BufferedImage image;

    Result(ImageInfo info, BufferedImage image) {
      this.info = info;
      this.image = image;
    }
  }

  private Result read(ImageInput input, boolean decodePixels) {
    try (ImageInputStream stream = open(input)) {
      ImageReader reader = findReader(stream, input);
      try {
        return read(reader, stream, input, decodePixels);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      // only close() can get here
      throw new InvalidImageException(Reason.UNREADABLE, input.description(),
          "could not be closed after reading (" + e.getMessage() + "); check the file system.", e);
    }
  }

  private static ImageInputStream open(ImageInput input) {
    if (input.bytes() != null) {
      if (input.bytes().length == 0) {
        throw empty(input);
      }
      return new ByteArrayImageInputStream(input.bytes());
    }
    Path path = input.path();
    if (!Files.exists(path)) {
      throw new InvalidImageException(Reason.UNREADABLE, input.description(),
          "does not exist; check the path (relative paths resolve against " + Path.of("").toAbsolutePath() + ").");
    }
    if (Files.isDirectory(path)) {
      throw new InvalidImageException(Reason.UNREADABLE, input.description(),
          "is a directory, not an image file; pass the path of an image file.");
    }
    try {
      if (path.getFileSystem() != FileSystems.getDefault()) {
        byte[] bytes = Files.readAllBytes(path);
        if (bytes.length == 0) {
          throw empty(input);
        }
        return new ByteArrayImageInputStream(bytes);
      }
      if (Files.size(path) == 0) {
        throw empty(input);
      }
      // With TwelveMonkeys' stream plugins registered, a buffered channel-based stream.
      ImageInputStream stream = ImageIO.createImageInputStream(path.toFile());
      if (stream == null) {
        throw new IOException("no ImageIO stream provider for files");
      }
      return stream;
    } catch (IOException e) {
      throw new InvalidImageException(Reason.UNREADABLE, input.description(),
          "cannot be read (" + e.getMessage() + "); check that the file exists and is readable.", e);
    }
  }

  private static InvalidImageException empty(ImageInput input) {
    return new InvalidImageException(Reason.EMPTY, input.description(),
        "holds no bytes; pass the encoded image (JPEG, PNG, ...), and check that the file was completely written.");
  }

  private static ImageReader findReader(ImageInputStream stream, ImageInput input) {
    Iterator<ImageReader> readers;
    try {
      readers = ImageIO.getImageReaders(stream);
    } catch (RuntimeException e) {
      throw new InvalidImageException(Reason.UNREADABLE, input.description(),
          "could not be inspected (" + e + "); check the input.", e);
    }
    if (!readers.hasNext()) {
      throw unrecognised(input);
    }
    return readers.next();
  }

  private Result read(ImageReader reader, ImageInputStream stream, ImageInput input, boolean decodePixels) {
    String format = formatName(reader);
    List<String> warnings = new ArrayList<>();
    IIOReadWarningListener listener = (source, warning) -> warnings.add(warning);
    reader.addIIOReadWarningListener(listener);
    JpegSupport.Header jpeg = null;
    int width;
    int height;
    try {
      if (format.equals("JPEG")) {
        jpeg = JpegSupport.readHeader(stream);
      }
      reader.setInput(stream, true, true);
      width = reader.getWidth(0);
      height = reader.getHeight(0);
    } catch (IOException | RuntimeException e) {
      throw failure(input, format, e, warnings);
    }
    checkLimit(input, width, height);
    ImageInfo info = new ImageInfo(format, width, height);
    if (!decodePixels) {
      return new Result(info, null);
    }
    BufferedImage image;
    try {
      if (jpeg != null && jpeg.progressive) {
        readProgressiveAsBaseline(reader, input);
      }
      image = decodeFirstImage(reader, format, jpeg, width, height);
    } catch (IOException | RuntimeException e) {
      throw failure(input, format, e, warnings);
    }
    if (warnings.stream().anyMatch(ImageDecoder::saysTruncated)) {
      // The JDK's JPEG decoder fills a missing end with grey and only warns; Pillow refuses such files. But the same
      // warnings come for damaged scan data in a complete file, which Pillow decodes: the byte structure decides.
      Completeness structure = structureOf(input, format);
      if (structure == null || structure == Completeness.TRUNCATED) {
        throw truncated(input, format, warnings.toString(), null);
      }
    }
    if (!warnings.isEmpty() && LOG.isDebugEnabled()) {
      LOG.debug("{}: decoded with warnings {}", input.description(), warnings);
    }
    if (format.equals("GIF")) {
      image = grayIfIdentityPalette(image);
    }
    return new Result(info, image);
  }

  /**
   * Lets the reader decode a progressive JPEG from its lossless baseline transcoding ({@link JpegTranscoder}): the
   * same pixels in one output pass instead of one per scan (three to four times faster). Files the transcoder does
   * not take are decoded as they are.
   */
  private static void readProgressiveAsBaseline(ImageReader reader, ImageInput input) throws IOException {
    byte[] bytes = input.bytes() != null ? input.bytes() : Files.readAllBytes(input.path());
    byte[] baseline = JpegTranscoder.toBaseline(bytes);
    if (baseline != null) {
      reader.setInput(new ByteArrayImageInputStream(baseline), true, true);
    }
  }

  private static BufferedImage decodeFirstImage(ImageReader reader, String format, JpegSupport.Header jpeg,
      int width, int height) throws IOException {
    if (jpeg != null && reader.canReadRaster()) {
      JpegSupport.ColorType type = jpeg.colorType();
      if (type == JpegSupport.ColorType.CMYK || type == JpegSupport.ColorType.YCCK) {
        Raster raw = reader.readRaster(0, null);
        if (raw.getNumBands() == 4) {
          return JpegSupport.cmykFromRaw(raw, type, JpegSupport.cmykSpace(jpeg.profile()));
        }
      } else if (type == JpegSupport.ColorType.YCBCR || type == JpegSupport.ColorType.RGB) {
        ICC_Profile profile = jpeg.profile();
        if (JpegSupport.convertsColors(profile)) {
          // TwelveMonkeys would convert the colours to sRGB; Pillow keeps the stored values.
          Raster raw = reader.readRaster(0, null);
          if (raw.getNumBands() == 3) {
            return JpegSupport.rgbFromRaw(raw, type, profile);
          }
        } else if (jpeg.iccProfile == null && jpeg.components == 3) {
          return JpegSupport.readBgr(reader, width, height);
        }
      }
    }
    return reader.read(0, null);
  }

  /** Pillow opens a GIF whose palette is i -> (i, i, i) in mode "L"; so do we. */
  private static BufferedImage grayIfIdentityPalette(BufferedImage image) {
    if (!(image.getColorModel() instanceof IndexColorModel)) {
      return image;
    }
    IndexColorModel icm = (IndexColorModel) image.getColorModel();
    for (int i = 0; i < icm.getMapSize(); i++) {
      if (icm.getRed(i) != i || icm.getGreen(i) != i || icm.getBlue(i) != i) {
        return image;
      }
    }
    int w = image.getWidth();
    int h = image.getHeight();
    BufferedImage gray = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster out = gray.getRaster();
    int[] row = new int[w];
    for (int y = 0; y < h; y++) {
      image.getRaster().getSamples(0, y, w, 1, 0, row);
      out.setSamples(0, y, w, 1, 0, row);
    }
    return gray;
  }

  private static String formatName(ImageReader reader) {
    String[] names = reader.getOriginatingProvider() == null ? null
        : reader.getOriginatingProvider().getFormatNames();
    String name;
    if (names != null && names.length > 0) {
      name = names[0];
    } else {
      try {
        name = reader.getFormatName();
      } catch (IOException e) {
        name = "image";
      }
    }
    name = name.toUpperCase(Locale.ROOT);
    return name.equals("JPG") ? "JPEG" : name.equals("TIF") ? "TIFF" : name;
  }

  private InvalidImageException failure(ImageInput input, String format, Throwable e, List<String> warnings) {
    Completeness structure = structureOf(input, format);
    boolean truncated = structure == Completeness.TRUNCATED
        || (structure == null && (endOfData(e) || warnings.stream().anyMatch(ImageDecoder::saysTruncated)));
    if (truncated) {
      return truncated(input, format, String.valueOf(e.getMessage()), e);
    }
    return new InvalidImageException(Reason.CORRUPT, input.description(),
        "looks like " + format + " but cannot be decoded (" + describe(e) + "); the file is damaged or not really "
            + format + ". Re-export or re-download it.", e);
  }

  private static InvalidImageException truncated(ImageInput input, String format, String detail, Throwable e) {
    return new InvalidImageException(Reason.TRUNCATED, input.description(),
        "is an incomplete " + format + ": the data ends before the image does (" + detail + "); re-download or "
            + "re-copy the file.", e);
  }

  /** For PNG and JPEG, a walk over the bytes says whether they are a valid prefix; null for other formats. */
  private static Completeness structureOf(ImageInput input, String format) {
    if (!format.equals("PNG") && !format.equals("JPEG")) {
      return null;
    }
    byte[] data = input.bytes();
    if (data == null) {
      try {
        if (Files.size(input.path()) > MAX_BYTES_TO_CLASSIFY) {
          return null;
        }
        data = Files.readAllBytes(input.path());
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
    return format.equals("PNG") ? PngSupport.structure(data) : JpegSupport.structure(data);
  }

  private static boolean endOfData(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof EOFException || saysTruncated(c.getMessage())) {
        return true;
      }
    }
    return false;
  }

  private static boolean saysTruncated(String message) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("truncated") || m.contains("premature end") || m.contains("missing eoi")
        || m.contains("unexpected end");
  }

  private static String describe(Throwable e) {
    StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
    Throwable cause = e.getCause();
    if (cause != null && cause.getMessage() != null && !cause.getMessage().equals(e.getMessage())) {
      s.append(": ").append(cause.getMessage());
    }
    return s.toString();
  }

  /**
   * No decoder recognised the input: unsupported when its bytes are a known format the decoder does not read (or
   * nothing claims a format), corrupt when its name claims a supported format that its bytes are not.
   */
  private static InvalidImageException unrecognised(ImageInput input) {
    byte[] head = FormatSniffer.head(input);
    String start = describeStart(head);
    Optional<String> claimed = FormatSniffer.claimedFormat(input);
    Optional<String> other = FormatSniffer.unsupportedFormat(head);
    if (other.isPresent()) {
      return new InvalidImageException(Reason.UNSUPPORTED_FORMAT, input.description(),
          "is " + other.get() + (claimed.map(f -> ", although named as " + f).orElse("")) + ", which cannot be "
              + "decoded here (supported formats: " + supportedFormats() + "). Convert it to JPEG or PNG.");
    }
    if (claimed.isPresent()) {
      return new InvalidImageException(Reason.CORRUPT, input.description(),
          "is not a readable " + claimed.get() + ", although named as one: its bytes match no image format ("
              + start + "). The file is damaged or is not an image; re-download or re-copy it, or remove it.");
    }
    return new InvalidImageException(Reason.UNSUPPORTED_FORMAT, input.description(),
        "is not in an image format that can be decoded (" + start + "); supported formats: " + supportedFormats()
            + ". Convert the image to JPEG or PNG.");
  }

  private static String describeStart(byte[] head) {
    if (head.length == 0) {
      return "first bytes unreadable";
    }
    StringBuilder s = new StringBuilder("starts with");
    for (int i = 0; i < Math.min(8, head.length); i++) {
      s.append(String.format(" %02x", head[i] & 0xFF));
    }
    return s.toString();
  }

  private static String supportedFormats() {
    Set<String> names = new TreeSet<>();
    for (String name : ImageIO.getReaderFormatNames()) {
      names.add(name.toUpperCase(Locale.ROOT));
    }
    return String.join(", ", names);
  }
}
