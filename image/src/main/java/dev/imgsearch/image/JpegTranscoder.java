package dev.imgsearch.image;

import dev.imgsearch.image.JpegCoefficients.Component;
import java.io.ByteArrayOutputStream;
import javax.imageio.plugins.jpeg.JPEGHuffmanTable;

/**
 * Lossless transcoding of a progressive JPEG into a baseline (sequential, single-scan) JPEG with the same quantized
 * DCT coefficients, as {@code jpegtran} does: the entropy-coded data is decoded here and re-encoded with the
 * standard Huffman tables; every marker of the header (APPn, COM, DQT) is kept as it was. The entropy decoding is
 * {@link JpegCoefficients}'.
 *
 * <p>Why: the JDK's JPEG reader decodes a progressive JPEG in libjpeg's buffered-image mode and produces a full
 * output pass (IDCT, upsampling, colour conversion, a Java call per scanline) after every scan, about ten for
 * a usual progressive script, where Pillow decodes all scans first and outputs once. The baseline file decodes in
 * one pass. libjpeg turns the same coefficients into the same pixels whether they came in one scan or in ten
 * (the IDCT, upsampling and colour conversion do not depend on the scan structure), with one exception that is
 * checked here: block smoothing, which libjpeg applies to progressive images whose low-frequency coefficients are
 * not fully refined.
 *
 * <p>Conservative: anything unusual (arithmetic coding, 12-bit samples, more than 10 blocks per MCU, a table
 * redefined between scans, an invalid code, data ending early or extra bytes before a marker, a missing EOI,
 * coefficients not fully refined) gives {@code null}, and the caller decodes the original file as before, with the
 * decoder's own warnings and errors.
 */
final class JpegTranscoder {
  private JpegTranscoder() {}

  /** The baseline equivalent of a progressive JPEG, or null when the file is not one this class handles. */
  static byte[] toBaseline(byte[] jpeg) {
    try {
      JpegCoefficients coefficients = JpegCoefficients.read(jpeg);
      if (!coefficients.progressive || !coefficients.fullyRefined()) {
        return null; // a sequential file needs no transcoding; a partially refined one is smoothed by libjpeg
      }
      return encode(coefficients, jpeg.length);
    } catch (JpegCoefficients.Unsupported | RuntimeException e) {
      return null;
    }
  }

  private static byte[] encode(JpegCoefficients coefficients, int inputLength) {
    Component[] comps = coefficients.comps;
    int mcusPerLine = coefficients.mcusPerLine;
    int mcusPerColumn = coefficients.mcusPerColumn;
    ByteArrayOutputStream out = new ByteArrayOutputStream(inputLength + 1024);
    out.write(0xFF);
    out.write(0xD8);
    byte[] kept = coefficients.header.toByteArray();
    out.write(kept, 0, kept.length);
    // SOF0
    int n = comps.length;
    out.write(0xFF);
    out.write(0xC0);
    writeU16(out, 8 + 3 * n);
    out.write(8);
    writeU16(out, coefficients.height);
    writeU16(out, coefficients.width);
    out.write(n);
    for (Component c : comps) {
      out.write(c.id);
      out.write((c.h << 4) | c.v);
      out.write(c.tq);
    }
    // DHT: class 0/1 tables 0 (luminance) and 1 (chrominance)
    JPEGHuffmanTable[] tables = {JPEGHuffmanTable.StdDCLuminance, JPEGHuffmanTable.StdACLuminance,
        JPEGHuffmanTable.StdDCChrominance, JPEGHuffmanTable.StdACChrominance};
    int[] classAndId = {0x00, 0x10, 0x01, 0x11};
    int dhtLength = 2;
    for (JPEGHuffmanTable t : tables) {
      dhtLength += 17 + t.getValues().length;
    }
    out.write(0xFF);
    out.write(0xC4);
    writeU16(out, dhtLength);
    Encoder[] encoders = new Encoder[4];
    for (int i = 0; i < 4; i++) {
      out.write(classAndId[i]);
      short[] lengths = tables[i].getLengths();
      short[] values = tables[i].getValues();
      for (int l = 0; l < 16; l++) {
        out.write(l < lengths.length ? lengths[l] : 0);
      }
      for (short v : values) {
        out.write(v);
      }
      encoders[i] = new Encoder(lengths, values);
    }
    // SOS
    out.write(0xFF);
    out.write(0xDA);
    writeU16(out, 6 + 2 * n);
    out.write(n);
    for (int i = 0; i < n; i++) {
      out.write(comps[i].id);
      out.write(i == 0 ? 0x00 : 0x11);
    }
    out.write(0);
    out.write(63);
    out.write(0);
    BitWriter w = new BitWriter(out);
    for (Component c : comps) {
      c.pred = 0;
    }
    if (n == 1) {
      Component c = comps[0];
      for (int row = 0; row < c.blocksPerColumn; row++) {
        for (int col = 0; col < c.blocksPerLine; col++) {
          encodeBlock(w, c, (row * c.blocksPerLineMcu + col) * 64, encoders[0], encoders[1]);
        }
      }
    } else {
      for (int mcuRow = 0; mcuRow < mcusPerColumn; mcuRow++) {
        for (int mcuCol = 0; mcuCol < mcusPerLine; mcuCol++) {
          for (int i = 0; i < n; i++) {
            Component c = comps[i];
            Encoder dcEnc = encoders[i == 0 ? 0 : 2];
            Encoder acEnc = encoders[i == 0 ? 1 : 3];
            for (int by = 0; by < c.v; by++) {
              for (int bx = 0; bx < c.h; bx++) {
                int row = mcuRow * c.v + by;
                int col = mcuCol * c.h + bx;
                encodeBlock(w, c, (row * c.blocksPerLineMcu + col) * 64, dcEnc, acEnc);
              }
            }
          }
        }
      }
    }
    w.flush();
    out.write(0xFF);
    out.write(0xD9);
    return out.toByteArray();
  }

