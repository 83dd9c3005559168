package dev.imgsearch.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PillowResize}'s vectorisable convolution passes against a plain scalar transcription of Pillow 11.3's
 * {@code Resample.c} (below: {@code precompute_coeffs}, {@code normalize_coeffs_8bpc},
 * {@code ImagingResampleHorizontal_8bpc}, {@code ImagingResampleVertical_8bpc}, one sample and one term at a time),
 * byte for byte on random pixels: many sizes, 1 to 4 bands, both convolution filters, windows, row counts that split
 * into several blocks, and source layouts other than tightly interleaved.
 */
class PillowResizeTest {
  private static final int PRECISION_BITS = 32 - 8 - 2;

  @Test
  void randomResizesEqualTheScalarReference() {
    Random random = new Random(20261204);
    for (int i = 0; i < 400; i++) {
      int bands = new int[] {1, 2, 3, 3, 3, 4}[random.nextInt(6)];
      boolean tall = random.nextInt(8) == 0; // enough rows for several blocks of the horizontal pass
      int inWidth = 1 + random.nextInt(tall ? 24 : 90);
      int inHeight = tall ? 513 + random.nextInt(700) : 1 + random.nextInt(90);
      int outWidth = size(random, inWidth);
      int outHeight = size(random, inHeight);
      Resampling filter = random.nextBoolean() ? Resampling.BILINEAR : Resampling.BICUBIC;
      int ww = 1 + random.nextInt(outWidth);
      int wh = 1 + random.nextInt(outHeight);
      int wx = random.nextInt(outWidth - ww + 1);
      int wy = random.nextInt(outHeight - wh + 1);
      if (random.nextBoolean()) { // the whole image as often as a window
        wx = 0;
        wy = 0;
        ww = outWidth;
        wh = outHeight;
      }
      String what = String.format("case %d: %d bands %dx%d -> %dx%d %s, window %dx%d+%d+%d", i, bands, inWidth,
          inHeight, outWidth, outHeight, filter, ww, wh, wx, wy);

      byte[] in = new byte[inWidth * inHeight * bands];
      fill(random, in);
      PillowResize.Layout interleaved = PillowResize.Layout.interleaved(inWidth, bands);
      byte[] expected = reference(in, interleaved, inWidth, inHeight, bands, outWidth, outHeight, filter, wx, wy, ww,
          wh);
      assertThat(PillowResize.resampleWindow(in, inWidth, inHeight, bands, outWidth, outHeight, filter, wx, wy, ww,
          wh)).as(what).isEqualTo(expected);

      // the same pixels elsewhere: padded rows, a head, bands in another order or spread over wider pixels
      Padded padded = padded(random, in, inWidth, inHeight, bands);
      assertThat(PillowResize.resampleWindow(padded.data, padded.layout, inWidth, inHeight, bands, outWidth,
          outHeight, filter, wx, wy, ww, wh)).as("%s, %s", what, padded.description).isEqualTo(expected);
    }
  }

  @Test
  void commonShapesEqualTheScalarReference() {
    // the recipes' shapes (CLIP and torchvision at 224, a 12 MP photo's shortest side to 224 on a smaller scale),
    // an upscale, and one axis unchanged either way
    int[][] shapes = {{640, 480, 224, 224}, {640, 480, 341, 256}, {400, 300, 299, 224}, {37, 23, 301, 199},
        {97, 480, 224, 480}, {480, 97, 480, 33}};
    Random random = new Random(7);
    for (int[] s : shapes) {
      for (Resampling filter : new Resampling[] {Resampling.BILINEAR, Resampling.BICUBIC}) {
        byte[] in = new byte[s[0] * s[1] * 3];
        fill(random, in);
        byte[] expected = reference(in, PillowResize.Layout.interleaved(s[0], 3), s[0], s[1], 3, s[2], s[3],
            filter, 0, 0, s[2], s[3]);
        assertThat(PillowResize.resample(in, s[0], s[1], 3, s[2], s[3], filter))
            .as("%s %s", Arrays.toString(s), filter).isEqualTo(expected);
      }
    }
  }

  @Test
  void clip8IsPillowsClampForEverySum() {
    // clip8 is branch-free; Pillow clamps sum >> PRECISION_BITS to 0..255 (sums of 8-bit samples stay within the
    // 10 bits left above PRECISION_BITS, but every int is checked at both ends of each shifted value)
    for (int v = -512; v < 512; v++) {
      int expected = v < 0 ? 0 : Math.min(v, 255);
      assertThat(PillowResize.clip8(v << PRECISION_BITS)).as("%d", v).isEqualTo(expected);
      assertThat(PillowResize.clip8((v << PRECISION_BITS) | ((1 << PRECISION_BITS) - 1))).isEqualTo(expected);
    }
  }

