package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.UnixOperatingSystemMXBean;
import dev.imgsearch.core.InvalidImageException;
import dev.imgsearch.core.InvalidImageException.Reason;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.CRC32;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
  private static final ImageDecoder DECODER = ImageDecoder.standard();

  @TempDir
  Path tmp;

  // ------------------------------------------------------------------------------------------------------------
  // Every format decodes
  // ------------------------------------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "photo_640x480.jpg, JPEG, 640, 480",
      "portrait_300x500_progressive.jpg, JPEG, 300, 500",
      "cmyk_240x180.jpg, JPEG, 240, 180",
      "ycck_240x180.jpg, JPEG, 240, 180",
      "gray_220x330.jpg, JPEG, 220, 330",
      "gray_257x193.png, PNG, 257, 193",
      "rgba_320x240.png, PNG, 320, 240",
      "gray_alpha_160x120.png, PNG, 160, 120",
      "wide_1000x120.png, PNG, 1000, 120",
      "small_50x37.png, PNG, 50, 37",
      "palette_200x150.png, PNG, 200, 150",
      "rgb_123x77.bmp, BMP, 123, 77",
      "palette_150x100.gif, GIF, 150, 100",
      "gray_palette_90x60.gif, GIF, 90, 60",
      "rgb16_64x48.png, PNG, 64, 48",
      "rgb_180x120.tif, TIFF, 180, 120",
      "lossless_160x120.webp, WEBP, 160, 120",
      "lossy_160x120.webp, WEBP, 160, 120",
  })
  void decodesEveryFormat(String name, String format, int width, int height) {
    BufferedImage image = DECODER.decode(ImageInput.of(TestImages.path(name)));
    assertThat(image.getWidth()).isEqualTo(width);
    assertThat(image.getHeight()).isEqualTo(height);
    assertThat(DECODER.probe(ImageInput.of(TestImages.bytes(name)))).isEqualTo(new ImageInfo(format, width, height));
    // not a flat image: the content (edges, gradients) came through
    assertThat(distinctColors(image)).isGreaterThan(8);
  }

  @Test
  void keepsThePillowModeOfEachImage() {
    assertThat(decode("rgba_320x240.png").getColorModel().hasAlpha()).isTrue();
    assertThat(decode("gray_257x193.png").getColorModel().getColorSpace().getType()).isEqualTo(ColorSpace.TYPE_GRAY);
    assertThat(decode("gray_220x330.jpg").getColorModel().getNumComponents()).isEqualTo(1);
    assertThat(decode("palette_200x150.png").getColorModel()).isInstanceOf(IndexColorModel.class);
    for (String name : List.of("cmyk_240x180.jpg", "ycck_240x180.jpg")) {
      BufferedImage cmyk = decode(name);
      assertThat(cmyk.getColorModel().getColorSpace().getType()).isEqualTo(ColorSpace.TYPE_CMYK);
      assertThat(cmyk.getRaster().getNumBands()).isEqualTo(4);
    }
    // Pillow opens a GIF with the identity gray palette in mode "L"
    assertThat(decode("gray_palette_90x60.gif").getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    assertThat(decode("palette_150x100.gif").getColorModel()).isInstanceOf(IndexColorModel.class);
  }

  @Test
  void cmykJpegHoldsUninvertedInkValues() {
    // the generator converts an RGB scene with Pillow's RGB->CMYK (C = 255 - R, K = 0) before saving
    BufferedImage cmyk = decode("cmyk_240x180.jpg");
    int[] px = cmyk.getRaster().getPixels(0, 0, 240, 180, (int[]) null);
    double k = 0;
    for (int i = 3; i < px.length; i += 4) {
      k += px[i];
    }
    assertThat(k / (px.length / 4.0)).as("mean K stays close to 0 after JPEG compression").isLessThan(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"two_frames_64x48.gif", "two_pages_64x48.tif"})
  void multiImageFilesGiveTheFirstImage(String name) {
    // first image red (220, 30, 30), second blue (30, 30, 220)
    BufferedImage image = decode(name);
    int rgb = image.getRGB(32, 24);
    assertThat((rgb >> 16) & 0xFF).isGreaterThan(200);
    assertThat(rgb & 0xFF).isLessThan(60);
  }

  @Test
  void jpegWithANonSrgbProfileKeepsItsStoredValues() throws IOException {
    byte[] plain = TestImages.bytes("photo_640x480.jpg");
    byte[] tagged = insertAfterSoi(plain, iccSegment(ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData()));
    BufferedImage a = DECODER.decode(ImageInput.of(plain));
    BufferedImage b = DECODER.decode(ImageInput.of(tagged));
    assertThat(b.getColorModel().getColorSpace().isCS_sRGB()).as("the profile is attached").isFalse();
    assertThat(ImageRecipe.openAiClip(224).apply(b)).as("but pixel values are not colour-managed, as in Pillow")
        .isEqualTo(ImageRecipe.openAiClip(224).apply(a));
  }

  @Test
  void exifOrientationIsNotApplied() {
    byte[] plain = TestImages.bytes("photo_640x480.jpg");
    byte[] rotated = insertAfterSoi(plain, exifOrientationSegment(6)); // 6 = rotate 90 degrees clockwise
    BufferedImage image = DECODER.decode(ImageInput.of(rotated));
    assertThat(image.getWidth()).isEqualTo(640);
    assertThat(image.getHeight()).isEqualTo(480);
    assertThat(ImageRecipe.openAiClip(224).apply(image))
        .isEqualTo(ImageRecipe.openAiClip(224).apply(DECODER.decode(ImageInput.of(plain))));
  }

  // ------------------------------------------------------------------------------------------------------------
  // Inputs: path, bytes, stream and BufferedImage agree
  // ------------------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"photo_640x480.jpg", "rgba_320x240.png", "cmyk_240x180.jpg", "palette_200x150.png"})
  void pathBytesStreamAndBufferedImageGiveIdenticalTensors(String name) {
    ImageRecipe recipe = ImageRecipe.openAiClip(224);
    float[] fromPath = recipe.apply(DECODER.decode(ImageInput.of(TestImages.path(name))));
    float[] fromBytes = recipe.apply(DECODER.decode(ImageInput.of(TestImages.bytes(name))));
    float[] fromStream =
        recipe.apply(DECODER.decode(ImageInput.of(new ByteArrayInputStream(TestImages.bytes(name)))));
    BufferedImage decoded = DECODER.decode(ImageInput.of(TestImages.path(name)));
    float[] fromImage = recipe.apply(DECODER.decode(ImageInput.of(decoded)));
    assertThat(fromBytes).isEqualTo(fromPath);
    assertThat(fromStream).isEqualTo(fromPath);
    assertThat(fromImage).isEqualTo(fromPath);
  }

  @Test
  void bufferedImageInputIsReturnedAsItIs() {
    BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
    assertThat(DECODER.decode(ImageInput.of(image))).isSameAs(image);
    assertThat(DECODER.probe(ImageInput.of(image))).isEqualTo(new ImageInfo("BufferedImage", 3, 2));
  }

  @Test
  void decodesConcurrentlyWithTheSameResults() throws Exception {
    List<String> names = List.of("photo_640x480.jpg", "cmyk_240x180.jpg", "rgba_320x240.png",
        "portrait_300x500_progressive.jpg", "palette_150x100.gif", "rgb_180x120.tif", "lossless_160x120.webp");
    ImageRecipe recipe = ImageRecipe.chineseClip(224);
    List<float[]> expected = new ArrayList<>();
    for (String name : names) {
      expected.add(recipe.apply(decode(name)));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int round = 0; round < 6; round++) {
        for (int i = 0; i < names.size(); i++) {
          int index = i;
          results.add(pool.submit(() -> Arrays.equals(expected.get(index),
              recipe.apply(DECODER.decode(ImageInput.of(TestImages.path(names.get(index))))))));
        }
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void closesEveryFileItOpens() throws IOException {
    UnixOperatingSystemMXBean os = (UnixOperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Path truncated = tmp.resolve("truncated.png");
    byte[] png = TestImages.bytes("rgba_320x240.png");
    Files.write(truncated, Arrays.copyOf(png, png.length / 2));
    Path text = TestImages.path("not_an_image.txt");
    decode("photo_640x480.jpg"); // warm up class loading and plugin registration
    long before = os.getOpenFileDescriptorCount();
    for (int i = 0; i < 40; i++) {
      decode("photo_640x480.jpg");
      DECODER.probe(ImageInput.of(TestImages.path("rgba_320x240.png")));
      catchReason(() -> DECODER.decode(ImageInput.of(truncated)));
      catchReason(() -> DECODER.decode(ImageInput.of(text)));
      catchReason(() -> ImageDecoder.withMaxPixels(10).decode(ImageInput.of(TestImages.path("small_50x37.png"))));
    }
    assertThat(os.getOpenFileDescriptorCount()).isLessThanOrEqualTo(before + 2);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Bad inputs
  // ------------------------------------------------------------------------------------------------------------

  @Test
  void emptyBytesAreEmpty() {
    assertReason(() -> DECODER.decode(ImageInput.of(new byte[0])), Reason.EMPTY);
  }

  @Test
  void emptyFileIsEmpty() throws IOException {
    Path empty = Files.createFile(tmp.resolve("empty.jpg"));
    assertReason(() -> DECODER.decode(ImageInput.of(empty)), Reason.EMPTY);
  }

  @Test
  void missingFileIsUnreadable() {
    Path missing = tmp.resolve("no-such-image.jpg");
    InvalidImageException e = assertReason(() -> DECODER.decode(ImageInput.of(missing)), Reason.UNREADABLE);
    assertThat(e.getMessage()).contains("no-such-image.jpg").contains("does not exist");
    assertThat(e.source()).isEqualTo(missing.toString());
  }

  @Test
  void directoryIsUnreadable() {
    assertReason(() -> DECODER.decode(ImageInput.of(tmp)), Reason.UNREADABLE);
  }

  @ParameterizedTest
  @ValueSource(strings = {"not_an_image.txt", "vector.svg"})
  void textAndSvgAreUnsupported(String name) {
    InvalidImageException e =
        assertReason(() -> DECODER.decode(ImageInput.of(TestImages.path(name))), Reason.UNSUPPORTED_FORMAT);
    assertThat(e.getMessage()).contains("JPEG").contains("PNG").contains("Convert");
  }

  @Test
  void randomBytesAreUnsupported() {
    byte[] noise = new byte[4096];
    new Random(42).nextBytes(noise);
    noise[0] = 0x13; // not the first byte of any supported signature
    assertReason(() -> DECODER.decode(ImageInput.of(noise)), Reason.UNSUPPORTED_FORMAT);
  }

  @Test
  void randomBytesNamedAsJpegAreCorruptNotUnsupported(@TempDir Path dir) throws IOException {
    byte[] noise = new byte[1 << 20];
    new Random(7).nextBytes(noise);
    noise[0] = 0x13;
    Path file = Files.write(dir.resolve("holiday.jpg"), noise);
    InvalidImageException e = assertReason(() -> DECODER.decode(ImageInput.of(file)), Reason.CORRUPT);
    assertThat(e.getMessage()).contains("not a readable JPEG, although named as one").contains("re-download")
        .doesNotContain("Convert");
  }

  @Test
  void textNamedAsPngIsCorrupt(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("notes.png"), "shopping list: milk, eggs\n");
    InvalidImageException e = assertReason(() -> DECODER.decode(ImageInput.of(file)), Reason.CORRUPT);
    assertThat(e.getMessage()).contains("not a readable PNG").contains("starts with 73 68 6f 70");
  }

  @Test
  void heicNamedAsJpegIsUnsupportedAndSaysWhatItIs(@TempDir Path dir) throws IOException {
    byte[] heic = new byte[256];
    byte[] box = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c', 0, 0, 0, 0, 'm', 'i', 'f', '1'};
    System.arraycopy(box, 0, heic, 0, box.length);
    Path file = Files.write(dir.resolve("IMG_0001.jpg"), heic);
    InvalidImageException e = assertReason(() -> DECODER.decode(ImageInput.of(file)), Reason.UNSUPPORTED_FORMAT);
    assertThat(e.getMessage()).contains("is HEIC/HEIF, although named as JPEG").contains("Convert it to JPEG");
  }

  @Test
  void truncatedJpegIsTruncatedNotGreyFilled() {
    // The JDK decoder fills the missing part with grey and only warns; Pillow refuses such files, and so do we.
    byte[] jpeg = TestImages.bytes("photo_640x480.jpg");
    assertReason(() -> DECODER.decode(ImageInput.of(Arrays.copyOf(jpeg, jpeg.length / 2))), Reason.TRUNCATED);
    assertReason(() -> DECODER.decode(ImageInput.of(Arrays.copyOf(jpeg, jpeg.length - 2))), Reason.TRUNCATED);
  }

  @Test
  void completeJpegWithDamagedScanDataDecodesAsInPillow() {
    // The decoder warns "premature end of data segment" as for a truncated file, but the file ends with EOI:
    // Pillow decodes it (libjpeg warnings are not errors), and so do we.
    byte[] jpeg = TestImages.bytes("photo_640x480.jpg");
    int middle = jpeg.length / 2;
    byte[] withMarker = concat(concat(Arrays.copyOf(jpeg, middle), new byte[] {(byte) 0xFF, (byte) 0xD7}),
        Arrays.copyOfRange(jpeg, middle, jpeg.length));
    byte[] zeroed = jpeg.clone();
    Arrays.fill(zeroed, middle, middle + 200, (byte) 0);
    for (byte[] damaged : List.of(withMarker, zeroed)) {
      BufferedImage image = DECODER.decode(ImageInput.of(damaged));
      assertThat(image.getWidth()).isEqualTo(640);
      assertThat(image.getHeight()).isEqualTo(480);
    }
  }

  @Test
  void truncatedProgressiveJpegIsTruncated() {
    byte[] jpeg = TestImages.bytes("portrait_300x500_progressive.jpg");
    assertReason(() -> DECODER.decode(ImageInput.of(Arrays.copyOf(jpeg, jpeg.length * 2 / 3))), Reason.TRUNCATED);
  }

  @Test
  void jpegCutInItsHeaderIsTruncated() {
    byte[] jpeg = TestImages.bytes("photo_640x480.jpg");
    assertReason(() -> DECODER.decode(ImageInput.of(Arrays.copyOf(jpeg, 100))), Reason.TRUNCATED);
  }

  @Test
  void truncatedPngIsTruncated() throws IOException {
    byte[] png = TestImages.bytes("rgba_320x240.png");
    assertReason(() -> DECODER.decode(ImageInput.of(Arrays.copyOf(png, png.length / 2))), Reason.TRUNCATED);
    assertReason(() -> DECODER.decode(ImageInput.of(Arrays.copyOf(png, 20))), Reason.TRUNCATED);
    Path file = tmp.resolve("cut.png");
    Files.write(file, Arrays.copyOf(png, png.length - 200));
    assertReason(() -> DECODER.decode(ImageInput.of(file)), Reason.TRUNCATED);
  }

  @Test
  void pngWithGarbageAfterItsSignatureIsCorrupt() {
    byte[] garbage = new byte[3000];
    new Random(7).nextBytes(garbage);
    byte[] png = concat(Arrays.copyOf(TestImages.bytes("small_50x37.png"), 8), garbage);
    assertReason(() -> DECODER.decode(ImageInput.of(png)), Reason.CORRUPT);
  }

  @Test
  void pngWithDamagedImageDataIsCorrupt() {
    byte[] png = TestImages.bytes("wide_1000x120.png").clone();
    for (int i = png.length / 3; i < png.length / 3 + 400; i++) {
      png[i] = (byte) (png[i] ^ 0x5A);
    }
    assertReason(() -> DECODER.decode(ImageInput.of(png)), Reason.CORRUPT);
  }

  @Test
  void jpegWithGarbageAfterItsSignatureIsCorrupt() {
    byte[] garbage = new byte[3000];
    new Random(11).nextBytes(garbage);
    byte[] jpeg = concat(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0x00, 0x10}, garbage);
    assertReason(() -> DECODER.decode(ImageInput.of(jpeg)), Reason.CORRUPT);
  }

  @Test
  void jpegWithGarbageInsteadOfItsTablesIsCorrupt() {
    byte[] jpeg = TestImages.bytes("photo_640x480.jpg").clone();
    // keep SOI and the JFIF segment, overwrite what follows (quantisation and Huffman tables, frame header)
    for (int i = 20; i < 600; i++) {
      jpeg[i] = (byte) (i * 31 + 7);
    }
    assertReason(() -> DECODER.decode(ImageInput.of(jpeg)), Reason.CORRUPT);
  }

  @Test
  void tooLargePngIsRefusedFromItsHeaderWithoutDecoding() {
    byte[] header = pngHeader(30000, 30000); // no image data at all: decoding it would fail as truncated
    long start = System.nanoTime();
    InvalidImageException e = assertReason(() -> DECODER.decode(ImageInput.of(header)), Reason.TOO_LARGE);
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);
    assertThat(e.getMessage()).contains("30000x30000").contains("900000000").contains("withMaxPixels");
  }

  @Test
  void tooLargeJpegIsRefusedFromItsHeaderWithoutDecoding() {
    byte[] header = jpegHeader(30000, 30000);
    long start = System.nanoTime();
    assertReason(() -> DECODER.decode(ImageInput.of(header)), Reason.TOO_LARGE);
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);
  }

  @Test
  void probeReadsOnlyTheHeader() {
    // 30000x30000 with no pixel data: probe succeeds under a large enough limit, decode does not
    ImageDecoder lenient = ImageDecoder.withMaxPixels(1_000_000_000L);
    assertThat(lenient.probe(ImageInput.of(pngHeader(30000, 30000)))).isEqualTo(new ImageInfo("PNG", 30000, 30000));
    assertThat(lenient.probe(ImageInput.of(jpegHeader(30000, 20000)))).isEqualTo(new ImageInfo("JPEG", 30000, 20000));
    assertReason(() -> lenient.decode(ImageInput.of(pngHeader(30000, 30000))), Reason.TRUNCATED);
  }

  @Test
  void pixelLimitIsConfigurable() {
    ImageInput photo = ImageInput.of(TestImages.path("photo_640x480.jpg"));
    assertReason(() -> ImageDecoder.withMaxPixels(640 * 480 - 1).decode(photo), Reason.TOO_LARGE);
    assertReason(() -> ImageDecoder.withMaxPixels(640 * 480 - 1).probe(photo), Reason.TOO_LARGE);
    assertThat(ImageDecoder.withMaxPixels(640 * 480).decode(photo).getWidth()).isEqualTo(640);
    assertThat(ImageDecoder.withMaxPixels(640 * 480).maxPixels()).isEqualTo(640 * 480);
    assertThat(ImageDecoder.standard().maxPixels()).isEqualTo(ImageDecoder.DEFAULT_MAX_PIXELS);
    assertThatThrownBy(() -> ImageDecoder.withMaxPixels(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void pixelLimitAppliesToBufferedImages() {
    BufferedImage image = new BufferedImage(200, 100, BufferedImage.TYPE_INT_RGB);
    assertReason(() -> ImageDecoder.withMaxPixels(19_999).decode(ImageInput.of(image)), Reason.TOO_LARGE);
    assertThat(ImageDecoder.withMaxPixels(20_000).decode(ImageInput.of(image))).isSameAs(image);
  }

  // ------------------------------------------------------------------------------------------------------------
  // helpers
  // ------------------------------------------------------------------------------------------------------------

  private static BufferedImage decode(String name) {
    return DECODER.decode(ImageInput.of(TestImages.path(name)));
  }

  private static InvalidImageException assertReason(ThrowingCallable call, Reason reason) {
    InvalidImageException e = catchReason(call);
    assertThat(e).as("expected InvalidImageException(%s)", reason).isNotNull();
    assertThat(e.reason()).as("reason of: %s", e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage()).isNotBlank();
    return e;
  }

  private static InvalidImageException catchReason(ThrowingCallable call) {
    try {
      call.call();
      return null;
    } catch (InvalidImageException e) {
      return e;
    } catch (Throwable t) {
      throw new AssertionError("expected InvalidImageException, got " + t, t);
    }
  }

  private static int distinctColors(BufferedImage image) {
    java.util.Set<Integer> colors = new java.util.HashSet<>();
    for (int y = 0; y < image.getHeight(); y += 3) {
      for (int x = 0; x < image.getWidth(); x += 3) {
        colors.add(image.getRGB(x, y));
      }
    }
    return colors.size();
  }

  static byte[] pngHeader(int width, int height) {
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 2)
        .put((byte) 0).put((byte) 0).put((byte) 0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    out.writeBytes(chunk("IHDR", ihdr.array()));
    return out.toByteArray();
  }

  private static byte[] chunk(String type, byte[] data) {
    CRC32 crc = new CRC32();
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    crc.update(t);
    crc.update(data);
    return ByteBuffer.allocate(12 + data.length).putInt(data.length).put(t).put(data).putInt((int) crc.getValue())
        .array();
  }

  /** SOI, a baseline SOF0 frame header for a 3-component image, and nothing else. */
  static byte[] jpegHeader(int width, int height) {
    ByteBuffer b = ByteBuffer.allocate(2 + 2 + 17);
    b.put((byte) 0xFF).put((byte) 0xD8);
    b.put((byte) 0xFF).put((byte) 0xC0).putShort((short) 17).put((byte) 8).putShort((short) height)
        .putShort((short) width).put((byte) 3);
    for (int c = 1; c <= 3; c++) {
      b.put((byte) c).put((byte) (c == 1 ? 0x22 : 0x11)).put((byte) (c == 1 ? 0 : 1));
    }
    return b.array();
  }

  private static byte[] iccSegment(byte[] profile) {
    byte[] id = "ICC_PROFILE\0".getBytes(StandardCharsets.ISO_8859_1);
    int length = 2 + id.length + 2 + profile.length;
    return ByteBuffer.allocate(2 + length).put((byte) 0xFF).put((byte) 0xE2).putShort((short) length).put(id)
        .put((byte) 1).put((byte) 1).put(profile).array();
  }

  private static byte[] exifOrientationSegment(int orientation) {
    // "Exif\0\0", little-endian TIFF header, one IFD with a single Orientation (0x0112) SHORT entry
    ByteBuffer tiff = ByteBuffer.allocate(8 + 2 + 12 + 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    tiff.putShort((short) 1);
    tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
    tiff.putInt(0);
    byte[] exif = concat("Exif\0\0".getBytes(StandardCharsets.ISO_8859_1), tiff.array());
    return ByteBuffer.allocate(4 + exif.length).put((byte) 0xFF).put((byte) 0xE1).putShort((short) (2 + exif.length))
        .put(exif).array();
  }

  private static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
    return concat(concat(Arrays.copyOf(jpeg, 2), segment), Arrays.copyOfRange(jpeg, 2, jpeg.length));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
