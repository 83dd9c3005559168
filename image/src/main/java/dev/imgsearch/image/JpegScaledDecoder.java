package dev.imgsearch.image;

import dev.imgsearch.image.JpegCoefficients.Component;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;

/**
 * Decodes a JPEG at 1/2, 1/4 or 1/8 of its size in the DCT domain, as libjpeg-turbo does for
 * {@code scale_num = 1, scale_denom = 2, 4, 8} (what Pillow's {@code Image.draft} asks for): the coefficients come
 * from {@link JpegCoefficients}; each block goes through libjpeg's reduced-size inverse DCT ({@code jidctred.c}:
 * 4x4, 2x2 or 1x1 outputs, the 1x1 being the rounded DC average) or, for chroma that libjpeg scales up in the IDCT
 * instead of upsampling it, the full 8x8 one ({@code jidctint.c}, "islow"); then chroma upsampling
 * ({@code jdsample.c}: none, or h2v1 "fancy" triangle filtering, or replication at 1/8) and the integer YCbCr to
 * RGB conversion ({@code jdcolor.c}). The arithmetic is libjpeg's, so the pixels are meant to be the ones Pillow's
 * {@code draft} gives; {@code JpegScaledDecoderTest} measures the difference against Pillow 11.3 references.
 *
 * <p>Handles Huffman-coded 8-bit JPEGs, baseline or progressive (fully refined), with one component (grey) or three
 * (YCbCr), whose chroma sampling libjpeg handles at the reduced size without context rows: 4:4:4, 4:2:0 and 4:2:2
 * (and their vertical variants where the IDCT scales the chroma to full size). Anything else gives {@code null}.
 */
final class JpegScaledDecoder {
  private JpegScaledDecoder() {}

  private static final int CONST_BITS = 13;
  private static final int PASS1_BITS = 2;
  /** libjpeg's post-IDCT range limit: {@code RANGE[x & 1023]} clamps x + 128 to 0..255 (wrapping far outside). */
  private static final byte[] RANGE = new byte[1024];

  static {
    for (int i = 0; i < 1024; i++) {
      int x = i < 512 ? i : i - 1024;
      RANGE[i] = (byte) Math.max(0, Math.min(255, x + 128));
    }
  }

  /**
   * The largest of 8, 4, 2 and 1 that keeps a {@code width x height} image at least {@code minWidth x minHeight}
   * after dividing it (rounded up) by that factor: Pillow's {@code JpegImageFile.draft} rule,
   * {@code min(width // minWidth, height // minHeight)} rounded down to a power of two up to 8.
   */
  static int scaleFor(int width, int height, int minWidth, int minHeight) {
    int scale = Math.min(width / Math.max(1, minWidth), height / Math.max(1, minHeight));
    for (int s : new int[] {8, 4, 2}) {
      if (scale >= s) {
        return s;
      }
    }
    return 1;
  }

  /**
   * The image decoded at {@code 1/scale} of its size ({@code ceil(width / scale) x ceil(height / scale)}): a grey
   * image for one component, else an RGB image (bytes in R, G, B order) tagged with {@code rgbSpace}; null when the
   * file is not one this class handles.
   *
   * @param scale 2, 4 or 8
   */
  static BufferedImage decode(byte[] jpeg, int scale, ColorSpace rgbSpace) {
    if (scale != 2 && scale != 4 && scale != 8) {
      throw new IllegalArgumentException("scale must be 2, 4 or 8, got " + scale);
    }
    JpegCoefficients coefficients;
    try {
      coefficients = JpegCoefficients.read(jpeg);
    } catch (JpegCoefficients.Unsupported e) {
      return null;
    }
    return decode(coefficients, scale, rgbSpace);
  }

