package dev.imgsearch.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link JpegScaledDecoder}: libjpeg's reduced-size IDCTs, checked on synthetic blocks, and the whole decoder checked
 * against Pillow's {@code Image.draft} output (references made by image/src/test/python/make_draft_reference.py with
 * Pillow 11.3 / libjpeg-turbo 3.1.1). The figures are written to target/draft-reference-diff.txt.
 */
class JpegScaledDecoderTest {

  /** Per reference image: the largest absolute difference of any sample allowed, and of the mean. */
  private static final int MAX_DIFF = 0;
  private static final double MAX_MEAN_DIFF = 0.0;

  @Test
  void theOneByOneIdctIsTheRoundedDcAverage() {
    for (int dq : new int[] {0, 7, 8, -9, 400, -1023, 1016}) {
      int[] block = new int[64];
      block[0] = dq;
      block[9] = 50; // AC terms do not reach a 1x1 output
      byte[] two = new byte[4];
      byte[] four = new byte[16];
      byte[] eight = new byte[64];
      int[] dcOnly = new int[64];
      dcOnly[0] = dq;
      JpegScaledDecoder.idct2x2(dcOnly, new int[64], two, 0, 2);
      JpegScaledDecoder.idct4x4(dcOnly, new int[64], four, 0, 4);
      JpegScaledDecoder.idctIslow(dcOnly, new int[64], eight, 0, 8);
      int expected = Math.max(0, Math.min(255, Math.floorDiv(dq + 4, 8) + 128));
      // a flat block stays flat at every size, at the DC average
      for (byte[] out : new byte[][] {two, four, eight}) {
        for (byte b : out) {
          assertThat(b & 0xFF).as("dq %d", dq).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void theReducedIdctsAgreeWithTheFullOneOnSmoothBlocks() {
    // A block with only the lowest frequencies: the 4x4 output is close to the 2x2 averages of the 8x8 output.
    int[] block = new int[64];
    block[0] = 240;
    block[1] = -120;
    block[8] = 80;
    block[9] = 30;
    byte[] eight = new byte[64];
    byte[] four = new byte[16];
    JpegScaledDecoder.idctIslow(block.clone(), new int[64], eight, 0, 8);
    JpegScaledDecoder.idct4x4(block.clone(), new int[64], four, 0, 4);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        double mean = ((eight[16 * y + 2 * x] & 0xFF) + (eight[16 * y + 2 * x + 1] & 0xFF)
            + (eight[16 * y + 8 + 2 * x] & 0xFF) + (eight[16 * y + 9 + 2 * x] & 0xFF)) / 4.0;
        assertThat((double) (four[4 * y + x] & 0xFF)).isCloseTo(mean, org.assertj.core.data.Offset.offset(3.0));
      }
    }
    assertThat(eight[0]).isNotEqualTo(eight[63]); // the block is not flat
  }

  @Test
  void theScaleFollowsPillowsDraftRule() {
    assertThat(JpegScaledDecoder.scaleFor(4000, 3000, 224, 224)).isEqualTo(8); // min(17, 13) -> 8
    assertThat(JpegScaledDecoder.scaleFor(640, 480, 224, 224)).isEqualTo(2); // min(2, 2)
    assertThat(JpegScaledDecoder.scaleFor(4000, 3000, 448, 448)).isEqualTo(4); // min(8, 6) -> 4
    assertThat(JpegScaledDecoder.scaleFor(1000, 700, 256, 256)).isEqualTo(2); // min(3, 2)
    assertThat(JpegScaledDecoder.scaleFor(400, 300, 224, 224)).isEqualTo(1);
    assertThat(JpegScaledDecoder.scaleFor(100, 100, 224, 224)).isEqualTo(1);
  }

  @Test
  void decodesLikePillowsDraft() throws IOException {
    Path dir = TestImages.resource("/draft-reference");
    JsonObject manifest = JsonParser.parseString(Files.readString(dir.resolve("manifest.json"), StandardCharsets.UTF_8))
        .getAsJsonObject();
    List<String> lines = new ArrayList<>();
    lines.add("Java JpegScaledDecoder vs Pillow " + manifest.get("pillow").getAsString() + " (libjpeg-turbo "
        + manifest.get("libjpeg_turbo").getAsString() + ") Image.draft, absolute sample differences");
    int compared = 0;
    long worst = 0;
    for (JsonElement e : manifest.getAsJsonArray("entries")) {
      JsonObject entry = e.getAsJsonObject();
      String image = entry.get("image").getAsString();
      int scale = entry.get("scale").getAsInt();
      BufferedImage expected = ImageIO.read(dir.resolve(entry.get("reference").getAsString()).toFile());
      BufferedImage actual = JpegScaledDecoder.decode(TestImages.bytes(image), scale, null);
      assertThat(actual).as("%s at 1/%d", image, scale).isNotNull();
      assertThat(actual.getWidth()).as(image).isEqualTo(expected.getWidth());
      assertThat(actual.getHeight()).as(image).isEqualTo(expected.getHeight());
      int bands = expected.getRaster().getNumBands();
      assertThat(actual.getRaster().getNumBands()).as(image).isEqualTo(bands);
      long[] diff = diff(actual.getRaster(), expected.getRaster());
      long samples = (long) expected.getWidth() * expected.getHeight() * bands;
      double mean = (double) diff[1] / samples;
      lines.add(String.format(Locale.ROOT, "%-40s 1/%d %4dx%-4d max %3d mean %.4f differing %.4f%%", image, scale,
          expected.getWidth(), expected.getHeight(), diff[0], mean, 100.0 * diff[2] / samples));
      assertThat(diff[0]).as("max difference, %s at 1/%d", image, scale).isLessThanOrEqualTo(MAX_DIFF);
      assertThat(mean).as("mean difference, %s at 1/%d", image, scale).isLessThanOrEqualTo(MAX_MEAN_DIFF);
      worst = Math.max(worst, diff[0]);
      compared++;
    }
    Path report = Path.of("target", "draft-reference-diff.txt");
    Files.createDirectories(report.getParent());
    Files.write(report, lines, StandardCharsets.UTF_8);
    assertThat(compared).isEqualTo(24);
    assertThat(worst).isLessThanOrEqualTo(MAX_DIFF);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"cmyk_240x180.jpg", "ycck_240x180.jpg"})
  void fourComponentJpegsAreLeftToTheExactPath(String name) {
    assertThat(JpegScaledDecoder.decode(TestImages.bytes(name), 2, null)).isNull();
  }

  @Test
  void damagedOrTruncatedFilesAreLeftToTheExactPath() {
    byte[] jpeg = TestImages.bytes("photo_640x480.jpg");
    byte[] truncated = java.util.Arrays.copyOf(jpeg, jpeg.length / 2);
    assertThat(JpegScaledDecoder.decode(truncated, 2, null)).isNull();
    byte[] noEoi = java.util.Arrays.copyOf(jpeg, jpeg.length - 2);
    assertThat(JpegScaledDecoder.decode(noEoi, 2, null)).isNull();
    assertThat(JpegScaledDecoder.decode(TestImages.bytes("rgba_320x240.png"), 2, null)).isNull();
    assertThat(JpegScaledDecoder.decode(jpeg, 2, null)).isNotNull();
  }

  /** {max, sum, count of differing samples} of the absolute differences. */
  private static long[] diff(Raster a, Raster b) {
    long max = 0;
    long sum = 0;
    long count = 0;
    int[] ra = new int[a.getWidth() * a.getNumBands()];
    int[] rb = new int[ra.length];
    for (int y = 0; y < a.getHeight(); y++) {
      a.getPixels(0, y, a.getWidth(), 1, ra);
      b.getPixels(0, y, b.getWidth(), 1, rb);
      for (int i = 0; i < ra.length; i++) {
        int d = Math.abs(ra[i] - rb[i]);
        max = Math.max(max, d);
        sum += d;
        count += d != 0 ? 1 : 0;
      }
    }
    return new long[] {max, sum, count};
  }
}
