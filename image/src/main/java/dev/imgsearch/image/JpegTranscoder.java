package dev.imgsearch.image;

import java.io.ByteArrayOutputStream;
import javax.imageio.plugins.jpeg.JPEGHuffmanTable;

/**
 * Lossless transcoding of a progressive JPEG into a baseline (sequential, single-scan) JPEG with the same quantized
 * DCT coefficients, as {@code jpegtran} does: the entropy-coded data is decoded here and re-encoded with the
 * standard Huffman tables; every marker of the header (APPn, COM, DQT) is kept as it was.
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

  /** Thrown inside the decoder for anything that makes the file unsuitable; becomes a {@code null} result. */
  private static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported() {
      super(null, null, false, false);
    }
  }

  private static final Unsupported UNSUPPORTED = new Unsupported();

  /** The baseline equivalent of a progressive JPEG, or null when the file is not one this class handles. */
  static byte[] toBaseline(byte[] jpeg) {
    try {
      return new Transcoding(jpeg).run();
    } catch (Unsupported | RuntimeException e) {
      return null;
    }
  }

  /** Huffman decoding table: canonical codes by length, with an 8-bit lookahead. */
  private static final class Decoder {
    final int[] maxCode = new int[18];
    final int[] valOffset = new int[17];
    final int[] values;
    /** (length << 8) | value for codes of at most 8 bits, indexed by the next 8 bits; 0 when longer. */
    final int[] lookahead = new int[256];

    Decoder(int[] counts, int[] values) throws Unsupported {
      this.values = values;
      int code = 0;
      int k = 0;
      for (int len = 1; len <= 16; len++) {
        valOffset[len] = k - code;
        code += counts[len];
        k += counts[len];
        maxCode[len] = counts[len] == 0 ? -1 : code - 1;
        if (code > (1 << len)) {
          throw UNSUPPORTED;
        }
        code <<= 1;
      }
      maxCode[17] = Integer.MAX_VALUE;
      if (k > values.length) {
        throw UNSUPPORTED;
      }
      code = 0;
      k = 0;
      for (int len = 1; len <= 8; len++) {
        for (int i = 0; i < counts[len]; i++, k++, code++) {
          int shift = 8 - len;
          for (int fill = 0; fill < (1 << shift); fill++) {
            lookahead[(code << shift) | fill] = (len << 8) | values[k];
          }
        }
        code <<= 1;
      }
    }
  }

  private static final class Component {
    int id;
    int h;
    int v;
    int tq;
    int blocksPerLine;
    int blocksPerColumn;
    int blocksPerLineMcu;
    int blocksPerColumnMcu;
    /** Coefficients in zigzag order, 64 per block, blocks in raster order of the MCU-padded grid. */
    short[] coefs;
    /** Per block, bit k set when AC coefficient k (zigzag order) is not zero. */
    long[] nonZero;
    /** Per zigzag position, libjpeg's coef_bits: -1 never coded, else the Al still missing. */
    final int[] bits = new int[64];
    int pred;
  }

  private static final class Transcoding {
    private final byte[] d;
    private int pos;
    private final ByteArrayOutputStream header = new ByteArrayOutputStream();
    private final Decoder[] dc = new Decoder[4];
    private final Decoder[] ac = new Decoder[4];
    private Component[] comps;
    private int width;
    private int height;
    private int hmax;
    private int vmax;
    private int mcusPerLine;
    private int mcusPerColumn;
    private int restartInterval;
    private boolean sawScan;
    // bit reader
    private long bitBuf;
    private int bitCount;
    private int eobrun;

    Transcoding(byte[] d) {
      this.d = d;
    }

    byte[] run() throws Unsupported {
      if (d.length < 4 || (d[0] & 0xFF) != 0xFF || (d[1] & 0xFF) != 0xD8) {
        throw UNSUPPORTED;
      }
      pos = 2;
      while (true) {
        int marker = nextMarker();
        if (marker == 0xD9) {
          break;
        }
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
          throw UNSUPPORTED;
        }
        int length = u16(pos);
        if (length < 2 || pos + length > d.length) {
          throw UNSUPPORTED;
        }
        int start = pos + 2;
        int end = pos + length;
        switch (marker) {
          case 0xC2 -> {
            if (comps != null) {
              throw UNSUPPORTED;
            }
            readFrame(start, end);
          }
          case 0xC4 -> readHuffmanTables(start, end);
          case 0xDD -> {
            if (length != 4) {
              throw UNSUPPORTED;
            }
            restartInterval = u16(start);
          }
          case 0xDA -> {
            pos = end;
            readScan(start, end);
            continue; // pos is past the entropy-coded data
          }
          default -> {
            if (marker >= 0xC0 && marker <= 0xCF) {
              throw UNSUPPORTED; // any other frame type, arithmetic coding, DAC
            }
            if (marker == 0xDC || (marker == 0xDB && sawScan) || marker == 0xD8) {
              throw UNSUPPORTED; // DNL, quantization tables redefined between scans
            }
            if (!sawScan) {
              // APPn, COM, DQT: kept as they are, in their order (what precedes the first scan)
              header.write(0xFF);
              header.write(marker);
              header.write(d, pos, length);
            } else if (marker != 0xFE && !(marker >= 0xE0 && marker <= 0xEF)) {
              throw UNSUPPORTED;
            }
          }
        }
        pos = end;
      }
      if (comps == null || !sawScan) {
        throw UNSUPPORTED;
      }
      for (Component c : comps) {
        for (int k = 0; k < 64; k++) {
          if (c.bits[k] != 0) {
            throw UNSUPPORTED; // not fully refined: libjpeg would smooth the blocks
          }
        }
      }
      return encode();
    }

    private int u16(int at) throws Unsupported {
      if (at + 2 > d.length) {
        throw UNSUPPORTED;
      }
      return ((d[at] & 0xFF) << 8) | (d[at + 1] & 0xFF);
    }

    /** The marker at {@code pos} (fill bytes allowed, nothing else); pos is left after it. */
    private int nextMarker() throws Unsupported {
      if (pos >= d.length || (d[pos] & 0xFF) != 0xFF) {
        throw UNSUPPORTED;
      }
      while (pos < d.length && (d[pos] & 0xFF) == 0xFF) {
        pos++;
      }
      if (pos >= d.length) {
        throw UNSUPPORTED;
      }
      return d[pos++] & 0xFF;
    }

    private void readFrame(int start, int end) throws Unsupported {
      if (end - start < 6 || (d[start] & 0xFF) != 8) {
        throw UNSUPPORTED;
      }
      height = u16(start + 1);
      width = u16(start + 3);
      int n = d[start + 5] & 0xFF;
      if (height == 0 || width == 0 || n < 1 || n > 4 || end - start != 6 + 3 * n) {
        throw UNSUPPORTED;
      }
      comps = new Component[n];
      int blocksInMcu = 0;
      for (int i = 0; i < n; i++) {
        Component c = new Component();
        int o = start + 6 + 3 * i;
        c.id = d[o] & 0xFF;
        c.h = (d[o + 1] & 0xFF) >> 4;
        c.v = d[o + 1] & 0x0F;
        c.tq = d[o + 2] & 0xFF;
        if (c.h < 1 || c.h > 4 || c.v < 1 || c.v > 4 || c.tq > 3) {
          throw UNSUPPORTED;
        }
        for (int j = 0; j < i; j++) {
          if (comps[j].id == c.id) {
            throw UNSUPPORTED;
          }
        }
        java.util.Arrays.fill(c.bits, -1);
        hmax = Math.max(hmax, c.h);
        vmax = Math.max(vmax, c.v);
        blocksInMcu += c.h * c.v;
        comps[i] = c;
      }
      if (n > 1 && blocksInMcu > 10) {
        throw UNSUPPORTED; // no single interleaved baseline scan can hold it
      }
      mcusPerLine = ceilDiv(width, 8 * hmax);
      mcusPerColumn = ceilDiv(height, 8 * vmax);
      long total = 0;
      for (Component c : comps) {
        c.blocksPerLine = ceilDiv(ceilDiv(width * c.h, hmax), 8);
        c.blocksPerColumn = ceilDiv(ceilDiv(height * c.v, vmax), 8);
        c.blocksPerLineMcu = mcusPerLine * c.h;
        c.blocksPerColumnMcu = mcusPerColumn * c.v;
        total += (long) c.blocksPerLineMcu * c.blocksPerColumnMcu * 64;
      }
      if (total > 64L << 20) {
        throw UNSUPPORTED; // above 64 Mi coefficients (128 MiB): leave it to the decoder
      }
      for (Component c : comps) {
        c.coefs = new short[c.blocksPerLineMcu * c.blocksPerColumnMcu * 64];
        c.nonZero = new long[c.blocksPerLineMcu * c.blocksPerColumnMcu];
      }
    }

    private void readHuffmanTables(int start, int end) throws Unsupported {
      int p = start;
      while (p < end) {
        int tc = (d[p] & 0xFF) >> 4;
        int th = d[p] & 0x0F;
        if (tc > 1 || th > 3 || p + 17 > end) {
          throw UNSUPPORTED;
        }
        int[] counts = new int[17];
        int total = 0;
        for (int i = 1; i <= 16; i++) {
          counts[i] = d[p + i] & 0xFF;
          total += counts[i];
        }
        p += 17;
        if (total > 256 || p + total > end) {
          throw UNSUPPORTED;
        }
        int[] values = new int[total];
        for (int i = 0; i < total; i++) {
          values[i] = d[p + i] & 0xFF;
        }
        p += total;
        (tc == 0 ? dc : ac)[th] = new Decoder(counts, values);
      }
    }

    private void readScan(int start, int end) throws Unsupported {
      if (comps == null) {
        throw UNSUPPORTED;
      }
      int ns = d[start] & 0xFF;
      if (ns < 1 || ns > 4 || end - start != 4 + 2 * ns) {
        throw UNSUPPORTED;
      }
      Component[] scan = new Component[ns];
      Decoder[] dcs = new Decoder[ns];
      Decoder[] acs = new Decoder[ns];
      for (int i = 0; i < ns; i++) {
        int id = d[start + 1 + 2 * i] & 0xFF;
        int tables = d[start + 2 + 2 * i] & 0xFF;
        for (Component c : comps) {
          if (c.id == id) {
            scan[i] = c;
          }
        }
        if (scan[i] == null) {
          throw UNSUPPORTED;
        }
        dcs[i] = dc[tables >> 4];
        acs[i] = ac[tables & 0x0F];
      }
      int p = start + 1 + 2 * ns;
      int ss = d[p] & 0xFF;
      int se = d[p + 1] & 0xFF;
      int ah = (d[p + 2] & 0xFF) >> 4;
      int al = d[p + 2] & 0x0F;
      // the validity rules libjpeg applies to progressive scans (jdphuff.c start_pass_phuff_decoder)
      if (ss == 0 ? se != 0 : (se < ss || se > 63 || ns != 1)) {
        throw UNSUPPORTED;
      }
      if ((ah != 0 && al != ah - 1) || al > 13) {
        throw UNSUPPORTED;
      }
      for (int i = 0; i < ns; i++) {
        Component c = scan[i];
        if (ss != 0 && c.bits[0] < 0) {
          throw UNSUPPORTED; // AC before DC
        }
        for (int k = ss; k <= se; k++) {
          int expected = ah == 0 ? -1 : ah;
          if (c.bits[k] != expected) {
            throw UNSUPPORTED; // out of order, repeated or overlapping scans
          }
          c.bits[k] = al;
        }
        if (ss == 0 ? (ah == 0 ? dcs[i] == null : false) : (acs[i] == null)) {
          throw UNSUPPORTED;
        }
        c.pred = 0;
      }
      sawScan = true;
      bitBuf = 0;
      bitCount = 0;
      eobrun = 0;
      int mcus;
      if (ns == 1) {
        Component c = scan[0];
        mcus = c.blocksPerLine * c.blocksPerColumn;
      } else {
        mcus = mcusPerLine * mcusPerColumn;
      }
      int restartsLeft = restartInterval;
      int expectedRst = 0;
      for (int m = 0; m < mcus; m++) {
        if (restartInterval > 0) {
          if (restartsLeft == 0) {
            // byte-align, then the RSTn marker must come next
            bitCount = 0;
            if (pos + 1 >= d.length || (d[pos] & 0xFF) != 0xFF || (d[pos + 1] & 0xFF) != 0xD0 + expectedRst) {
              throw UNSUPPORTED;
            }
            pos += 2;
            expectedRst = (expectedRst + 1) & 7;
            restartsLeft = restartInterval;
            eobrun = 0;
            for (Component c : scan) {
              c.pred = 0;
            }
          }
          restartsLeft--;
        }
        if (ns == 1) {
          Component c = scan[0];
          int row = m / c.blocksPerLine;
          int col = m % c.blocksPerLine;
          decodeBlock(c, (row * c.blocksPerLineMcu + col) * 64, dcs[0], acs[0], ss, se, ah, al);
        } else {
          int mcuRow = m / mcusPerLine;
          int mcuCol = m % mcusPerLine;
          for (int i = 0; i < ns; i++) {
            Component c = scan[i];
            for (int by = 0; by < c.v; by++) {
              for (int bx = 0; bx < c.h; bx++) {
                int row = mcuRow * c.v + by;
                int col = mcuCol * c.h + bx;
                decodeBlock(c, (row * c.blocksPerLineMcu + col) * 64, dcs[i], acs[i], ss, se, ah, al);
              }
            }
          }
        }
      }
      // the entropy-coded data must end here: the next byte starts a marker
      bitCount = 0;
      if (pos + 1 >= d.length || (d[pos] & 0xFF) != 0xFF || (d[pos + 1] & 0xFF) == 0
          || ((d[pos + 1] & 0xFF) >= 0xD0 && (d[pos + 1] & 0xFF) <= 0xD7)) {
        throw UNSUPPORTED;
      }
    }

    private void decodeBlock(Component c, int b, Decoder dcTable, Decoder acTable, int ss, int se, int ah, int al)
        throws Unsupported {
      short[] coefs = c.coefs;
      if (ss == 0) {
        if (ah == 0) {
          int t = decode(dcTable);
          if (t > 11) {
            throw UNSUPPORTED;
          }
          int diff = t == 0 ? 0 : extend(bits(t), t);
          c.pred += diff;
          int value = c.pred * (1 << al);
          if (value < -1024 || value > 1023) {
            throw UNSUPPORTED; // outside what 8-bit samples give
          }
          coefs[b] = (short) value;
        } else if (bit() != 0) {
          coefs[b] |= (short) (1 << al);
        }
        return;
      }
      if (ah == 0) {
        if (eobrun > 0) {
          eobrun--;
          return;
        }
        for (int k = ss; k <= se; k++) {
          int rs = decode(acTable);
          int r = rs >> 4;
          int s = rs & 15;
          if (s == 0) {
            if (r < 15) {
              eobrun = (1 << r) - 1;
              if (r > 0) {
                eobrun += bits(r);
              }
              break;
            }
            k += 15;
            continue;
          }
          k += r;
          if (k > se || s > 10) {
            throw UNSUPPORTED;
          }
          int value = extend(bits(s), s) * (1 << al);
          if (value < -1024 || value > 1023) {
            throw UNSUPPORTED;
          }
          coefs[b + k] = (short) value;
          c.nonZero[b >> 6] |= 1L << k;
        }
        return;
      }
      // AC refinement (libjpeg jdphuff.c decode_mcu_AC_refine)
      int p1 = 1 << al;
      int m1 = -1 << al;
      int k = ss;
      if (eobrun == 0) {
        for (; k <= se; k++) {
          int rs = decode(acTable);
          int r = rs >> 4;
          int s = rs & 15;
          if (s != 0) {
            if (s != 1) {
              throw UNSUPPORTED;
            }
            s = bit() != 0 ? p1 : m1;
          } else if (r != 15) {
            eobrun = 1 << r;
            if (r > 0) {
              eobrun += bits(r);
            }
            break;
          }
          // Correction bits for the non-zero coefficients before the (r+1)-th zero one, which is where the new
          // coefficient goes (or, for a run of 16 zeros, the last zero skipped); found from the block's mask.
          long nz = c.nonZero[b >> 6];
          long band = (-1L << k) & (se == 63 ? -1L : (1L << (se + 1)) - 1);
          long zeros = ~nz & band;
          for (int i = 0; i < r && zeros != 0; i++) {
            zeros &= zeros - 1;
          }
          int target = zeros == 0 ? se + 1 : Long.numberOfTrailingZeros(zeros);
          long corrections = nz & band & (target >= 64 ? -1L : (1L << target) - 1);
          while (corrections != 0) {
            int kk = Long.numberOfTrailingZeros(corrections);
            corrections &= corrections - 1;
            int coef = coefs[b + kk];
            if (bit() != 0 && (coef & p1) == 0) {
              coefs[b + kk] = (short) (coef >= 0 ? coef + p1 : coef + m1);
            }
          }
          k = target;
          if (s != 0) {
            if (k > se) {
              throw UNSUPPORTED;
            }
            coefs[b + k] = (short) s;
            c.nonZero[b >> 6] |= 1L << k;
          }
        }
      }
      if (eobrun > 0) {
        // a correction bit for each non-zero coefficient left in the band, found from the block's mask
        if (k <= se) {
          long band = c.nonZero[b >> 6] & (-1L << k) & (se == 63 ? -1L : (1L << (se + 1)) - 1);
          while (band != 0) {
            int kk = Long.numberOfTrailingZeros(band);
            band &= band - 1;
            int coef = coefs[b + kk];
            if (bit() != 0 && (coef & p1) == 0) {
              coefs[b + kk] = (short) (coef >= 0 ? coef + p1 : coef + m1);
            }
          }
        }
        eobrun--;
      }
    }

    private int bit() throws Unsupported {
      return bits(1);
    }

    private int bits(int n) throws Unsupported {
      if (bitCount < n) {
        fill();
        if (bitCount < n) {
          throw UNSUPPORTED; // the data ends (a marker) before the bits it needs
        }
      }
      bitCount -= n;
      return (int) (bitBuf >>> bitCount) & ((1 << n) - 1);
    }

    /**
     * Entropy-coded bytes into the bit buffer, up to 56 bits, stopping before a marker (0xFF followed by anything but
     * a stuffed zero): the bytes after the data are never taken.
     */
    private void fill() {
      while (bitCount <= 48 && pos < d.length) {
        int b = d[pos] & 0xFF;
        if (b == 0xFF) {
          if (pos + 1 >= d.length || d[pos + 1] != 0) {
            return;
          }
          pos += 2;
        } else {
          pos++;
        }
        bitBuf = (bitBuf << 8) | b;
        bitCount += 8;
      }
    }

    private int decode(Decoder t) throws Unsupported {
      if (bitCount < 16) {
        fill();
      }
      if (bitCount >= 8) {
        int e = t.lookahead[(int) (bitBuf >>> (bitCount - 8)) & 0xFF];
        if (e != 0) {
          bitCount -= e >> 8;
          return e & 0xFF;
        }
      }
      for (int len = 1; len <= 16 && len <= bitCount; len++) {
        int code = (int) (bitBuf >>> (bitCount - len)) & ((1 << len) - 1);
        if (code <= t.maxCode[len]) {
          bitCount -= len;
          return t.values[t.valOffset[len] + code];
        }
      }
      throw UNSUPPORTED;
    }

    private static int extend(int v, int t) {
      return v < (1 << (t - 1)) ? v - (1 << t) + 1 : v;
    }

    // ----------------------------------------------------------------------------------------------------------
    // Baseline encoding with the standard tables (JPEG Annex K), which code every value 8-bit data can hold
    // ----------------------------------------------------------------------------------------------------------

    private byte[] encode() {
      ByteArrayOutputStream out = new ByteArrayOutputStream(d.length + 1024);
      out.write(0xFF);
      out.write(0xD8);
      byte[] kept = header.toByteArray();
      out.write(kept, 0, kept.length);
      // SOF0
      int n = comps.length;
      out.write(0xFF);
      out.write(0xC0);
      writeU16(out, 8 + 3 * n);
      out.write(8);
      writeU16(out, height);
      writeU16(out, width);
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

    private static int ceilDiv(int a, int b) {
      return (a + b - 1) / b;
    }
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
