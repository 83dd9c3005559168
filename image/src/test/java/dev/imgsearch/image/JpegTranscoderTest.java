package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageInput;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.w3c.dom.Node;

/**
 * {@link JpegTranscoder} turns progressive JPEGs into baseline JPEGs with the same coefficients: decoding the
 * baseline file must give exactly the pixels the JDK decoder gives the progressive original (which match Pillow's, see
 * {@code PreprocessParityTest}), and anything it does not handle must be left to the decoder.
 */
class JpegTranscoderTest {

  @ParameterizedTest(name = "{0}x{1} q{2} sampling {3} restart {4}")
  @CsvSource({
      "333, 217, 0.95, 2, 0",
      "333, 217, 0.5, 2, 0",
      "640, 480, 0.85, 2, 0",
      "201, 99, 0.9, 1, 0",
      "257, 130, 0.8, 2, 3",
      "64, 64, 0.75, 1, 1",
      "17, 9, 0.9, 2, 0",
  })
  void progressiveColourJpegsTranscodeToTheSamePixels(int w, int h, float quality, int lumaSampling, int restart)
      throws IOException {
    byte[] progressive = encode(picture(w, h, false), quality, true, lumaSampling, restart);
    assertThat(isProgressive(progressive)).isTrue();
    assertThat(hasMarker(progressive, 0xDD) && hasMarker(progressive, 0xD1)).as("restart markers")
        .isEqualTo(restart > 0);
    byte[] baseline = JpegTranscoder.toBaseline(progressive);
    assertThat(baseline).as("transcoded").isNotNull();
    assertThat(isProgressive(baseline)).isFalse();
    assertSamePixels(read(baseline), read(progressive));
  }

  @Test
  void progressiveGrayJpegsTranscodeToTheSamePixels() throws IOException {
    byte[] progressive = encode(picture(141, 77, true), 0.9f, true, 1, 0);
    byte[] baseline = JpegTranscoder.toBaseline(progressive);
    assertThat(baseline).isNotNull();
    assertSamePixels(read(baseline), read(progressive));
  }