  static BufferedImage decode(JpegCoefficients jpeg, int scale, ColorSpace rgbSpace) {
    int n = jpeg.comps.length;
    if ((n != 1 && n != 3) || !jpeg.fullyRefined()) {
      return null;
    }
    int minSize = 8 / scale;
    int outWidth = JpegCoefficients.ceilDiv(jpeg.width, scale);
    int outHeight = JpegCoefficients.ceilDiv(jpeg.height, scale);
    byte[][] planes = new byte[n][];
    int[] strides = new int[n];
    int[] widths = new int[n];
    boolean[] h2v1 = new boolean[n];
    for (int ci = 0; ci < n; ci++) {
      Component c = jpeg.comps[ci];
      // jdmaster.c: scale chroma up in the IDCT rather than upsampling it, where the sampling factors allow
      int size = minSize;
      while (size < 8 && (jpeg.hmax * minSize) % (c.h * size * 2) == 0
          && (jpeg.vmax * minSize) % (c.v * size * 2) == 0) {
        size *= 2;
      }
      int hIn = c.h * size / minSize;
      int vIn = c.v * size / minSize;
      if (vIn != jpeg.vmax || (hIn != jpeg.hmax && hIn * 2 != jpeg.hmax)) {
        return null; // upsampling that needs context rows or integral factors: left to the exact path
      }
      h2v1[ci] = hIn != jpeg.hmax;
      // jdmaster.c: downsampled_width = ceil(image_width * h * size / (hmax * 8))
      widths[ci] = (int) JpegCoefficients.ceilDiv(jpeg.width * c.h * size, jpeg.hmax * 8);
      strides[ci] = c.blocksPerLine * size;
      planes[ci] = idct(c, jpeg.quant[c.tq], size);
    }
    if (n == 1) {
      BufferedImage gray = new BufferedImage(outWidth, outHeight, BufferedImage.TYPE_BYTE_GRAY);
      byte[] out = ((DataBufferByte) gray.getRaster().getDataBuffer()).getData();
      for (int y = 0; y < outHeight; y++) {
        System.arraycopy(planes[0], y * strides[0], out, y * outWidth, outWidth);
      }
      return gray;
    }
    byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(outWidth, outHeight), 3)];
    byte[][] rows = new byte[3][];
    int[] offsets = new int[3];
    byte[][] upsampled = new byte[3][];
    for (int ci = 0; ci < 3; ci++) {
      if (h2v1[ci]) {
        upsampled[ci] = new byte[outWidth + 1];
      }
    }
    boolean fancy = minSize > 1;
    for (int y = 0; y < outHeight; y++) {
      for (int ci = 0; ci < 3; ci++) {
        if (h2v1[ci]) {
          upsampleH2v1(planes[ci], y * strides[ci], widths[ci], fancy, upsampled[ci]);
          rows[ci] = upsampled[ci];
          offsets[ci] = 0;
        } else {
          rows[ci] = planes[ci];
          offsets[ci] = y * strides[ci];
        }
      }
      JpegSupport.yccToRgb(rows[0], offsets[0], rows[1], offsets[1], rows[2], offsets[2], rgb, y * outWidth * 3,
          outWidth);
    }
    ComponentColorModel model = new ComponentColorModel(
        rgbSpace != null ? rgbSpace : ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false, Transparency.OPAQUE,
        DataBuffer.TYPE_BYTE);
    WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(rgb, rgb.length), outWidth, outHeight,
        outWidth * 3, 3, new int[] {0, 1, 2}, null);
    return new BufferedImage(model, raster, false, null);
  }

  /**
   * libjpeg's h2v1 upsampling of one row of {@code width} samples into {@code 2 * width}: "fancy" (3/4 of the nearer
   * sample, 1/4 of the further, alternately rounding down and up; the end samples copied), or, when libjpeg does not
   * use it (1/8 scale, rows of at most 2 samples), replication.
   */
  static void upsampleH2v1(byte[] in, int offset, int width, boolean fancy, byte[] out) {
    if (!fancy || width <= 2) {
      for (int x = 0; x < width; x++) {
        byte v = in[offset + x];
        out[2 * x] = v;
        out[2 * x + 1] = v;
      }
      return;
    }
    int o = 0;
    int p = offset;
    int value = in[p++] & 0xFF;
    out[o++] = (byte) value;
    out[o++] = (byte) ((value * 3 + (in[p] & 0xFF) + 2) >> 2);
    for (int col = width - 2; col > 0; col--) {
      value = (in[p++] & 0xFF) * 3;
      out[o++] = (byte) ((value + (in[p - 2] & 0xFF) + 1) >> 2);
      out[o++] = (byte) ((value + (in[p] & 0xFF) + 2) >> 2);
    }
    value = in[p] & 0xFF;
    out[o++] = (byte) ((value * 3 + (in[p - 1] & 0xFF) + 1) >> 2);
    out[o] = (byte) value;
  }

  /** The component's samples, {@code size x size} per block, for every block holding image data. */
  private static byte[] idct(Component c, int[] zigzagQuant, int size) {
    int[] quant = new int[64];
    for (int i = 0; i < 64; i++) {
      quant[i] = zigzagQuant[JpegCoefficients.ZIGZAG[i]];
    }
    int stride = c.blocksPerLine * size;
    byte[] plane = new byte[Math.multiplyExact(stride, c.blocksPerColumn * size)];
    int[] block = new int[64];
    int[] workspace = new int[64];
    short[] coefs = c.coefs;
    for (int by = 0; by < c.blocksPerColumn; by++) {
      for (int bx = 0; bx < c.blocksPerLine; bx++) {
        int index = by * c.blocksPerLineMcu + bx;
        int b = index * 64;
        int out = by * size * stride + bx * size;
        if (size == 1) {
          // jpeg_idct_1x1: the rounded DC average, whatever the AC terms
          plane[out] = RANGE[((coefs[b] * quant[0] + 4) >> 3) & 1023];
          continue;
        }
        if (c.nonZero[index] == 0) {
          // DC only: every output sample is the rounded DC average (all of libjpeg's IDCTs agree on this)
          int dc = coefs[b] * quant[0];
          byte v = RANGE[((dc + 4) >> 3) & 1023];
          for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
              plane[out + y * stride + x] = v;
            }
          }
          continue;
        }
        for (int i = 0; i < 64; i++) {
          block[i] = coefs[b + JpegCoefficients.ZIGZAG[i]] * quant[i];
        }
        switch (size) {
          case 8 -> idctIslow(block, workspace, plane, out, stride);
          case 4 -> idct4x4(block, workspace, plane, out, stride);
          case 2 -> idct2x2(block, workspace, plane, out, stride);
          default -> plane[out] = RANGE[((block[0] + 4) >> 3) & 1023];
        }
      }
    }
    return plane;
  }

  private static int descale(long x, int n) {
    return (int) ((x + (1L << (n - 1))) >> n);
  }

  /** jidctred.c jpeg_idct_4x4, on dequantized coefficients in natural order. */
  static void idct4x4(int[] in, int[] ws, byte[] out, int offset, int stride) {
    for (int col = 0; col < 8; col++) {
      if (col == 4) {
        continue; // the second pass does not use column 4
      }
      if (in[8 + col] == 0 && in[16 + col] == 0 && in[24 + col] == 0 && in[40 + col] == 0 && in[48 + col] == 0
          && in[56 + col] == 0) {
        int dcval = in[col] << PASS1_BITS;
        ws[col] = dcval;
        ws[8 + col] = dcval;
        ws[16 + col] = dcval;
        ws[24 + col] = dcval;
        continue;
      }
      long tmp0 = (long) in[col] << (CONST_BITS + 1);
      long tmp2 = in[16 + col] * 15137L + in[48 + col] * -6270L;
      long tmp10 = tmp0 + tmp2;
      long tmp12 = tmp0 - tmp2;
      long z1 = in[56 + col];
      long z2 = in[40 + col];
      long z3 = in[24 + col];
      long z4 = in[8 + col];
      tmp0 = z1 * -1730L + z2 * 11893L + z3 * -17799L + z4 * 8697L;
      tmp2 = z1 * -4176L + z2 * -4926L + z3 * 7373L + z4 * 20995L;
      ws[col] = descale(tmp10 + tmp2, CONST_BITS - PASS1_BITS + 1);
      ws[24 + col] = descale(tmp10 - tmp2, CONST_BITS - PASS1_BITS + 1);
      ws[8 + col] = descale(tmp12 + tmp0, CONST_BITS - PASS1_BITS + 1);
      ws[16 + col] = descale(tmp12 - tmp0, CONST_BITS - PASS1_BITS + 1);
    }
    for (int row = 0; row < 4; row++) {
      int w = row * 8;
      int o = offset + row * stride;
      if (ws[w + 1] == 0 && ws[w + 2] == 0 && ws[w + 3] == 0 && ws[w + 5] == 0 && ws[w + 6] == 0
          && ws[w + 7] == 0) {
        byte dcval = RANGE[descale(ws[w], PASS1_BITS + 3) & 1023];
        out[o] = dcval;
        out[o + 1] = dcval;
        out[o + 2] = dcval;
        out[o + 3] = dcval;
        continue;
      }
      long tmp0 = (long) ws[w] << (CONST_BITS + 1);
      long tmp2 = ws[w + 2] * 15137L + ws[w + 6] * -6270L;
      long tmp10 = tmp0 + tmp2;
      long tmp12 = tmp0 - tmp2;
      long z1 = ws[w + 7];
      long z2 = ws[w + 5];
      long z3 = ws[w + 3];
      long z4 = ws[w + 1];
      tmp0 = z1 * -1730L + z2 * 11893L + z3 * -17799L + z4 * 8697L;
      tmp2 = z1 * -4176L + z2 * -4926L + z3 * 7373L + z4 * 20995L;
      int shift = CONST_BITS + PASS1_BITS + 3 + 1;
      out[o] = RANGE[descale(tmp10 + tmp2, shift) & 1023];
      out[o + 3] = RANGE[descale(tmp10 - tmp2, shift) & 1023];
      out[o + 1] = RANGE[descale(tmp12 + tmp0, shift) & 1023];
      out[o + 2] = RANGE[descale(tmp12 - tmp0, shift) & 1023];
    }
  }

  /** jidctred.c jpeg_idct_2x2, on dequantized coefficients in natural order. */
  static void idct2x2(int[] in, int[] ws, byte[] out, int offset, int stride) {
    for (int col = 0; col < 8; col++) {
      if (col == 2 || col == 4 || col == 6) {
        continue;
      }
      if (in[8 + col] == 0 && in[24 + col] == 0 && in[40 + col] == 0 && in[56 + col] == 0) {
        int dcval = in[col] << PASS1_BITS;
        ws[col] = dcval;
        ws[8 + col] = dcval;
        continue;
      }
      long tmp10 = (long) in[col] << (CONST_BITS + 2);
      long tmp0 = in[56 + col] * -5906L + in[40 + col] * 6967L + in[24 + col] * -10426L + in[8 + col] * 29692L;
      ws[col] = descale(tmp10 + tmp0, CONST_BITS - PASS1_BITS + 2);
      ws[8 + col] = descale(tmp10 - tmp0, CONST_BITS - PASS1_BITS + 2);
    }
    for (int row = 0; row < 2; row++) {
      int w = row * 8;
      int o = offset + row * stride;
      if (ws[w + 1] == 0 && ws[w + 3] == 0 && ws[w + 5] == 0 && ws[w + 7] == 0) {
        byte dcval = RANGE[descale(ws[w], PASS1_BITS + 3) & 1023];
        out[o] = dcval;
        out[o + 1] = dcval;
        continue;
      }
      long tmp10 = (long) ws[w] << (CONST_BITS + 2);
      long tmp0 = ws[w + 7] * -5906L + ws[w + 5] * 6967L + ws[w + 3] * -10426L + ws[w + 1] * 29692L;
      int shift = CONST_BITS + PASS1_BITS + 3 + 2;
      out[o] = RANGE[descale(tmp10 + tmp0, shift) & 1023];
      out[o + 1] = RANGE[descale(tmp10 - tmp0, shift) & 1023];
    }
  }

  /** jidctint.c jpeg_idct_islow, on dequantized coefficients in natural order. */
  static void idctIslow(int[] in, int[] ws, byte[] out, int offset, int stride) {
    for (int col = 0; col < 8; col++) {
      if (in[8 + col] == 0 && in[16 + col] == 0 && in[24 + col] == 0 && in[32 + col] == 0 && in[40 + col] == 0
          && in[48 + col] == 0 && in[56 + col] == 0) {
        int dcval = in[col] << PASS1_BITS;
        for (int r = 0; r < 64; r += 8) {
          ws[r + col] = dcval;
        }
        continue;
      }
      long z2 = in[16 + col];
      long z3 = in[48 + col];
      long z1 = (z2 + z3) * 4433L;
      long tmp2 = z1 + z3 * -15137L;
      long tmp3 = z1 + z2 * 6270L;
      z2 = in[col];
      z3 = in[32 + col];
      long tmp0 = (z2 + z3) << CONST_BITS;
      long tmp1 = (z2 - z3) << CONST_BITS;
      long tmp10 = tmp0 + tmp3;
      long tmp13 = tmp0 - tmp3;
      long tmp11 = tmp1 + tmp2;
      long tmp12 = tmp1 - tmp2;
      tmp0 = in[56 + col];
      tmp1 = in[40 + col];
      tmp2 = in[24 + col];
      tmp3 = in[8 + col];
      z1 = tmp0 + tmp3;
      z2 = tmp1 + tmp2;
      z3 = tmp0 + tmp2;
      long z4 = tmp1 + tmp3;
      long z5 = (z3 + z4) * 9633L;
      tmp0 = tmp0 * 2446L;
      tmp1 = tmp1 * 16819L;
      tmp2 = tmp2 * 25172L;
      tmp3 = tmp3 * 12299L;
      z1 = z1 * -7373L;
      z2 = z2 * -20995L;
      z3 = z3 * -16069L;
      z4 = z4 * -3196L;
      z3 += z5;
      z4 += z5;
      tmp0 += z1 + z3;
      tmp1 += z2 + z4;
      tmp2 += z2 + z3;
      tmp3 += z1 + z4;
      int shift = CONST_BITS - PASS1_BITS;
      ws[col] = descale(tmp10 + tmp3, shift);
      ws[56 + col] = descale(tmp10 - tmp3, shift);
      ws[8 + col] = descale(tmp11 + tmp2, shift);
      ws[48 + col] = descale(tmp11 - tmp2, shift);
      ws[16 + col] = descale(tmp12 + tmp1, shift);
      ws[40 + col] = descale(tmp12 - tmp1, shift);
      ws[24 + col] = descale(tmp13 + tmp0, shift);
      ws[32 + col] = descale(tmp13 - tmp0, shift);
    }
    for (int row = 0; row < 8; row++) {
      int w = row * 8;
      int o = offset + row * stride;
      if (ws[w + 1] == 0 && ws[w + 2] == 0 && ws[w + 3] == 0 && ws[w + 4] == 0 && ws[w + 5] == 0
          && ws[w + 6] == 0 && ws[w + 7] == 0) {
        byte dcval = RANGE[descale(ws[w], PASS1_BITS + 3) & 1023];
        for (int x = 0; x < 8; x++) {
          out[o + x] = dcval;
        }
        continue;
      }
      long z2 = ws[w + 2];
      long z3 = ws[w + 6];
      long z1 = (z2 + z3) * 4433L;
      long tmp2 = z1 + z3 * -15137L;
      long tmp3 = z1 + z2 * 6270L;
      long tmp0 = ((long) ws[w] + ws[w + 4]) << CONST_BITS;
      long tmp1 = ((long) ws[w] - ws[w + 4]) << CONST_BITS;
      long tmp10 = tmp0 + tmp3;
      long tmp13 = tmp0 - tmp3;
      long tmp11 = tmp1 + tmp2;
      long tmp12 = tmp1 - tmp2;
      tmp0 = ws[w + 7];
      tmp1 = ws[w + 5];
      tmp2 = ws[w + 3];
      tmp3 = ws[w + 1];
      z1 = tmp0 + tmp3;
      z2 = tmp1 + tmp2;
      z3 = tmp0 + tmp2;
      long z4 = tmp1 + tmp3;
      long z5 = (z3 + z4) * 9633L;
      tmp0 = tmp0 * 2446L;
      tmp1 = tmp1 * 16819L;
      tmp2 = tmp2 * 25172L;
      tmp3 = tmp3 * 12299L;
      z1 = z1 * -7373L;
      z2 = z2 * -20995L;
      z3 = z3 * -16069L;
      z4 = z4 * -3196L;
      z3 += z5;
      z4 += z5;
      tmp0 += z1 + z3;
      tmp1 += z2 + z4;
      tmp2 += z2 + z3;
      tmp3 += z1 + z4;
      int shift = CONST_BITS + PASS1_BITS + 3;
      out[o] = RANGE[descale(tmp10 + tmp3, shift) & 1023];
      out[o + 7] = RANGE[descale(tmp10 - tmp3, shift) & 1023];
      out[o + 1] = RANGE[descale(tmp11 + tmp2, shift) & 1023];
      out[o + 6] = RANGE[descale(tmp11 - tmp2, shift) & 1023];
      out[o + 2] = RANGE[descale(tmp12 + tmp1, shift) & 1023];
      out[o + 5] = RANGE[descale(tmp12 - tmp1, shift) & 1023];
      out[o + 3] = RANGE[descale(tmp13 + tmp0, shift) & 1023];
      out[o + 4] = RANGE[descale(tmp13 - tmp0, shift) & 1023];
    }
  }
}