  private static void encodeBlock(BitWriter w, Component c, int b, Encoder dcEnc, Encoder acEnc) {
    short[] coefs = c.coefs;
    int diff = coefs[b] - c.pred;
    c.pred = coefs[b];
    int size = magnitude(diff);
    if (size > 11) {
      throw new IllegalStateException("DC difference out of range");
    }
    w.write(dcEnc.code[size], dcEnc.length[size]);
    if (size > 0) {
      w.write(diff < 0 ? diff - 1 : diff, size);
    }
    // one step per non-zero AC coefficient, found from the block's mask
    long nonZero = c.nonZero[b >> 6];
    int previous = 0;
    while (nonZero != 0) {
      int k = Long.numberOfTrailingZeros(nonZero);
      nonZero &= nonZero - 1;
      int run = k - previous - 1;
      previous = k;
      while (run > 15) {
        w.write(acEnc.code[0xF0], acEnc.length[0xF0]);
        run -= 16;
      }
      int v = coefs[b + k];
      int s = magnitude(v);
      if (s > 10) {
        throw new IllegalStateException("AC coefficient out of range");
      }
      int symbol = (run << 4) | s;
      w.write((acEnc.code[symbol] << s) | ((v < 0 ? v - 1 : v) & ((1 << s) - 1)), acEnc.length[symbol] + s);
    }
    if (previous < 63) {
      w.write(acEnc.code[0], acEnc.length[0]);
    }
  }

  private static int magnitude(int v) {
    return v == 0 ? 0 : 32 - Integer.numberOfLeadingZeros(Math.abs(v));
  }

  private static void writeU16(ByteArrayOutputStream out, int v) {
    out.write(v >> 8);
    out.write(v & 0xFF);
  }

  /** Code and length of every symbol of a Huffman table. */
  private static final class Encoder {
    final int[] code = new int[256];
    final int[] length = new int[256];

    Encoder(short[] lengths, short[] values) {
      int c = 0;
      int k = 0;
      for (int len = 1; len <= 16; len++) {
        int count = len - 1 < lengths.length ? lengths[len - 1] : 0;
        for (int i = 0; i < count; i++, k++, c++) {
          code[values[k]] = c;
          length[values[k]] = len;
        }
        c <<= 1;
      }
    }
  }

  /** Entropy-coded output with 0xFF byte stuffing, padded with one bits at the end. */
  private static final class BitWriter {
    private final ByteArrayOutputStream out;
    private byte[] bytes = new byte[1 << 16];
    private int size;
    private long buffer;
    private int count;

    BitWriter(ByteArrayOutputStream out) {
      this.out = out;
    }

    void write(int value, int bits) {
      buffer = (buffer << bits) | (value & ((1L << bits) - 1));
      count += bits;
      if (count >= 32) {
        drain();
      }
    }

    private void drain() {
      byte[] b = bytes;
      int n = size;
      if (n + 16 > b.length) {
        b = java.util.Arrays.copyOf(b, b.length * 2);
        bytes = b;
      }
      long buf = buffer;
      int c = count;
      while (c >= 8) {
        c -= 8;
        int v = (int) (buf >>> c) & 0xFF;
        b[n++] = (byte) v;
        if (v == 0xFF) {
          b[n++] = 0;
        }
      }
      size = n;
      count = c;
    }

    void flush() {
      if (count % 8 != 0) {
        int pad = 8 - count % 8;
        buffer = (buffer << pad) | ((1 << pad) - 1);
        count += pad;
      }
      drain();
      out.write(bytes, 0, size);
    }
  }
}
