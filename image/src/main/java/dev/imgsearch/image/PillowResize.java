package dev.imgsearch.image;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
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
 *
 * <p>The convolution passes are laid out so that HotSpot C2's auto-vectoriser turns their multiply-adds into SIMD
 * code (Java 17 bytecode, no vector API): a pixel's bands are packed into one int (8 bits each), and every
 * multiply-add loop is {@code acc[i] += (src[i] >>> shift & 0xFF) * w} over lanes {@code i} of arrays indexed by
 * {@code i} alone, where all lanes share the weight {@code w}. In the vertical pass the lanes are the columns of an
 * intermediate row; in the horizontal pass they are up to {@value #MAX_LANES} source rows, whose needed columns are
 * first copied into column arrays. The arithmetic is Pillow's, in int32 with wrap-around: only the order in which
 * a sum's terms are added changes, and integer addition is associative and commutative, so the sums are the same.
 * (C2 leaves such a loop scalar when the source index carries an offset, {@code src[off + i]}: it cannot rule out
 * that the source and accumulator arrays overlap. Nor does it vectorise a byte-to-int multiply-add, which is why
 * the intermediate rows are ints.)
 */
final class PillowResize {
  /** Fixed-point precision of the 8-bit coefficients: 32 - 8 - 2, as in Pillow. */
  static final int PRECISION_BITS = 32 - 8 - 2;

  private static final int HALF = 1 << (PRECISION_BITS - 1);
  /**
   * The most source rows the horizontal pass takes at once (the lanes of its vector loops). Long vector loops
   * amortise C2's scalar pre- and post-loops; the block's columns live in a ring of ksize + 1 arrays of this many
   * ints (110 kB for a 12 MP photo shrunk to 224, 55 taps), which stays in the core's L2 cache. Of 256, 384, 512,
   * 768 and 1024, 512 was the fastest both on 640x480 and on 12 MP photos (2026-12, AVX-512, Java 17 and 25).
   */
  private static final int MAX_LANES = 512;
  /** Where band b is in the packed pixels of the intermediate rows: bits 8b .. 8b + 7. */
  private static final int[] BAND_SHIFTS = {0, 8, 16, 24};
  /** Four bytes as one little-endian int: a packed pixel in a single load. */
  private static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
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
   * {@code layout}; the result is interleaved in the layout's band order. 1 to 4 bands (Pillow's 8-bit modes).
   */
  static byte[] resampleWindow(byte[] in, Layout layout, int inWidth, int inHeight, int bands, int outWidth,
      int outHeight, Resampling filter, int wx, int wy, int ww, int wh) {
    checkWindow(outWidth, outHeight, wx, wy, ww, wh);
    if (filter == Resampling.NEAREST) {
      throw new IllegalArgumentException("NEAREST is not a convolution filter");
    }
    if (bands < 1 || bands > 4 || layout.bandOffsets.length != bands) {
      throw new IllegalArgumentException(bands + " bands with " + layout.bandOffsets.length
          + " band offsets: the convolution resize takes 1 to 4 bands");
    }
    boolean needHorizontal = outWidth != inWidth;
    boolean needVertical = outHeight != inHeight;
    Coefficients vertical = needVertical ? coefficients(inHeight, outHeight, filter, wy, wh) : null;
    // As Pillow, only the source rows the vertical pass reads are resampled horizontally.
    int firstRow = needVertical ? vertical.bounds[0] : wy;
    int lastRow = needVertical ? vertical.bounds[(wh - 1) * 2] + vertical.bounds[(wh - 1) * 2 + 1] : wy + wh;
    int rows = lastRow - firstRow;
    int[][] packed = needHorizontal
        ? horizontal(in, layout, bands, firstRow, rows, ww, coefficients(inWidth, outWidth, filter, wx, ww))
        : packedRows(in, layout, bands, firstRow, rows, wx, ww);
    return needVertical ? vertical(packed, bands, firstRow, wh, vertical) : unpack(packed, bands);
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
   *
   * <p>The horizontal pass reads a pixel as one int, band {@code b} in bits {@code shifts[b] .. shifts[b] + 7}: when
   * the bands lie within 4 bytes, the little-endian int at {@code pixel + wordOffset} (one load; the bits of other
   * bytes are ignored), else the bands' bytes put together one by one.
   */
  static final class Layout {
    final int base;
    final int scanline;
    final int pixelStride;
    final int[] bandOffsets;
    /** Whether a pixel's bands lie within the 4 bytes from {@link #wordOffset}, so one int load reads them. */
    final boolean wordReads;
    /** The smallest band offset: where the int read of a pixel starts. */
    final int wordOffset;
    /** Where each band is in a pixel read by {@link #pixel} or as a word. */
    final int[] shifts;

    Layout(int base, int scanline, int pixelStride, int[] bandOffsets) {
      this.base = base;
      this.scanline = scanline;
      this.pixelStride = pixelStride;
      this.bandOffsets = bandOffsets.clone();
      int lo = Integer.MAX_VALUE;
      int hi = Integer.MIN_VALUE;
      for (int offset : bandOffsets) {
        lo = Math.min(lo, offset);
        hi = Math.max(hi, offset);
      }
      wordReads = bandOffsets.length > 0 && hi - lo < 4;
      wordOffset = wordReads ? lo : 0;
      shifts = new int[bandOffsets.length];
      for (int b = 0; b < shifts.length; b++) {
        shifts[b] = wordReads ? 8 * (bandOffsets[b] - lo) : 8 * b;
      }
    }

    /** Rows of {@code width} pixels of {@code bands} consecutive bytes, from index 0. */
    static Layout interleaved(int width, int bands) {
      int[] offsets = new int[bands];
      for (int b = 0; b < bands; b++) {
        offsets[b] = b;
      }
      return new Layout(0, width * bands, bands, offsets);
    }

    /** The pixel whose first byte (band offset 0) is {@code in[p]}, its bands at {@link #shifts}, byte by byte. */
    int pixel(byte[] in, int p) {
      int v = 0;
      for (int b = 0; b < shifts.length; b++) {
        v |= (in[p + bandOffsets[b]] & 0xFF) << shifts[b];
      }
      return v;
    }

    /** The pixel whose first byte is {@code in[p]}, band {@code b} in bits {@code 8b .. 8b + 7}. */
    int packed(byte[] in, int p) {
      int v = 0;
      for (int b = 0; b < bandOffsets.length; b++) {
        v |= (in[p + bandOffsets[b]] & 0xFF) << (8 * b);
      }
      return v;
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

  /**
   * The horizontal pass over source rows {@code firstRow .. firstRow + rows - 1}: one int array per output row, each
   * output pixel packed (band {@code b} in bits {@code 8b .. 8b + 7}), ready for {@link #vertical}.
   *
   * <p>The rows are taken in blocks of up to {@value #MAX_LANES} (of balanced sizes, so that no block is left with a
   * few rows and short loops). In a block, the source columns are copied as packed pixels into column arrays
   * ({@code column[r]}: the pixel of the block's row r) as the output columns come to need them. The taps of
   * successive output columns only move right, and an output column has at most ksize of them, so a ring of
   * {@code ksize + 1} column arrays suffices (one more for the column copied ahead with its neighbour). Each output
   * column is then the vectorised loop of {@link #accumulate} over the block's rows; its clipped sums go to a column
   * array of the block's output, which is transposed into the output rows at the end of the block (writing each
   * output row whole is faster than writing one int into each of the block's rows per output column).
   */
  private static int[][] horizontal(byte[] in, Layout layout, int bands, int firstRow, int rows, int outWidth,
      Coefficients c) {
    int[][] out = new int[rows][outWidth];
    int[] bounds = c.bounds;
    int ksize = c.ksize;
    // the source columns the output columns read: from the first's xmin to the last's xmax (both only grow)
    int xEnd = bounds[(outWidth - 1) * 2] + bounds[(outWidth - 1) * 2 + 1];
    int blocks = (rows + MAX_LANES - 1) / MAX_LANES;
    int lanes = (rows + blocks - 1) / blocks;
    // Source column x is in ring[x % size] and, the same array, in ring[x % size + size]: an output column's taps
    // are then consecutive entries of ring from its first column's slot on.
    int size = ksize + 1;
    int[][] ring = new int[2 * size][];
    for (int i = 0; i < size; i++) {
      ring[i] = new int[lanes];
      ring[i + size] = ring[i];
    }
    int[][] acc = new int[bands][lanes];
    int[][] columns = new int[outWidth][lanes];
    for (int y0 = 0; y0 < rows; y0 += lanes) {
      int n = Math.min(lanes, rows - y0);
      int rowStart = layout.base + (firstRow + y0) * layout.scanline;
      int copied = bounds[0]; // the source columns bounds[0] .. copied - 1 are in the ring
      for (int xx = 0; xx < outWidth; xx++) {
        int xmin = bounds[xx * 2];
        int taps = bounds[xx * 2 + 1];
        for (; copied < xmin + taps; copied += 2) {
          copyColumns(in, layout, rowStart, n, copied, ring[copied % size],
              copied + 1 < xEnd ? ring[(copied + 1) % size] : null);
        }
        accumulate(ring, xmin % size, taps, c.weights, xx * ksize, layout.shifts, acc, bands, n);
        clip(acc, bands, columns[xx], n);
      }
      for (int r = 0; r < n; r++) {
        int[] row = out[y0 + r];
        for (int xx = 0; xx < outWidth; xx++) {
          row[xx] = columns[xx][r];
        }
      }
    }
    return out;
  }

  /**
   * Source column {@code x} of the {@code n} rows from byte index {@code rowStart} (the first one's pixel 0) into
   * {@code c0}, packed as {@link Layout#shifts} say, and column {@code x + 1} into {@code c1} unless it is null. Two
   * columns at a time, because the second pixel of a row is mostly in the cache line just read: that nearly halves
   * the time per pixel of this copy, whose reads stride across the rows.
   */
  private static void copyColumns(byte[] in, Layout layout, int rowStart, int n, int x, int[] c0, int[] c1) {
    int step = layout.pixelStride;
    int scan = layout.scanline;
    int p = rowStart + x * step;
    int lastWord = p + (n - 1) * scan + (c1 == null ? 0 : step) + layout.wordOffset;
    if (layout.wordReads && lastWord + 4 <= in.length) {
      int q = p + layout.wordOffset;
      if (c1 == null) {
        for (int r = 0; r < n; r++, q += scan) {
          c0[r] = (int) INT_LE.get(in, q);
        }
      } else {
        for (int r = 0; r < n; r++, q += scan) {
          c0[r] = (int) INT_LE.get(in, q);
          c1[r] = (int) INT_LE.get(in, q + step);
        }
      }
    } else {
      // the bands spread over more than 4 bytes, or a 4-byte read of the last pixels would run past the array
      for (int r = 0; r < n; r++, p += scan) {
        c0[r] = layout.pixel(in, p);
        if (c1 != null) {
          c1[r] = layout.pixel(in, p + step);
        }
      }
    }
  }

  /**
   * The multiply-adds of both passes: for each band b, {@code acc[b][i] = HALF + sum over t < taps of
   * (src[first + t][i] >>> shifts[b] & 0xFF) * k[kofs + t]} for lanes {@code i < n}, in int32 as Pillow. The inner
   * loops index every array by {@code i} alone, which C2 vectorises. Three and four bands are summed in one loop
   * (each source int is loaded once for all its bands: 1.2x faster than a loop per band on a 12 MP photo).
   */
  private static void accumulate(int[][] src, int first, int taps, int[] k, int kofs, int[] shifts, int[][] acc,
      int bands, int n) {
    for (int[] a : acc) {
      Arrays.fill(a, 0, n, HALF);
    }
    if (bands == 3) {
      accumulate3(src, first, taps, k, kofs, shifts, acc, n);
    } else if (bands == 4) {
      accumulate4(src, first, taps, k, kofs, shifts, acc, n);
    } else {
      for (int b = 0; b < bands; b++) {
        accumulate1(src, first, taps, k, kofs, shifts[b], acc[b], n);
      }
    }
  }

  private static void accumulate1(int[][] src, int first, int taps, int[] k, int kofs, int shift, int[] acc, int n) {
    for (int t = 0; t < taps; t++) {
      int[] s = src[first + t];
      int w = k[kofs + t];
      for (int i = 0; i < n; i++) {
        acc[i] += (s[i] >>> shift & 0xFF) * w;
      }
    }
  }

  private static void accumulate3(int[][] src, int first, int taps, int[] k, int kofs, int[] shifts, int[][] acc,
      int n) {
    int[] a0 = acc[0];
    int[] a1 = acc[1];
    int[] a2 = acc[2];
    int s0 = shifts[0];
    int s1 = shifts[1];
    int s2 = shifts[2];
    for (int t = 0; t < taps; t++) {
      int[] s = src[first + t];
      int w = k[kofs + t];
      for (int i = 0; i < n; i++) {
        int v = s[i];
        a0[i] += (v >>> s0 & 0xFF) * w;
        a1[i] += (v >>> s1 & 0xFF) * w;
        a2[i] += (v >>> s2 & 0xFF) * w;
      }
    }
  }

  private static void accumulate4(int[][] src, int first, int taps, int[] k, int kofs, int[] shifts, int[][] acc,
      int n) {
    int[] a0 = acc[0];
    int[] a1 = acc[1];
    int[] a2 = acc[2];
    int[] a3 = acc[3];
    int s0 = shifts[0];
    int s1 = shifts[1];
    int s2 = shifts[2];
    int s3 = shifts[3];
    for (int t = 0; t < taps; t++) {
      int[] s = src[first + t];
      int w = k[kofs + t];
      for (int i = 0; i < n; i++) {
        int v = s[i];
        a0[i] += (v >>> s0 & 0xFF) * w;
        a1[i] += (v >>> s1 & 0xFF) * w;
        a2[i] += (v >>> s2 & 0xFF) * w;
        a3[i] += (v >>> s3 & 0xFF) * w;
      }
    }
  }

  /** {@code packed[i]} = the clipped sums {@code acc[b][i]}, band {@code b} in bits {@code 8b .. 8b + 7}. */
  private static void clip(int[][] acc, int bands, int[] packed, int n) {
    int[] a0 = acc[0];
    int[] a1 = acc[Math.min(1, bands - 1)];
    int[] a2 = acc[Math.min(2, bands - 1)];
    int[] a3 = acc[bands - 1];
    switch (bands) {
      case 1:
        for (int i = 0; i < n; i++) {
          packed[i] = clip8(a0[i]);
        }
        break;
      case 2:
        for (int i = 0; i < n; i++) {
          packed[i] = clip8(a0[i]) | clip8(a1[i]) << 8;
        }
        break;
      case 3:
        for (int i = 0; i < n; i++) {
          packed[i] = clip8(a0[i]) | clip8(a1[i]) << 8 | clip8(a2[i]) << 16;
        }
        break;
      default:
        for (int i = 0; i < n; i++) {
          packed[i] = clip8(a0[i]) | clip8(a1[i]) << 8 | clip8(a2[i]) << 16 | clip8(a3[i]) << 24;
        }
        break;
    }
  }

  /**
   * Vertical pass over packed rows; {@code rowOffset} is the source row that {@code rows[0]} stands for. The lanes
   * of {@link #accumulate} are the row's pixels.
   */
  private static byte[] vertical(int[][] rows, int bands, int rowOffset, int outHeight, Coefficients c) {
    int width = rows[0].length;
    byte[] out = new byte[outHeight * width * bands];
    int[][] acc = new int[bands][width];
    int[] packed = new int[width];
    for (int yy = 0, o = 0; yy < outHeight; yy++) {
      accumulate(rows, c.bounds[yy * 2] - rowOffset, c.bounds[yy * 2 + 1], c.weights, yy * c.ksize, BAND_SHIFTS,
          acc, bands, width);
      clip(acc, bands, packed, width);
      o = unpack(packed, bands, out, o);
    }
    return out;
  }

  /** The window's columns of source rows {@code firstRow ..} as packed rows, when there is no horizontal pass. */
  private static int[][] packedRows(byte[] in, Layout layout, int bands, int firstRow, int rows, int wx, int ww) {
    int[][] out = new int[rows][ww];
    for (int y = 0; y < rows; y++) {
      int p = layout.base + (firstRow + y) * layout.scanline + wx * layout.pixelStride;
      for (int x = 0; x < ww; x++, p += layout.pixelStride) {
        out[y][x] = layout.packed(in, p);
      }
    }
    return out;
  }

  /** Packed rows as interleaved bytes, when there is no vertical pass. */
  private static byte[] unpack(int[][] rows, int bands) {
    byte[] out = new byte[rows.length * rows[0].length * bands];
    for (int y = 0, o = 0; y < rows.length; y++) {
      o = unpack(rows[y], bands, out, o);
    }
    return out;
  }

  /** Packed pixels as interleaved bytes from {@code out[o]}; returns the index after the last byte written. */
  private static int unpack(int[] packed, int bands, byte[] out, int o) {
    switch (bands) {
      case 1:
        for (int v : packed) {
          out[o++] = (byte) v;
        }
        break;
      case 2:
        for (int v : packed) {
          out[o++] = (byte) v;
          out[o++] = (byte) (v >>> 8);
        }
        break;
      case 3:
        for (int v : packed) {
          out[o++] = (byte) v;
          out[o++] = (byte) (v >>> 8);
          out[o++] = (byte) (v >>> 16);
        }
        break;
      default:
        for (int v : packed) {
          out[o++] = (byte) v;
          out[o++] = (byte) (v >>> 8);
          out[o++] = (byte) (v >>> 16);
          out[o++] = (byte) (v >>> 24);
        }
        break;
    }
    return o;
  }

  /**
   * Pillow's {@code clip8}: the fixed-point sum shifted back and clamped to 0..255, without branches (written so that
   * C2 vectorises it in {@link #clip} on Java 17 as well, where it leaves {@code Math.min}/{@code max} loops scalar).
   */
  static int clip8(int sum) {
    int v = sum >> PRECISION_BITS;
    v &= ~(v >> 31); // negative: 0
    return (v | (255 - v) >> 31) & 0xFF; // above 255: all ones, then 255
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