  @Test
  void moreThanFourBandsAreRejected() {
    assertThatThrownBy(() -> PillowResize.resample(new byte[5 * 4 * 4], 4, 4, 5, 2, 2, Resampling.BILINEAR))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 4 bands");
  }

  private static int size(Random random, int in) {
    switch (random.nextInt(5)) {
      case 0:
        return in; // that axis not resampled
      case 1:
        return 1 + random.nextInt(3 * in + 2); // up or down
      case 2:
        return 1 + random.nextInt(Math.max(1, in / 7)); // strong downscale: many taps
      default:
        return Math.max(1, in / 2 + random.nextInt(in + 1) - in / 4);
    }
  }

  /** Random pixels, half of the images smooth with a few extremes (so that sums overshoot and clip), half noise. */
  private static void fill(Random random, byte[] data) {
    if (random.nextBoolean()) {
      random.nextBytes(data);
      return;
    }
    int v = random.nextInt(256);
    for (int i = 0; i < data.length; i++) {
      v = Math.max(0, Math.min(255, v + random.nextInt(9) - 4));
      data[i] = (byte) (random.nextInt(40) == 0 ? (random.nextBoolean() ? 0 : 255) : v);
    }
  }

  private record Padded(byte[] data, PillowResize.Layout layout, String description) {}