  @Test
  void progressiveFourComponentJpegsTranscodeToTheSameRawSamples() throws IOException {
    int w = 97;
    int h = 61;
    java.awt.image.WritableRaster raster = java.awt.image.Raster.createInterleavedRaster(
        java.awt.image.DataBuffer.TYPE_BYTE, w, h, 4, null);
    Random random = new Random(1);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int b = 0; b < 4; b++) {
          raster.setSample(x, y, b, (x * (b + 1) + y * 3 + random.nextInt(40)) & 0xFF);
        }
      }
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(raster, null, null), param);
    } finally {
      writer.dispose();
    }
    byte[] progressive = bytes.toByteArray();
    assertThat(isProgressive(progressive)).isTrue();
    byte[] baseline = JpegTranscoder.toBaseline(progressive);
    assertThat(baseline).isNotNull();
    assertThat(rawSamples(baseline)).isEqualTo(rawSamples(progressive));
    // and the decoder (CMYK, through the transcoding) gives the CMYK values of the raw samples, inverted
    BufferedImage decoded = ImageDecoder.standard().decode(ImageInput.of(progressive));
    int[] raw = rawSamples(progressive);
    int[] cmyk = decoded.getRaster().getPixels(0, 0, w, h, new int[w * h * 4]);
    for (int i = 0; i < raw.length; i++) {
      assertThat(cmyk[i]).isEqualTo(255 - raw[i]);
    }
  }

  private static int[] rawSamples(byte[] jpeg) throws IOException {
    javax.imageio.ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
    try (var in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
      reader.setInput(in);
      java.awt.image.Raster r = reader.readRaster(0, null);
      return r.getPixels(r.getMinX(), r.getMinY(), r.getWidth(), r.getHeight(), (int[]) null);
    } finally {
      reader.dispose();
    }
  }

  @Test
  void theCommittedProgressiveJpegTranscodesAndTheDecoderGivesImageIoPixels() throws IOException {
    byte[] progressive = Files.readAllBytes(TestImages.path("portrait_300x500_progressive.jpg"));
    byte[] baseline = JpegTranscoder.toBaseline(progressive);
    assertThat(baseline).isNotNull();
    BufferedImage reference = read(progressive);
    assertSamePixels(read(baseline), reference);
    assertSamePixels(ImageDecoder.standard().decode(ImageInput.of(progressive)), reference);
    assertSamePixels(ImageDecoder.standard().decode(ImageInput.of(TestImages.path(
        "portrait_300x500_progressive.jpg"))), reference);
  }

  @Test
  void baselineTruncatedAndDamagedFilesAreLeftToTheDecoder() throws IOException {
    byte[] progressive = encode(picture(120, 90, false), 0.9f, true, 2, 0);
    byte[] sequential = encode(picture(120, 90, false), 0.9f, false, 2, 0);
    assertThat(JpegTranscoder.toBaseline(sequential)).as("baseline input").isNull();
    assertThat(JpegTranscoder.toBaseline(Arrays.copyOf(progressive, progressive.length - 2))).as("no EOI").isNull();
    assertThat(JpegTranscoder.toBaseline(Arrays.copyOf(progressive, progressive.length * 2 / 3))).as("truncated")
        .isNull();
    assertThat(JpegTranscoder.toBaseline(new byte[] {(byte) 0xFF, (byte) 0xD8})).isNull();
    assertThat(JpegTranscoder.toBaseline(new byte[0])).isNull();
    // random damage in the scans: either refused, or (if it still decodes cleanly) the same pixels as the decoder's
    Random random = new Random(3);
    int refused = 0;
    int accepted = 0;
    for (int i = 0; i < 100; i++) {
      byte[] damaged = progressive.clone();
      int at = damaged.length / 3 + random.nextInt(damaged.length / 2);
      damaged[at] = (byte) random.nextInt(256);
      byte[] baseline = JpegTranscoder.toBaseline(damaged);
      if (baseline != null) {
        assertSamePixels(read(baseline), read(damaged));
        accepted++;
      } else {
        refused++;
      }
    }
    assertThat(refused).as("damaged files refused").isPositive();
    assertThat(accepted).as("damaged files that still decode cleanly, compared").isPositive();
  }

  private static boolean isProgressive(byte[] jpeg) {
    for (int i = 0; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xC2) {
        return true;
      }
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
        return false;
      }
    }
    return false;
  }

  private static boolean hasMarker(byte[] jpeg, int marker) {
    for (int i = 0; i + 1 < jpeg.length; i++) {
      if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == marker) {
        return true;
      }
    }
    return false;
  }

  private static BufferedImage read(byte[] jpeg) throws IOException {
    return ImageIO.read(new ByteArrayInputStream(jpeg));
  }

  private static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
    assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
    assertThat(actual.getRaster().getNumBands()).isEqualTo(expected.getRaster().getNumBands());
    int w = expected.getWidth();
    int h = expected.getHeight();
    int bands = expected.getRaster().getNumBands();
    assertThat(actual.getRaster().getPixels(0, 0, w, h, new int[w * h * bands]))
        .isEqualTo(expected.getRaster().getPixels(0, 0, w, h, new int[w * h * bands]));
  }

  private static BufferedImage picture(int w, int h, boolean gray) {
    BufferedImage image = new BufferedImage(w, h, gray ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(200, 40, 30));
    g.fillRect(0, 0, w / 2, h);
    g.setColor(new Color(20, 160, 220));
    g.fillOval(w / 4, h / 5, w / 2, h / 2);
    g.dispose();
    Random random = new Random(w * 31L + h);
    var raster = image.getRaster();
    int[] px = new int[raster.getNumBands()];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        raster.getPixel(x, y, px);
        int noise = random.nextInt(61) - 30 + (int) (40 * Math.sin(x * 0.3 + y * 0.1));
        for (int b = 0; b < px.length; b++) {
          px[b] = Math.max(0, Math.min(255, px[b] + (b == 1 ? -noise : noise)));
        }
        raster.setPixel(x, y, px);
      }
    }
    return image;
  }

  /** A JPEG from the JDK's writer; luma sampling 2 is 4:2:0, 1 is 4:4:4; restart interval in MCUs, 0 for none. */
  private static byte[] encode(BufferedImage image, float quality, boolean progressive, int lumaSampling,
      int restartInterval) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      param.setProgressiveMode(progressive ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
      IIOMetadata metadata = writer.getDefaultImageMetadata(new ImageTypeSpecifier(image), param);
      String format = "javax_imageio_jpeg_image_1.0";
      IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(format);
      IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
      IIOMetadataNode sof = (IIOMetadataNode) markers.getElementsByTagName("sof").item(0);
      if (sof != null && sof.getLength() > 1) {
        IIOMetadataNode luma = (IIOMetadataNode) sof.getElementsByTagName("componentSpec").item(0);
        luma.setAttribute("HsamplingFactor", Integer.toString(lumaSampling));
        luma.setAttribute("VsamplingFactor", Integer.toString(lumaSampling));
      }
      if (restartInterval > 0) {
        IIOMetadataNode dri = new IIOMetadataNode("dri");
        dri.setAttribute("interval", Integer.toString(restartInterval));
        Node first = markers.getFirstChild();
        markers.insertBefore(dri, first);
      }
      metadata.setFromTree(format, root);
      writer.write(null, new IIOImage(image, null, metadata), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
