package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageInput;
import com.twelvemonkeys.imageio.color.ColorProfiles;
import com.twelvemonkeys.imageio.color.ColorSpaces;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * What the JPEG decoder needs beyond TwelveMonkeys to see JPEGs as Pillow (libjpeg-turbo) does: the header facts
 * that decide the colour transform, libjpeg's integer YCbCr/YCCK conversions, and a marker walk that tells a
 * truncated file from a corrupt one.
 */
final class JpegSupport {
  private static final int SCALEBITS = 16;
  private static final int ONE_HALF = 1 << (SCALEBITS - 1);
  private static final int[] CR_R = new int[256];
  private static final int[] CB_B = new int[256];
  private static final int[] CR_G = new int[256];
  private static final int[] CB_G = new int[256];

  static {
    // libjpeg jdcolor.c build_ycc_rgb_table (identical in libjpeg-turbo)
    for (int i = 0, x = -128; i < 256; i++, x++) {
      CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALEBITS;
      CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALEBITS;
      CR_G[i] = -fix(0.71414) * x;
      CB_G[i] = -fix(0.34414) * x + ONE_HALF;
    }
  }

  private JpegSupport() {}

  private static int fix(double x) {
    return (int) (x * (1L << SCALEBITS) + 0.5);
  }

  /** How libjpeg interprets the components (jdapimin.c default_decompress_parms). */
  enum ColorType { GRAY, YCBCR, RGB, CMYK, YCCK, OTHER }

  /** The header facts read before decoding. */
  static final class Header {
    int components;
    int[] componentIds = new int[0];
    boolean jfif;
    int adobeTransform = -1;
    byte[] iccProfile;
    /** A progressive frame with Huffman coding (SOF2). */
    boolean progressive;
    /** The frame's dimensions (0 when no frame header was read). */
    int width;
    int height;

    ColorType colorType() {
      switch (components) {
        case 1:
          return ColorType.GRAY;
        case 3:
          if (jfif) {
            return ColorType.YCBCR;
          }
          if (adobeTransform >= 0) {
            return adobeTransform == 0 ? ColorType.RGB : ColorType.YCBCR;
          }
          if (componentIds.length == 3 && componentIds[0] == 'R' && componentIds[1] == 'G'
              && componentIds[2] == 'B') {
            return ColorType.RGB;
          }
          return ColorType.YCBCR;
        case 4:
          if (adobeTransform >= 0) {
            return adobeTransform == 0 ? ColorType.CMYK : ColorType.YCCK;
          }
          return ColorType.CMYK;
        default:
          return ColorType.OTHER;
      }
    }

    /** The embedded ICC profile, or null when there is none or it cannot be parsed. */
    ICC_Profile profile() {
      if (iccProfile == null) {
        return null;
      }
      try {
        return ICC_Profile.getInstance(iccProfile);
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
  }

  /**
   * Reads the markers from SOI up to the first SOS; the stream is left where it was. Returns null when the
   * header cannot be read (the decoder then reports the problem).
   */
  static Header readHeader(ImageInputStream in) {
    Header h = new Header();
    Map<Integer, byte[]> iccChunks = new TreeMap<>();
    in.mark();
    try {
      if (in.readUnsignedByte() != 0xFF || in.readUnsignedByte() != 0xD8) {
        return null;
      }
      while (true) {
        int b = in.readUnsignedByte();
        if (b != 0xFF) {
          return h;
        }
        int marker;
        do {
          marker = in.readUnsignedByte();
        } while (marker == 0xFF);
        if (marker == 0xD9 || marker == 0xDA) {
          break;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
          continue;
        }
        int length = in.readUnsignedShort() - 2;
        if (length < 0) {
          return h;
        }
        if (marker == 0xE0 && length >= 5) {
          byte[] id = new byte[5];
          in.readFully(id);
          h.jfif = id[0] == 'J' && id[1] == 'F' && id[2] == 'I' && id[3] == 'F' && id[4] == 0;
          in.skipBytes(length - 5);
        } else if (marker == 0xEE && length >= 12) {
          byte[] s = new byte[12];
          in.readFully(s);
          if (s[0] == 'A' && s[1] == 'd' && s[2] == 'o' && s[3] == 'b' && s[4] == 'e') {
            h.adobeTransform = s[11] & 0xFF;
          }
          in.skipBytes(length - 12);
        } else if (marker == 0xE2 && length >= 14) {
          byte[] s = new byte[length];
          in.readFully(s);
          if (new String(s, 0, 12, java.nio.charset.StandardCharsets.ISO_8859_1).equals("ICC_PROFILE\0")) {
            ByteArrayOutputStream chunk = new ByteArrayOutputStream();
            chunk.write(s, 14, length - 14);
            iccChunks.put(s[12] & 0xFF, chunk.toByteArray());
          }
        } else if (isStartOfFrame(marker) && length >= 6) {
          byte[] s = new byte[length];
          in.readFully(s);
          h.progressive = marker == 0xC2;
          h.height = ((s[1] & 0xFF) << 8) | (s[2] & 0xFF);
          h.width = ((s[3] & 0xFF) << 8) | (s[4] & 0xFF);
          h.components = s[5] & 0xFF;
          int n = Math.min(h.components, (length - 6) / 3);
          h.componentIds = new int[n];
          for (int i = 0; i < n; i++) {
            h.componentIds[i] = s[6 + i * 3] & 0xFF;
          }
        } else {
          in.skipBytes(length);
        }
      }
      if (!iccChunks.isEmpty()) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        iccChunks.values().forEach(all::writeBytes);
        h.iccProfile = all.toByteArray();
      }
      return h;
    } catch (IOException e) {
      return null;
    } finally {
      try {
        in.reset();
      } catch (IOException e) {
        // the decoder will fail on the stream and say so
      }
    }
  }

