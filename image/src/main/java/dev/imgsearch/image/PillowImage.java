package dev.imgsearch.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;

/**
 * An 8-bit image in one of Pillow's modes, as interleaved bytes, with the operations of Pillow the reference
 * pipelines use: {@code convert("RGB")}, {@code resize} (premultiplying alpha as Pillow does) and {@code crop}.
 * Immutable; every operation returns a new image.
 */
final class PillowImage {

  /** Pillow's image modes, as far as the recipes need them. */
  enum Mode {
    /** 8-bit grayscale. */
    L(1),
    /** Grayscale with alpha. */
    LA(2),
    /** 8-bit RGB. */
    RGB(3),
    /** RGB with (straight, not premultiplied) alpha. */
    RGBA(4),
    /** CMYK, 0 meaning no ink, as Pillow holds CMYK JPEGs. */
    CMYK(4),
    /**
     * A palette image ("P" or "1"), held here with the palette already looked up as RGB. Pillow resizes such images
     * with NEAREST whatever filter is asked for, and so do we.
     */
    P(3);

    final int bands;

    Mode(int bands) {
      this.bands = bands;
    }
  }

  final Mode mode;
  final int width;
  final int height;
  final byte[] data;

  PillowImage(Mode mode, int width, int height, byte[] data) {
    if (data.length != width * height * mode.bands) {
      throw new IllegalArgumentException("pixel data does not match " + width + "x" + height + " " + mode);
    }
    this.mode = mode;
    this.width = width;
    this.height = height;
    this.data = data;
  }

  // ------------------------------------------------------------------------------------------------------------
  // From a BufferedImage: the raw 8-bit samples, the way Pillow would hold the same file
  // ------------------------------------------------------------------------------------------------------------

  /**
   * The pixels of a decoded image in the mode Pillow gives the same file: palette images become {@link Mode#P},
   * gray {@link Mode#L}/{@link Mode#LA}, RGB {@link Mode#RGB}/{@link Mode#RGBA}, CMYK {@link Mode#CMYK}. Samples are
   * taken raw, without colour management (Pillow ignores ICC profiles); samples wider than 8 bits keep their high
   * byte (as Pillow reads 16-bit RGB PNGs). Images of other colour spaces go through {@link BufferedImage#getRGB}.
   */
  static PillowImage of(BufferedImage image) {
    return sample(image, identity(image.getWidth()), identity(image.getHeight()));
  }

  /** The mode {@link #of} gives this image. */
  static Mode modeOf(BufferedImage image) {
    ColorModel cm = image.getColorModel();
    if (cm instanceof IndexColorModel) {
      return Mode.P;
    }
    Mode mode = rawMode(cm, image.getRaster().getNumBands());
    return mode != null ? mode : cm.hasAlpha() ? Mode.RGBA : Mode.RGB;
  }

  /**
   * Like {@link #of}, but only the pixels at columns {@code xs} and rows {@code ys}: the result is
   * {@code xs.length x ys.length}, pixel (i, j) being source pixel (xs[i], ys[j]). A nearest-neighbour resize reads
   * only these pixels, so it need not copy the whole image first.
   */
  static PillowImage sample(BufferedImage image, int[] xs, int[] ys) {
    ColorModel cm = image.getColorModel();
    Raster raster = image.getRaster();
    if (cm instanceof IndexColorModel) {
      return fromPalette((IndexColorModel) cm, raster, xs, ys);
    }
    Mode mode = rawMode(cm, raster.getNumBands());
    if (mode != null) {
      return new PillowImage(mode, xs.length, ys.length, samples(raster, xs, ys, mode.bands));
    }
    return fromArgb(image, xs, ys, cm.hasAlpha());
  }

