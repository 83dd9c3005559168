package dev.imgsearch.core.image;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Pillow's resize on 8-bit interleaved pixels, bit for bit: the convolution resampling of {@code Resample.c}
 * (coefficients in double, normalised to {@value #PRECISION_BITS}-bit fixed point, a horizontal pass then a
 * vertical pass with clipping to uint8 in between) and the nearest-neighbour path of {@code Geometry.c}
 * ({@code ImagingScaleAffine}: the source is sampled at each output pixel's centre, positions accumulated in double).
 *
 * <p>Written from Pillow 11.3's C sources as the specification; stateless and thread-safe. The coefficient tables
 * depend only on (input size, output size, filter) and are cached.
 */
final class PillowResize {
  /** Fixed-point precision of the 8-bit coefficients: 32 - 8 - 2, as in Pillow. */
  static final int PRECISION_BITS = 32 - 8 - 2;

  private static final int HALF = 1 << (PRECISION_BITS - 1);
  private static final int MAX_CACHED_TABLES = 256;
  private static final Map<TableKey, Coefficients> TABLES = new ConcurrentHashMap<>();

  private PillowResize() {}

  /**
   * Resizes {@code in} ({@code inWidth x inHeight} pixels of {@code bands} interleaved bytes) with a convolution
   * filter, as Pillow's {@code ImagingResample} with the whole image as the box.
   */
  static byte[] resample(byte[] in, int inWidth, int inHeight, int bands, int outWidth, int outHeight,
      Resampling filter) {
    if (filter == Resampling.NEAREST) {
      return nearest(in, inWidth, inHeight, bands, outWidth, outHeight);
    }
    boolean needHorizontal = outWidth != inWidth;
    boolean needVertical = outHeight != inHeight;
    if (!needHorizontal && !needVertical) {
      return in.clone();
    }
    Coefficients vertical = coefficients(inHeight, outHeight, filter);
    byte[] current = in;
    int currentHeight = inHeight;
    int firstRow = 0;
    if (needHorizontal) {
      // As Pillow, only the source rows the vertical pass reads are resampled horizontally.
      int lastRow = inHeight;
      if (needVertical) {
        firstRow = vertical.bounds[0];
        lastRow = vertical.bounds[(outHeight - 1) * 2] + vertical.bounds[(outHeight - 1) * 2 + 1];
      }
      current = horizontal(in, inWidth, bands, firstRow, lastRow - firstRow, outWidth,
          coefficients(inWidth, outWidth, filter));
      currentHeight = lastRow - firstRow;
    }
    if (needVertical) {
      current = vertical(current, outWidth * bands, currentHeight, firstRow, outHeight, vertical);
    }
    return current;
  }

  /** Pillow's {@code Image.resize} with NEAREST: {@code ImagingScaleAffine} with {@code fill = 1}. */
  static byte[] nearest(byte[] in, int inWidth, int inHeight, int bands, int outWidth, int outHeight) {
    double scaleX = (double) inWidth / outWidth;
    double scaleY = (double) inHeight / outHeight;
    int[] xin = new int[outWidth];
    int xmin = outWidth;
    int xmax = 0;
    double xo = scaleX * 0.5;
    for (int x = 0; x < outWidth; x++) {
      int xi = coord(xo);
      if (xi >= 0 && xi < inWidth) {
        xmax = x + 1;
        if (x < xmin) {
          xmin = x;
        }
        xin[x] = xi * bands;
      }
      xo += scaleX;
    }
    byte[] out = new byte[outWidth * outHeight * bands];
    double yo = scaleY * 0.5;
    int inStride = inWidth * bands;
    for (int y = 0; y < outHeight; y++) {
      int yi = coord(yo);
      if (yi >= 0 && yi < inHeight) {
        int rowIn = yi * inStride;
        int o = (y * outWidth + xmin) * bands;
        for (int x = xmin; x < xmax; x++) {
          int i = rowIn + xin[x];
          for (int b = 0; b < bands; b++) {
            out[o++] = in[i + b];
          }
        }
      }
      yo += scaleY;
    }
    return out;
  }

  /** Pillow's {@code COORD}: -1 for negative positions, else truncation. */
  private static int coord(double v) {
    return v < 0.0 ? -1 : (int) v;
  }

  private static byte[] horizontal(byte[] in, int inWidth, int bands, int firstRow, int rows, int outWidth,
      Coefficients c) {
    byte[] out = new byte[outWidth * rows * bands];
    int inStride = inWidth * bands;
    int[] k = c.weights;
    int ksize = c.ksize;
    int[] bounds = c.bounds;
    for (int y = 0; y < rows; y++) {
      int rowIn = (firstRow + y) * inStride;
      int o = y * outWidth * bands;
      if (bands == 3) {
        for (int xx = 0; xx < outWidth; xx++) {
          int start = rowIn + bounds[xx * 2] * 3;
          int n = bounds[xx * 2 + 1];
          int kofs = xx * ksize;
          int s0 = HALF;
          int s1 = HALF;
          int s2 = HALF;
          for (int x = 0, i = start; x < n; x++, i += 3) {
            int w = k[kofs + x];
            s0 += (in[i] & 0xFF) * w;
            s1 += (in[i + 1] & 0xFF) * w;
            s2 += (in[i + 2] & 0xFF) * w;
          }
          out[o++] = clip8(s0);
          out[o++] = clip8(s1);
          out[o++] = clip8(s2);
        }
      } else if (bands == 4) {
        for (int xx = 0; xx < outWidth; xx++) {
          int start = rowIn + bounds[xx * 2] * 4;
          int n = bounds[xx * 2 + 1];
          int kofs = xx * ksize;
          int s0 = HALF;
          int s1 = HALF;
          int s2 = HALF;
          int s3 = HALF;
          for (int x = 0, i = start; x < n; x++, i += 4) {
            int w = k[kofs + x];
            s0 += (in[i] & 0xFF) * w;
            s1 += (in[i + 1] & 0xFF) * w;
            s2 += (in[i + 2] & 0xFF) * w;
            s3 += (in[i + 3] & 0xFF) * w;
          }
          out[o++] = clip8(s0);
          out[o++] = clip8(s1);
          out[o++] = clip8(s2);
          out[o++] = clip8(s3);
        }
      } else {
        for (int xx = 0; xx < outWidth; xx++) {
          int start = rowIn + bounds[xx * 2] * bands;
          int n = bounds[xx * 2 + 1];
          int kofs = xx * ksize;
          for (int b = 0; b < bands; b++) {
            int s = HALF;
            for (int x = 0, i = start + b; x < n; x++, i += bands) {
              s += (in[i] & 0xFF) * k[kofs + x];
            }
            out[o++] = clip8(s);
          }
        }
      }
    }
    return out;
  }

  /** Vertical pass; {@code rowOffset} is the source row the first row of {@code in} stands for. */
  private static byte[] vertical(byte[] in, int stride, int inRows, int rowOffset, int outHeight, Coefficients c) {
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

  static Coefficients coefficients(int inSize, int outSize, Resampling filter) {
    TableKey key = new TableKey(inSize, outSize, filter);
    Coefficients c = TABLES.get(key);
    if (c == null) {
      c = computeCoefficients(inSize, outSize, filter);
      if (TABLES.size() >= MAX_CACHED_TABLES) {
        TABLES.clear();
      }
      TABLES.put(key, c);
    }
    return c;
  }

  /** Pillow's {@code precompute_coeffs} followed by {@code normalize_coeffs_8bpc}. */
  static Coefficients computeCoefficients(int inSize, int outSize, Resampling filter) {
    double scale = (double) inSize / outSize;
    double filterscale = scale < 1.0 ? 1.0 : scale;
    double support = filter.support() * filterscale;
    int ksize = (int) Math.ceil(support) * 2 + 1;
    int[] bounds = new int[outSize * 2];
    int[] weights = new int[outSize * ksize];
    double[] k = new double[ksize];
    double ss = 1.0 / filterscale;
    for (int xx = 0; xx < outSize; xx++) {
      double center = (xx + 0.5) * scale;
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

  private record TableKey(int inSize, int outSize, Resampling filter) {}
}
