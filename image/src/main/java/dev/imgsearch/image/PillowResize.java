package dev.imgsearch.image;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pillow's resize on 8-bit interleaved pixels, bit for bit: the convolution resampling of {@code Resample.c}
 * (coefficients in double, normalised to {@value #PRECISION_BITS}-bit fixed point, a horizontal pass then a
 * vertical pass with clipping to uint8 in between) and the nearest-neighbour path of {@code Geometry.c}
 * ({@code ImagingScaleAffine}: the source is sampled at each output pixel's centre, positions accumulated in double).
 *
 * <p>Written from Pillow 11.3's C sources as the specification; stateless and thread-safe. The coefficient tables
 * depend only on (input size, output size, filter, output window) and are cached.
 */
final class PillowResize {
  /** Fixed-point precision of the 8-bit coefficients: 32 - 8 - 2, as in Pillow. */
  static final int PRECISION_BITS = 32 - 8 - 2;

  private static final int HALF = 1 << (PRECISION_BITS - 1);
  private static final int MAX_CACHED_TABLES = 256;
  private static final Map<TableKey, Coefficients> TABLES = new ConcurrentHashMap<>();

  private PillowResize() {}

  /**
   * Resizes {@code in} ({@code inWidth x inHeight} pixels of {@code bands} interleaved bytes) to
   * {@code outWidth x outHeight} as Pillow's {@code Image.resize} (the whole image as the box).
   */
  static byte[] resample(byte[] in, int inWidth, int inHeight, int bands, int outWidth, int outHeight,
      Resampling filter) {
    return resampleWindow(in, inWidth, inHeight, bands, outWidth, outHeight, filter, 0, 0, outWidth, outHeight);
  }

  /**
   * The window {@code (wx, wy, ww, wh)} of {@link #resample}'s result, computed without the rest: every output
   * pixel depends only on its own coefficients, so resize-then-crop costs only the cropped pixels, bit for bit.
   */
  static byte[] resampleWindow(byte[] in, int inWidth, int inHeight, int bands, int outWidth, int outHeight,
      Resampling filter, int wx, int wy, int ww, int wh) {
    if (filter == Resampling.NEAREST) {
      checkWindow(outWidth, outHeight, wx, wy, ww, wh);
      return nearest(in, inWidth, inHeight, bands, outWidth, outHeight, wx, wy, ww, wh);
    }
    return resampleWindow(in, Layout.interleaved(inWidth, bands), inWidth, inHeight, bands, outWidth, outHeight,
        filter, wx, wy, ww, wh);
  }

  /**
   * {@link #resampleWindow(byte[], int, int, int, int, int, Resampling, int, int, int, int)} for a convolution filter,
   * reading the source pixels where they are (for instance in a {@code BufferedImage}'s data buffer) as described by
   * {@code layout}; the result is interleaved in the layout's band order.
   */
  static byte[] resampleWindow(byte[] in, Layout layout, int inWidth, int inHeight, int bands, int outWidth,
      int outHeight, Resampling filter, int wx, int wy, int ww, int wh) {
    checkWindow(outWidth, outHeight, wx, wy, ww, wh);
    if (filter == Resampling.NEAREST) {
      throw new IllegalArgumentException("NEAREST is not a convolution filter");
    }
    boolean needHorizontal = outWidth != inWidth;
    boolean needVertical = outHeight != inHeight;
    Coefficients vertical = needVertical ? coefficients(inHeight, outHeight, filter, wy, wh) : null;
    // As Pillow, only the source rows the vertical pass reads are resampled horizontally.
    int firstRow = needVertical ? vertical.bounds[0] : wy;
    int lastRow = needVertical ? vertical.bounds[(wh - 1) * 2] + vertical.bounds[(wh - 1) * 2 + 1] : wy + wh;
    byte[] current;
    if (needHorizontal) {
      current = horizontal(in, layout, bands, firstRow, lastRow - firstRow, ww,
          coefficients(inWidth, outWidth, filter, wx, ww));
    } else {
      current = new byte[(lastRow - firstRow) * ww * bands];
      for (int y = firstRow, o = 0; y < lastRow; y++) {
        for (int x = wx; x < wx + ww; x++) {
          int p = layout.base + y * layout.scanline + x * layout.pixelStride;
          for (int b = 0; b < bands; b++) {
            current[o++] = in[p + layout.bandOffsets[b]];
          }
        }
      }
    }
    if (needVertical) {
      current = vertical(current, ww * bands, firstRow, wh, vertical);
    }
    return current;
  }

  private static void checkWindow(int outWidth, int outHeight, int wx, int wy, int ww, int wh) {
    if (wx < 0 || wy < 0 || ww < 1 || wh < 1 || wx + ww > outWidth || wy + wh > outHeight) {
      throw new IllegalArgumentException("window " + ww + "x" + wh + "+" + wx + "+" + wy + " is not inside "
          + outWidth + "x" + outHeight);
    }
  }

  /**
   * Where 8-bit samples are in a byte array: band {@code b} of pixel (x, y) is at
   * {@code base + y * scanline + x * pixelStride + bandOffsets[b]}.
   */
  static final class Layout {
    final int base;
    final int scanline;
    final int pixelStride;
    final int[] bandOffsets;

    Layout(int base, int scanline, int pixelStride, int[] bandOffsets) {
      this.base = base;
      this.scanline = scanline;
      this.pixelStride = pixelStride;
      this.bandOffsets = bandOffsets.clone();
    }

    /** Rows of {@code width} pixels of {@code bands} consecutive bytes, from index 0. */
    static Layout interleaved(int width, int bands) {
      int[] offsets = new int[bands];
      for (int b = 0; b < bands; b++) {
        offsets[b] = b;
      }
      return new Layout(0, width * bands, bands, offsets);
    }
  }

  /** Pillow's {@code Image.resize} with NEAREST: {@code ImagingScaleAffine} with {@code fill = 1}. */
  static byte[] nearest(byte[] in, int inWidth, int inHeight, int bands, int outWidth, int outHeight) {
    return nearest(in, inWidth, inHeight, bands, outWidth, outHeight, 0, 0, outWidth, outHeight);
  }

  private static byte[] nearest(byte[] in, int inWidth, int inHeight, int bands, int outWidth, int outHeight,
      int wx, int wy, int ww, int wh) {
    int[] xs = nearestIndices(inWidth, outWidth, wx, ww);
    int[] ys = nearestIndices(inHeight, outHeight, wy, wh);
    byte[] out = new byte[ww * wh * bands];
    for (int y = 0, o = 0; y < wh; y++) {
      int rowIn = ys[y] * inWidth;
      for (int x = 0; x < ww; x++, o += bands) {
        System.arraycopy(in, (rowIn + xs[x]) * bands, out, o, bands);
      }
    }
    return out;
  }

  /**
   * The source index each output pixel {@code start .. start + count - 1} of a NEAREST resize from inSize to outSize
   * samples: Pillow's {@code ImagingScaleAffine} accumulates the position {@code scale / 2 + i * scale} in double
   * from the first pixel, and truncates. (Pillow would leave a pixel whose position fell outside the source black;
   * for a plain resize the positions stay inside, so the index is merely clamped.)
   */
  static int[] nearestIndices(int inSize, int outSize, int start, int count) {
    double scale = (double) inSize / outSize;
    int[] indices = new int[count];
    double pos = scale * 0.5;
    for (int i = 0; i < start + count; i++) {
      if (i >= start) {
        int index = coord(pos);
        indices[i - start] = index < 0 ? 0 : index >= inSize ? inSize - 1 : index;
      }
      pos += scale;
    }
    return indices;
  }

  /** Pillow's {@code COORD}: -1 for negative positions, else truncation. */
  private static int coord(double v) {
    return v < 0.0 ? -1 : (int) v;
  }

  private static byte[] horizontal(byte[] in, Layout layout, int bands, int firstRow, int rows, int outWidth,
      Coefficients c) {
    byte[] out = new byte[outWidth * rows * bands];
    int[] k = c.weights;
    int ksize = c.ksize;
    int[] bounds = c.bounds;
    int step = layout.pixelStride;
    int[] offsets = layout.bandOffsets;
    if (bands == 3) {
      horizontal3(in, layout, firstRow, rows, outWidth, c, out);
      return out;
    }
    for (int y = 0; y < rows; y++) {
      int rowIn = layout.base + (firstRow + y) * layout.scanline;
      int o = y * outWidth * bands;
      if (bands == 4) {
        int o0 = offsets[0];
        int o1 = offsets[1];
        int o2 = offsets[2];
        int o3 = offsets[3];
        for (int xx = 0; xx < outWidth; xx++) {
          int start = rowIn + bounds[xx * 2] * step;
          int n = bounds[xx * 2 + 1];
          int kofs = xx * ksize;
          int s0 = HALF;
          int s1 = HALF;
          int s2 = HALF;
          int s3 = HALF;
          for (int x = 0, i = start; x < n; x++, i += step) {
            int w = k[kofs + x];
            s0 += (in[i + o0] & 0xFF) * w;
            s1 += (in[i + o1] & 0xFF) * w;
            s2 += (in[i + o2] & 0xFF) * w;
            s3 += (in[i + o3] & 0xFF) * w;
          }
          out[o++] = clip8(s0);
          out[o++] = clip8(s1);
          out[o++] = clip8(s2);
          out[o++] = clip8(s3);
        }
      } else {
        for (int xx = 0; xx < outWidth; xx++) {
          int start = rowIn + bounds[xx * 2] * step;
          int n = bounds[xx * 2 + 1];
          int kofs = xx * ksize;
          for (int b = 0; b < bands; b++) {
            int s = HALF;
            for (int x = 0, i = start + offsets[b]; x < n; x++, i += step) {
              s += (in[i] & 0xFF) * k[kofs + x];
            }
            out[o++] = clip8(s);
          }
        }
      }
    }
    return out;
  }

  /**
   * The horizontal pass of 3-band images, two rows at a time: the needed columns of both rows are unpacked into six
   * int planes, then every weight is loaded once for six sums. The arithmetic is Pillow's, term by term.
   */
  private static void horizontal3(byte[] in, Layout layout, int firstRow, int rows, int outWidth, Coefficients c,
      byte[] out) {
    int[] k = c.weights;
    int ksize = c.ksize;
    int[] bounds = c.bounds;
    int step = layout.pixelStride;
    int[] offsets = layout.bandOffsets;
    // the source columns the window's taps read (xmin grows with the output column)
    int xFirst = bounds[0];
    int span = 0;
    for (int xx = 0; xx < outWidth; xx++) {
      span = Math.max(span, bounds[xx * 2] + bounds[xx * 2 + 1] - xFirst);
    }
    int[] a0 = new int[span];
    int[] a1 = new int[span];
    int[] a2 = new int[span];
    int[] b0 = new int[span];
    int[] b1 = new int[span];
    int[] b2 = new int[span];
    for (int y = 0; y < rows; y += 2) {
      boolean pair = y + 1 < rows;
      int rowA = layout.base + (firstRow + y) * layout.scanline + xFirst * step;
      int rowB = pair ? rowA + layout.scanline : rowA;
      unpack(in, rowA, step, offsets, span, a0, a1, a2);
      unpack(in, rowB, step, offsets, span, b0, b1, b2);
      int oa = y * outWidth * 3;
      int ob = oa + outWidth * 3;
      for (int xx = 0; xx < outWidth; xx++) {
        int start = bounds[xx * 2] - xFirst;
        int n = bounds[xx * 2 + 1];
        int kofs = xx * ksize - start;
        int sa0 = HALF;
        int sa1 = HALF;
        int sa2 = HALF;
        int sb0 = HALF;
        int sb1 = HALF;
        int sb2 = HALF;
        for (int x = start, end = start + n; x < end; x++) {
          int w = k[kofs + x];
          sa0 += a0[x] * w;
          sa1 += a1[x] * w;
          sa2 += a2[x] * w;
          sb0 += b0[x] * w;
          sb1 += b1[x] * w;
          sb2 += b2[x] * w;
        }
        out[oa++] = clip8(sa0);
        out[oa++] = clip8(sa1);
        out[oa++] = clip8(sa2);
        if (pair) {
          out[ob++] = clip8(sb0);
          out[ob++] = clip8(sb1);
          out[ob++] = clip8(sb2);
        }
      }
    }
  }

  private static void unpack(byte[] in, int from, int step, int[] offsets, int span, int[] p0, int[] p1, int[] p2) {
    int i0 = from + offsets[0];
    int i1 = from + offsets[1];
    int i2 = from + offsets[2];
    for (int x = 0, i = 0; x < span; x++, i += step) {
      p0[x] = in[i0 + i] & 0xFF;
      p1[x] = in[i1 + i] & 0xFF;
      p2[x] = in[i2 + i] & 0xFF;
    }
  }

  /** Vertical pass; {@code rowOffset} is the source row the first row of {@code in} stands for. */
  private static byte[] vertical(byte[] in, int stride, int rowOffset, int outHeight, Coefficients c) {
    byte[] out = new byte[stride * outHeight];
    int[] acc = new int[stride];
    int[] k = c.weights;
    int ksize = c.ksize;
    for (int yy = 0; yy < outHeight; yy++) {
      int ymin = c.bounds[yy * 2] - rowOffset;
      int n = c.bounds[yy * 2 + 1];
      int kofs = yy * ksize;
      java.util.Arrays.fill(acc, HALF);
      for (int y = 0; y < n; y++) {
        int w = k[kofs + y];
        int rowIn = (ymin + y) * stride;
        for (int i = 0; i < stride; i++) {
          acc[i] += (in[rowIn + i] & 0xFF) * w;
        }
      }
      int o = yy * stride;
      for (int i = 0; i < stride; i++) {
        out[o + i] = clip8(acc[i]);
      }
    }
    return out;
  }

  /** Pillow's {@code clip8}: the fixed-point sum shifted back and clamped to 0..255. */
  private static byte clip8(int sum) {
    int v = sum >> PRECISION_BITS;
    return (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
  }

  /** The table for output pixels {@code start .. start + count - 1} of a resize from inSize to outSize. */
  static Coefficients coefficients(int inSize, int outSize, Resampling filter, int start, int count) {
    TableKey key = new TableKey(inSize, outSize, filter, start, count);
    Coefficients c = TABLES.get(key);
    if (c == null) {
      c = computeCoefficients(inSize, outSize, filter, start, count);
      if (TABLES.size() >= MAX_CACHED_TABLES) {
        TABLES.clear();
      }
      TABLES.put(key, c);
    }
    return c;
  }

  /**
   * Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}, for output pixels
   * {@code start .. start + count - 1} (entry 0 of the table is output pixel {@code start}).
   */
  static Coefficients computeCoefficients(int inSize, int outSize, Resampling filter, int start, int count) {
    double scale = (double) inSize / outSize;
    double filterscale = scale < 1.0 ? 1.0 : scale;
    double support = filter.support() * filterscale;
    int ksize = (int) Math.ceil(support) * 2 + 1;
    int[] bounds = new int[count * 2];
    int[] weights = new int[Math.multiplyExact(count, ksize)];
    double[] k = new double[ksize];
    double ss = 1.0 / filterscale;
    for (int xx = 0; xx < count; xx++) {
      double center = (start + xx + 0.5) * scale;
      double ww = 0.0;
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
        k[x] = w;
        ww += w;
      }
      for (int x = 0; x < xmax; x++) {
        if (ww != 0.0) {
          k[x] /= ww;
        }
      }
      for (int x = 0; x < xmax; x++) {
        double v = k[x] * (1 << PRECISION_BITS);
        weights[xx * ksize + x] = (int) (k[x] < 0 ? -0.5 + v : 0.5 + v);
      }
      bounds[xx * 2] = xmin;
      bounds[xx * 2 + 1] = xmax;
    }
    return new Coefficients(ksize, bounds, weights);
  }

  /** A resampling table: per output pixel the first source pixel, the tap count, and fixed-point weights. */
  static final class Coefficients {
    final int ksize;
    final int[] bounds;
    final int[] weights;

    Coefficients(int ksize, int[] bounds, int[] weights) {
      this.ksize = ksize;
      this.bounds = bounds;
      this.weights = weights;
    }
  }

  private record TableKey(int inSize, int outSize, Resampling filter, int start, int count) {}
}