  /**
   * {@code of(image).resizeAndCrop(...)} computed straight from the image's data buffer, without copying the image
   * first; null when the image's layout or mode does not allow it (then use the copying path). Only for modes
   * without alpha and convolution filters, where nothing precedes the horizontal pass.
   */
  static PillowImage resizeAndCropInPlace(BufferedImage image, int newWidth, int newHeight, Resampling filter,
      int left, int top, int cropWidth, int cropHeight) {
    Mode mode = modeOf(image);
    if (filter == Resampling.NEAREST || !(mode == Mode.L || mode == Mode.RGB || mode == Mode.CMYK)
        || image.getColorModel() instanceof IndexColorModel || newWidth == image.getWidth()) {
      return null;
    }
    Raster raster = image.getRaster();
    SampleModel sm = raster.getSampleModel();
    if (!(sm instanceof ComponentSampleModel) || !(raster.getDataBuffer() instanceof DataBufferByte)
        || !allEightBit(sm, mode.bands)) {
      return null;
    }
    ComponentSampleModel csm = (ComponentSampleModel) sm;
    DataBufferByte db = (DataBufferByte) raster.getDataBuffer();
    int bank = csm.getBankIndices()[0];
    for (int b = 1; b < mode.bands; b++) {
      if (csm.getBankIndices()[b] != bank) {
        return null;
      }
    }
    int scanline = csm.getScanlineStride();
    int pixelStride = csm.getPixelStride();
    int base = db.getOffsets()[bank] - raster.getSampleModelTranslateY() * scanline
        - raster.getSampleModelTranslateX() * pixelStride;
    PillowResize.Layout layout = new PillowResize.Layout(base, scanline, pixelStride,
        java.util.Arrays.copyOf(csm.getBandOffsets(), mode.bands));
    byte[] out = PillowResize.resampleWindow(db.getData(bank), layout, image.getWidth(), image.getHeight(),
        mode.bands, newWidth, newHeight, filter, left, top, cropWidth, cropHeight);
    return new PillowImage(mode, cropWidth, cropHeight, out);
  }

  private static Mode rawMode(ColorModel cm, int bands) {
    if (cm.isAlphaPremultiplied() || !(cm instanceof ComponentColorModel || cm instanceof DirectColorModel)) {
      return null;
    }
    int csType = cm.getColorSpace().getType();
    if (csType == ColorSpace.TYPE_GRAY && bands == (cm.hasAlpha() ? 2 : 1)) {
      return cm.hasAlpha() ? Mode.LA : Mode.L;
    }
    if (csType == ColorSpace.TYPE_RGB && bands == (cm.hasAlpha() ? 4 : 3)) {
      return cm.hasAlpha() ? Mode.RGBA : Mode.RGB;
    }
    if (csType == ColorSpace.TYPE_CMYK && bands == 4 && !cm.hasAlpha()) {
      return Mode.CMYK;
    }
    return null;
  }