  private static boolean isStartOfFrame(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  /** True when the RGB profile is one whose colours TwelveMonkeys would convert (anything but sRGB). */
  static boolean convertsColors(ICC_Profile profile) {
    return profile != null && profile.getNumComponents() == 3 && !ColorProfiles.isCS_sRGB(profile);
  }

  /**
   * Decodes a 3-component JPEG without an ICC profile into the {@code TYPE_3BYTE_BGR} image that
   * {@code reader.read(0, null)} gives, pixel for pixel, in two thirds of the time: ImageIO's JPEG reader copies each
   * decoded RGB scanline into a BGR raster sample by sample, but into an RGB-ordered raster it copies whole rows; one
   * pass then swaps red and blue in place. A reader that ignores the destination returns its own image, unchanged.
   */
  static BufferedImage readBgr(ImageReader reader, int width, int height) throws IOException {
    byte[] data = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
    ComponentColorModel model = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
        Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    WritableRaster rgb = Raster.createInterleavedRaster(new DataBufferByte(data, data.length), width, height,
        width * 3, 3, new int[] {0, 1, 2}, null);
    ImageReadParam param = reader.getDefaultReadParam();
    param.setDestination(new BufferedImage(model, rgb, false, null));
    BufferedImage decoded = reader.read(0, param);
    if (decoded.getRaster() != rgb) {
      return decoded;
    }
    for (int i = 0; i < data.length; i += 3) {
      byte red = data[i];
      data[i] = data[i + 2];
      data[i + 2] = red;
    }
    WritableRaster bgr = Raster.createInterleavedRaster(new DataBufferByte(data, data.length), width, height,
        width * 3, 3, new int[] {2, 1, 0}, null);
    return new BufferedImage(model, bgr, false, null); // BufferedImage recognises this as TYPE_3BYTE_BGR
  }

  /**
   * An RGB image from a raw 3-band raster (YCbCr or RGB), converted with libjpeg's integer arithmetic and tagged with
   * the embedded profile's colour space: the pixel values are the ones libjpeg, and so Pillow, produces.
   */
  static BufferedImage rgbFromRaw(Raster raw, ColorType type, ICC_Profile profile) {
    int w = raw.getWidth();
    int h = raw.getHeight();
    ColorSpace cs;
    try {
      cs = profile != null ? ColorSpaces.createColorSpace(profile) : ColorSpace.getInstance(ColorSpace.CS_sRGB);
    } catch (RuntimeException e) {
      cs = ColorSpace.getInstance(ColorSpace.CS_sRGB);
    }
    ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    WritableRaster out = cm.createCompatibleWritableRaster(w, h);
    int[] row = new int[w * 3];
    for (int y = 0; y < h; y++) {
      raw.getPixels(raw.getMinX(), raw.getMinY() + y, w, 1, row);
      if (type == ColorType.YCBCR) {
        for (int i = 0; i < row.length; i += 3) {
          int yy = row[i];
          int cb = row[i + 1];
          int cr = row[i + 2];
          row[i] = clamp(yy + CR_R[cr]);
          row[i + 1] = clamp(yy + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
          row[i + 2] = clamp(yy + CB_B[cb]);
        }
      }
      out.setPixels(0, y, w, 1, row);
    }
    return new BufferedImage(cm, out, false, null);
  }

  /**
   * libjpeg's {@code ycc_rgb_convert} of one row: {@code width} pixels from three sample rows into R, G, B bytes.
   */
  static void yccToRgb(byte[] y, int yOffset, byte[] cb, int cbOffset, byte[] cr, int crOffset, byte[] out,
      int outOffset, int width) {
    for (int x = 0, o = outOffset; x < width; x++, o += 3) {
      int yy = y[yOffset + x] & 0xFF;
      int b = cb[cbOffset + x] & 0xFF;
      int r = cr[crOffset + x] & 0xFF;
      out[o] = (byte) clamp(yy + CR_R[r]);
      out[o + 1] = (byte) clamp(yy + ((CB_G[b] + CR_G[r]) >> SCALEBITS));
      out[o + 2] = (byte) clamp(yy + CB_B[b]);
    }
  }

  /**
   * A CMYK image holding the values Pillow gives a CMYK or YCCK JPEG (0 = no ink): Pillow reads CMYK JPEGs as
   * Adobe-inverted ("CMYK;I") and lets libjpeg turn YCCK into CMYK first.
   */
  static BufferedImage cmykFromRaw(Raster raw, ColorType type, ColorSpace cmykSpace) {
    int w = raw.getWidth();
    int h = raw.getHeight();
    ComponentColorModel cm =
        new ComponentColorModel(cmykSpace, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
    WritableRaster out = cm.createCompatibleWritableRaster(w, h);
    int[] row = new int[w * 4];
    for (int y = 0; y < h; y++) {
      raw.getPixels(raw.getMinX(), raw.getMinY() + y, w, 1, row);
      for (int i = 0; i < row.length; i += 4) {
        if (type == ColorType.YCCK) {
          // libjpeg ycck_cmyk_convert gives 255 - R, 255 - G, 255 - B, K; Pillow then inverts all four.
          int yy = row[i];
          int cb = row[i + 1];
          int cr = row[i + 2];
          row[i] = clamp(yy + CR_R[cr]);
          row[i + 1] = clamp(yy + ((CB_G[cb] + CR_G[cr]) >> SCALEBITS));
          row[i + 2] = clamp(yy + CB_B[cb]);
          row[i + 3] = 255 - row[i + 3];
        } else {
          row[i] = 255 - row[i];
          row[i + 1] = 255 - row[i + 1];
          row[i + 2] = 255 - row[i + 2];
          row[i + 3] = 255 - row[i + 3];
        }
      }
      out.setPixels(0, y, w, 1, row);
    }
    return new BufferedImage(cm, out, false, null);
  }

  /** The CMYK colour space to tag a decoded CMYK JPEG with: its embedded profile, else a generic CMYK space. */
  static ColorSpace cmykSpace(ICC_Profile profile) {
    if (profile != null && profile.getNumComponents() == 4) {
      try {
        ICC_ColorSpace cs = ColorSpaces.createColorSpace(profile);
        if (cs.getType() == ColorSpace.TYPE_CMYK) {
          return cs;
        }
      } catch (RuntimeException e) {
        // a broken profile: fall through to the generic space
      }
    }
    return ColorSpaces.getColorSpace(ColorSpaces.CS_GENERIC_CMYK);
  }

  private static int clamp(int v) {
    return v < 0 ? 0 : v > 255 ? 255 : v;
  }

  /**
   * Walks the markers and the entropy-coded data: CORRUPT when something that must be a marker is not one,
   * TRUNCATED when the data ends before EOI, COMPLETE when EOI is reached.
   */
  static Completeness structure(byte[] d) {
    int n = d.length;
    if (n < 2 || (d[0] & 0xFF) != 0xFF || (d[1] & 0xFF) != 0xD8) {
      return Completeness.CORRUPT;
    }
    int pos = 2;
    boolean sawFrame = false;
    while (true) {
      if (pos >= n) {
        return Completeness.TRUNCATED;
      }
      if ((d[pos] & 0xFF) != 0xFF) {
        return Completeness.CORRUPT;
      }
      while (pos < n && (d[pos] & 0xFF) == 0xFF) {
        pos++;
      }
      if (pos >= n) {
        return Completeness.TRUNCATED;
      }
      int marker = d[pos++] & 0xFF;
      if (marker == 0xD9) {
        return Completeness.COMPLETE;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        continue;
      }
      if (marker < 0xC0 || marker == 0xD8) {
        return Completeness.CORRUPT;
      }
      if (pos + 2 > n) {
        return Completeness.TRUNCATED;
      }
      int length = ((d[pos] & 0xFF) << 8) | (d[pos + 1] & 0xFF);
      if (length < 2) {
        return Completeness.CORRUPT;
      }
      if (isStartOfFrame(marker)) {
        sawFrame = true;
      }
      if (marker == 0xDA && !sawFrame) {
        return Completeness.CORRUPT;
      }
      if (pos + length > n) {
        return Completeness.TRUNCATED;
      }
      pos += length;
      if (marker == 0xDA) {
        // entropy-coded data: runs until a marker other than a stuffed zero or a restart marker
        while (true) {
          if (pos + 1 >= n) {
            return Completeness.TRUNCATED;
          }
          if ((d[pos] & 0xFF) == 0xFF) {
            int next = d[pos + 1] & 0xFF;
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF) {
              pos += next == 0xFF ? 1 : 2;
              continue;
            }
            break;
          }
          pos++;
        }
      }
    }
  }
}
