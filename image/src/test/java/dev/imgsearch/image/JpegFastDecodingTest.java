package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageInput;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Colour JPEGs without an ICC profile are decoded through an RGB-ordered raster and swapped to BGR in place
 * ({@code JpegSupport.readBgr}); the result must be exactly what ImageIO's own {@code read} gives: a
 * {@code TYPE_3BYTE_BGR} image (which Java 2D draws fast) with the same bytes.
 */
class JpegFastDecodingTest {

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"photo_640x480.jpg", "portrait_300x500_progressive.jpg"})
  void committedColourJpegsDecodeAsImageIoReadsThem(String name) throws IOException {
    BufferedImage decoded = ImageDecoder.standard().decode(ImageInput.of(TestImages.path(name)));
    BufferedImage reference = ImageIO.read(TestImages.path(name).toFile());
    assertSameBgrImage(decoded, reference);
  }

  @Test
  void oddSizesQualitiesAndProgressiveModeDecodeAsImageIoReadsThem() throws IOException {
    BufferedImage source = noisyPicture(333, 217);
    for (float quality : new float[] {0.5f, 0.95f}) {
      for (boolean progressive : new boolean[] {false, true}) {
        byte[] jpeg = encode(source, quality, progressive);
        BufferedImage decoded = ImageDecoder.standard().decode(ImageInput.of(jpeg));
        assertSameBgrImage(decoded, ImageIO.read(new ByteArrayInputStream(jpeg)));
      }
    }
  }

  @Test
  void plainColourJpegsTakeTheFastPathAndEverythingElseTheGeneralOne() throws IOException {
    BufferedImage fast = JpegFastPath.decode(ImageInput.of(TestImages.path("photo_640x480.jpg")), Long.MAX_VALUE);
    assertThat(fast).isNotNull();
    assertSameBgrImage(fast, ImageIO.read(TestImages.path("photo_640x480.jpg").toFile()));
    BufferedImage progressive = JpegFastPath.decode(
        ImageInput.of(TestImages.path("portrait_300x500_progressive.jpg")), Long.MAX_VALUE);
    assertThat(progressive).as("progressive, through its baseline transcoding").isNotNull();
    assertSameBgrImage(progressive, ImageIO.read(TestImages.path("portrait_300x500_progressive.jpg").toFile()));
    for (String other : new String[] {"gray_220x330.jpg", "cmyk_240x180.jpg", "ycck_240x180.jpg",
        "rgba_320x240.png", "not_an_image.txt"}) {
      assertThat(JpegFastPath.decode(ImageInput.of(TestImages.path(other)), Long.MAX_VALUE)).as(other).isNull();
    }
    byte[] photo = java.nio.file.Files.readAllBytes(TestImages.path("photo_640x480.jpg"));
    assertThat(JpegFastPath.decode(ImageInput.of(java.util.Arrays.copyOf(photo, photo.length / 2)), Long.MAX_VALUE))
        .as("truncated: decoded with a warning, left to the general path").isNull();
    assertThat(JpegFastPath.decode(ImageInput.of(photo), 640 * 480 - 1)).as("above the pixel limit").isNull();
    // the reader kept by this thread still works after those refusals
    assertSameBgrImage(JpegFastPath.decode(ImageInput.of(photo), Long.MAX_VALUE),
        ImageIO.read(new ByteArrayInputStream(photo)));
  }

  @Test
  void grayJpegsStayGray() {
    BufferedImage decoded = ImageDecoder.standard().decode(ImageInput.of(TestImages.path("gray_220x330.jpg")));
    assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
  }

  private static void assertSameBgrImage(BufferedImage actual, BufferedImage expected) {
    assertThat(expected.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    assertThat(actual.getType()).isEqualTo(BufferedImage.TYPE_3BYTE_BGR);
    assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
    assertThat(actual.getColorModel().getColorSpace().isCS_sRGB()).isTrue();
    byte[] a = ((DataBufferByte) actual.getRaster().getDataBuffer()).getData();
    byte[] e = ((DataBufferByte) expected.getRaster().getDataBuffer()).getData();
    assertThat(a).isEqualTo(e);
    // and through the public accessors, which read the band offsets: red is red
    assertThat(actual.getRGB(actual.getWidth() / 3, actual.getHeight() / 2))
        .isEqualTo(expected.getRGB(expected.getWidth() / 3, expected.getHeight() / 2));
  }

  private static BufferedImage noisyPicture(int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(200, 40, 30));
    g.fillRect(0, 0, w / 2, h);
    g.setColor(new Color(20, 60, 220));
    g.fillOval(w / 3, h / 4, w / 2, h / 2);
    g.dispose();
    Random random = new Random(7);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y);
        int noise = random.nextInt(41) - 20;
        int r = Math.max(0, Math.min(255, ((rgb >> 16) & 0xFF) + noise));
        int gr = Math.max(0, Math.min(255, ((rgb >> 8) & 0xFF) - noise));
        int b = Math.max(0, Math.min(255, (rgb & 0xFF) + noise / 2));
        image.setRGB(x, y, (r << 16) | (gr << 8) | b);
      }
    }
    return image;
  }

  private static byte[] encode(BufferedImage image, float quality, boolean progressive) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      param.setProgressiveMode(progressive ? ImageWriteParam.MODE_DEFAULT : ImageWriteParam.MODE_DISABLED);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