  private static int[] identity(int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = i;
    }
    return a;
  }

  private static PillowImage fromPalette(IndexColorModel icm, Raster raster, int[] xs, int[] ys) {
    int size = icm.getMapSize();
    byte[] reds = new byte[size];
    byte[] greens = new byte[size];
    byte[] blues = new byte[size];
    icm.getReds(reds);
    icm.getGreens(greens);
    icm.getBlues(blues);
    int w = raster.getWidth();
    byte[] out = new byte[xs.length * ys.length * 3];
    int[] row = new int[w];
    int o = 0;
    for (int y : ys) {
      raster.getSamples(0, y, w, 1, 0, row);
      for (int x : xs) {
        int i = row[x] < size ? row[x] : 0;
        out[o++] = reds[i];
        out[o++] = greens[i];
        out[o++] = blues[i];
      }
    }
    return new PillowImage(Mode.P, xs.length, ys.length, out);
  }

  private static PillowImage fromArgb(BufferedImage image, int[] xs, int[] ys, boolean alpha) {
    Mode mode = alpha ? Mode.RGBA : Mode.RGB;
    int w = image.getWidth();
    byte[] out = new byte[xs.length * ys.length * mode.bands];
    int[] row = new int[w];
    int o = 0;
    for (int y : ys) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int x : xs) {
        int argb = row[x];
        out[o++] = (byte) (argb >>> 16);
        out[o++] = (byte) (argb >>> 8);
        out[o++] = (byte) argb;
        if (alpha) {
          out[o++] = (byte) (argb >>> 24);
        }
      }
    }
    return new PillowImage(mode, xs.length, ys.length, out);
  }

  /** The first {@code bands} bands at the given columns and rows, as interleaved 8-bit samples. */
  private static byte[] samples(Raster raster, int[] xs, int[] ys, int bands) {
    int w = xs.length;
    byte[] out = new byte[w * ys.length * bands];
    SampleModel sm = raster.getSampleModel();
    DataBuffer db = raster.getDataBuffer();
    int tx = raster.getSampleModelTranslateX();
    int ty = raster.getSampleModelTranslateY();
    if (sm instanceof ComponentSampleModel && db instanceof DataBufferByte) {
      ComponentSampleModel csm = (ComponentSampleModel) sm;
      DataBufferByte bytes = (DataBufferByte) db;
      int pixelStride = csm.getPixelStride();
      int scanline = csm.getScanlineStride();
      int[] bandOffsets = csm.getBandOffsets();
      int[] banks = csm.getBankIndices();
      byte[][] arrays = new byte[bands][];
      int[] base = new int[bands];
      boolean oneBank = true;
      for (int b = 0; b < bands; b++) {
        arrays[b] = bytes.getData(banks[b]);
        base[b] = bytes.getOffsets()[banks[b]] + bandOffsets[b] + (-ty) * scanline + (-tx) * pixelStride;
        oneBank &= banks[b] == banks[0];
      }
      int[] cols = new int[w];
      for (int x = 0; x < w; x++) {
        cols[x] = xs[x] * pixelStride;
      }
      int o = 0;
      if (oneBank && bands == 3) {
        byte[] src = arrays[0];
        for (int y : ys) {
          int p0 = base[0] + y * scanline;
          int p1 = base[1] + y * scanline;
          int p2 = base[2] + y * scanline;
          for (int x = 0; x < w; x++, o += 3) {
            int c = cols[x];
            out[o] = src[p0 + c];
            out[o + 1] = src[p1 + c];
            out[o + 2] = src[p2 + c];
          }
        }
        return out;
      }
      for (int y : ys) {
        int row = y * scanline;
        for (int x = 0; x < w; x++) {
          int p = row + cols[x];
          for (int b = 0; b < bands; b++) {
            out[o++] = arrays[b][base[b] + p];
          }
        }
      }
      return out;
    }
    if (sm instanceof SinglePixelPackedSampleModel && db instanceof DataBufferInt && allEightBit(sm, bands)) {
      SinglePixelPackedSampleModel spp = (SinglePixelPackedSampleModel) sm;
      int[] ints = ((DataBufferInt) db).getData();
      int[] masks = spp.getBitMasks();
      int[] shifts = spp.getBitOffsets();
      int scanline = spp.getScanlineStride();
      int base = db.getOffset() + (-ty) * scanline + (-tx);
      int o = 0;
      for (int y : ys) {
        int rowStart = base + y * scanline;
        for (int x : xs) {
          int pixel = ints[rowStart + x];
          for (int b = 0; b < bands; b++) {
            out[o++] = (byte) ((pixel & masks[b]) >>> shifts[b]);
          }
        }
      }
      return out;
    }
    // Any other layout (16-bit samples, packed sub-byte samples, ...): the generic, slower accessor.
    int[] sizes = sm.getSampleSize();
    int all = raster.getNumBands();
    int rw = raster.getWidth();
    int[] row = new int[rw * all];
    int o = 0;
    for (int y : ys) {
      raster.getPixels(0, y, rw, 1, row);
      for (int x : xs) {
        for (int b = 0; b < bands; b++) {
          out[o++] = (byte) to8Bit(row[x * all + b], sizes[b]);
        }
      }
    }
    return out;
  }

  private static boolean allEightBit(SampleModel sm, int bands) {
    for (int b = 0; b < bands; b++) {
      if (sm.getSampleSize(b) != 8) {
        return false;
      }
    }
    return true;
  }

  private static int to8Bit(int sample, int bits) {
    if (bits == 8) {
      return sample;
    }
    if (bits > 8) {
      return sample >>> (bits - 8);
    }
    return sample * 255 / ((1 << bits) - 1);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Pillow operations
  // ------------------------------------------------------------------------------------------------------------

  /** Pillow's {@code convert("RGB")}: gray replicated, alpha dropped, CMYK converted naively (no ICC profile). */
  PillowImage convertToRgb() {
    if (mode == Mode.RGB) {
      return this;
    }
    if (mode == Mode.P) {
      return new PillowImage(Mode.RGB, width, height, data);
    }
    int n = width * height;
    byte[] out = new byte[n * 3];
    int bands = mode.bands;
    for (int p = 0, i = 0, o = 0; p < n; p++, i += bands, o += 3) {
      switch (mode) {
        case L:
        case LA:
          out[o] = data[i];
          out[o + 1] = data[i];
          out[o + 2] = data[i];
          break;
        case RGBA:
          out[o] = data[i];
          out[o + 1] = data[i + 1];
          out[o + 2] = data[i + 2];
          break;
        case CMYK: {
          // Convert.c cmyk2rgb
          int nk = 255 - (data[i + 3] & 0xFF);
          out[o] = (byte) clip8(nk - mulDiv255(data[i] & 0xFF, nk));
          out[o + 1] = (byte) clip8(nk - mulDiv255(data[i + 1] & 0xFF, nk));
          out[o + 2] = (byte) clip8(nk - mulDiv255(data[i + 2] & 0xFF, nk));
          break;
        }
        default:
          throw new IllegalStateException("unexpected mode " + mode);
      }
    }
    return new PillowImage(Mode.RGB, width, height, out);
  }

  /**
   * Pillow's {@code Image.resize(size, filter)}: same size is a no-op; palette images always use NEAREST; images with
   * alpha are resized premultiplied (RGBA to RGBa and back, LA to La and back) unless the filter is NEAREST.
   */
  PillowImage resize(int newWidth, int newHeight, Resampling filter) {
    return resizeAndCrop(newWidth, newHeight, filter, 0, 0, newWidth, newHeight);
  }

  /**
   * {@code resize(newWidth, newHeight, filter).crop(left, top, cropWidth, cropHeight)}, bit for bit, computing only
   * the cropped pixels.
   */
  PillowImage resizeAndCrop(int newWidth, int newHeight, Resampling filter, int left, int top, int cropWidth,
      int cropHeight) {
    if (newWidth < 1 || newHeight < 1) {
      throw new IllegalArgumentException("cannot resize to " + newWidth + "x" + newHeight);
    }
    if (newWidth == width && newHeight == height) {
      return crop(left, top, cropWidth, cropHeight);
    }
    Resampling f = mode == Mode.P ? Resampling.NEAREST : filter;
    boolean premultiply = (mode == Mode.RGBA || mode == Mode.LA) && f != Resampling.NEAREST;
    byte[] in = premultiply ? premultiplied() : data;
    byte[] out = PillowResize.resampleWindow(in, width, height, mode.bands, newWidth, newHeight, f, left, top,
        cropWidth, cropHeight);
    if (premultiply) {
      unpremultiply(out, mode.bands);
    }
    return new PillowImage(mode, cropWidth, cropHeight, out);
  }

  /** Pillow's {@code crop((left, top, left + w, top + h))} of a box inside the image. */
  PillowImage crop(int left, int top, int cropWidth, int cropHeight) {
    if (left < 0 || top < 0 || left + cropWidth > width || top + cropHeight > height) {
      throw new IllegalArgumentException("crop box outside of the " + width + "x" + height + " image");
    }
    if (left == 0 && top == 0 && cropWidth == width && cropHeight == height) {
      return this;
    }
    int bands = mode.bands;
    byte[] out = new byte[cropWidth * cropHeight * bands];
    for (int y = 0; y < cropHeight; y++) {
      System.arraycopy(data, ((top + y) * width + left) * bands, out, y * cropWidth * bands, cropWidth * bands);
    }
    return new PillowImage(mode, cropWidth, cropHeight, out);
  }

  /** Convert.c rgbA2rgba / lA2la: colour times alpha, rounded as Pillow's MULDIV255. */
  private byte[] premultiplied() {
    int bands = mode.bands;
    byte[] out = new byte[data.length];
    for (int i = 0; i < data.length; i += bands) {
      int alpha = data[i + bands - 1] & 0xFF;
      for (int b = 0; b < bands - 1; b++) {
        out[i + b] = (byte) mulDiv255(data[i + b] & 0xFF, alpha);
      }
      out[i + bands - 1] = (byte) alpha;
    }
    return out;
  }

  /** Convert.c rgba2rgbA / la2lA: back to straight alpha, in place. */
  private static void unpremultiply(byte[] pixels, int bands) {
    for (int i = 0; i < pixels.length; i += bands) {
      int alpha = pixels[i + bands - 1] & 0xFF;
      if (alpha != 255 && alpha != 0) {
        for (int b = 0; b < bands - 1; b++) {
          pixels[i + b] = (byte) clip8((255 * (pixels[i + b] & 0xFF)) / alpha);
        }
      }
    }
  }

  /** Pillow's MULDIV255: (a * b + 127) / 255, computed with shifts. */
  static int mulDiv255(int a, int b) {
    int tmp = a * b + 128;
    return ((tmp >> 8) + tmp) >> 8;
  }

  private static int clip8(int v) {
    return v <= 0 ? 0 : v < 256 ? v : 255;
  }
}