  /** {@code in}'s pixels in another layout, the unused bytes random. */
  private static Padded padded(Random random, byte[] in, int width, int height, int bands) {
    int[] offsets = new int[bands];
    int pixelStride;
    switch (random.nextInt(3)) {
      case 0: // reversed bands, as TYPE_3BYTE_BGR / TYPE_4BYTE_ABGR
        pixelStride = bands;
        for (int b = 0; b < bands; b++) {
          offsets[b] = bands - 1 - b;
        }
        break;
      case 1: // one byte more per pixel, bands after it (TYPE_4BYTE_ABGR's colour bands)
        pixelStride = bands + 1;
        for (int b = 0; b < bands; b++) {
          offsets[b] = bands - b;
        }
        break;
      default: // bands two bytes apart: more than 4 bytes from the first to the last with 3 or 4 bands
        pixelStride = 2 * bands;
        for (int b = 0; b < bands; b++) {
          offsets[b] = 2 * b;
        }
        break;
    }
    int base = random.nextInt(20);
    int scanline = width * pixelStride + random.nextInt(9);
    byte[] data = new byte[base + (height - 1) * scanline + width * pixelStride];
    random.nextBytes(data);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int b = 0; b < bands; b++) {
          data[base + y * scanline + x * pixelStride + offsets[b]] = in[(y * width + x) * bands + b];
        }
      }
    }
    return new Padded(data, new PillowResize.Layout(base, scanline, pixelStride, offsets),
        String.format("layout base %d scanline %d pixelStride %d offsets %s", base, scanline, pixelStride,
            Arrays.toString(offsets)));
  }

  // ---- the reference: Pillow 11.3's Resample.c, scalar, on the whole image, then the window cut out ----

  /** Pillow's {@code ImagingResampleInner} on the whole image (box = the image), then the window of its result. */
  static byte[] reference(byte[] in, PillowResize.Layout layout, int inWidth, int inHeight, int bands,
      int outWidth, int outHeight, Resampling filter, int wx, int wy, int ww, int wh) {
    int[][] image = new int[inHeight][inWidth * bands]; // the source as Pillow's image rows
    for (int y = 0; y < inHeight; y++) {
      for (int x = 0; x < inWidth; x++) {
        for (int b = 0; b < bands; b++) {
          image[y][x * bands + b] =
              in[layout.base + y * layout.scanline + x * layout.pixelStride + layout.bandOffsets[b]] & 0xFF;
        }
      }
    }
    boolean needHorizontal = outWidth != inWidth;
    boolean needVertical = outHeight != inHeight;
    Table vertical = table(inHeight, outHeight, filter);
    int yboxFirst = needVertical ? vertical.bounds[0] : 0;
    int yboxLast = needVertical ? vertical.bounds[outHeight * 2 - 2] + vertical.bounds[outHeight * 2 - 1] : inHeight;
    int[][] current = image;
    if (needHorizontal) {
      // the rows the vertical pass reads, and the vertical bounds shifted by them, as Pillow
      for (int i = 0; i < outHeight; i++) {
        vertical.bounds[i * 2] -= yboxFirst;
      }
      current = horizontal(image, yboxFirst, yboxLast - yboxFirst, bands, outWidth, table(inWidth, outWidth, filter));
    }
    if (needVertical) {
      current = vertical(current, bands, outHeight, vertical);
    }
    byte[] out = new byte[ww * wh * bands];
    for (int y = 0, o = 0; y < wh; y++) {
      for (int i = 0; i < ww * bands; i++) {
        out[o++] = (byte) current[wy + y][wx * bands + i];
      }
    }
    return out;
  }

  private record Table(int ksize, int[] bounds, int[] k) {}

  /** {@code precompute_coeffs} then {@code normalize_coeffs_8bpc}, for every output pixel. */
  private static Table table(int inSize, int outSize, Resampling filter) {
    double scale = (double) inSize / outSize;
    double filterscale = Math.max(scale, 1.0);
    double support = filter.support() * filterscale;
    int ksize = (int) Math.ceil(support) * 2 + 1;
    double[] kk = new double[outSize * ksize];
    int[] bounds = new int[outSize * 2];
    for (int xx = 0; xx < outSize; xx++) {
      double center = (xx + 0.5) * scale;
      double ww = 0.0;
      double ss = 1.0 / filterscale;
      int xmin = (int) (center - support + 0.5);
      if (xmin < 0) {
        xmin = 0;
      }
      int xmax = (int) (center + support + 0.5);
      if (xmax > inSize) {
        xmax = inSize;
      }
      xmax -= xmin;
      for (int x = 0; x < xmax; x++) {
        double w = filter.weight((x + xmin - center + 0.5) * ss);
        kk[xx * ksize + x] = w;
        ww += w;
      }
      for (int x = 0; x < xmax; x++) {
        if (ww != 0.0) {
          kk[xx * ksize + x] /= ww;
        }
      }
      bounds[xx * 2] = xmin;
      bounds[xx * 2 + 1] = xmax;
    }
    int[] k = new int[kk.length];
    for (int i = 0; i < kk.length; i++) {
      double v = kk[i] * (1 << PRECISION_BITS);
      k[i] = (int) (kk[i] < 0 ? -0.5 + v : 0.5 + v);
    }
    return new Table(ksize, bounds, k);
  }

  /** {@code ImagingResampleHorizontal_8bpc} over {@code rows} rows from {@code offset}. */
  private static int[][] horizontal(int[][] in, int offset, int rows, int bands, int outWidth, Table t) {
    int[][] out = new int[rows][outWidth * bands];
    for (int yy = 0; yy < rows; yy++) {
      for (int xx = 0; xx < outWidth; xx++) {
        int xmin = t.bounds[xx * 2];
        int xmax = t.bounds[xx * 2 + 1];
        for (int b = 0; b < bands; b++) {
          int ss = 1 << (PRECISION_BITS - 1);
          for (int x = 0; x < xmax; x++) {
            ss += in[yy + offset][(x + xmin) * bands + b] * t.k[xx * t.ksize + x];
          }
          out[yy][xx * bands + b] = clip8(ss);
        }
      }
    }
    return out;
  }

  /** {@code ImagingResampleVertical_8bpc}. */
  private static int[][] vertical(int[][] in, int bands, int outHeight, Table t) {
    int width = in[0].length / bands;
    int[][] out = new int[outHeight][width * bands];
    for (int yy = 0; yy < outHeight; yy++) {
      int ymin = t.bounds[yy * 2];
      int ymax = t.bounds[yy * 2 + 1];
      for (int xx = 0; xx < width; xx++) {
        for (int b = 0; b < bands; b++) {
          int ss = 1 << (PRECISION_BITS - 1);
          for (int y = 0; y < ymax; y++) {
            ss += in[y + ymin][xx * bands + b] * t.k[yy * t.ksize + y];
          }
          out[yy][xx * bands + b] = clip8(ss);
        }
      }
    }
    return out;
  }

  /** Pillow's {@code clip8} (a lookup of {@code in >> PRECISION_BITS} in a table clamping to 0..255). */
  private static int clip8(int in) {
    int v = in >> PRECISION_BITS;
    return v < 0 ? 0 : v > 255 ? 255 : v;
  }
}
