package dev.imgsearch.image;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;

/**
 * The quantized DCT coefficients of a Huffman-coded 8-bit JPEG, entropy-decoded from its scans (sequential, baseline
 * or extended, and progressive, with restart intervals), with the quantization tables and the header segments that
 * precede the first scan. Shared by {@link JpegTranscoder} (which re-encodes progressive files as baseline) and
 * {@link JpegScaledDecoder} (which decodes at 1/2, 1/4 or 1/8 of the size from the coefficients).
 *
 * <p>Conservative: anything unusual (arithmetic coding, lossless or hierarchical frames, 12-bit samples, more than 10
 * blocks per MCU, a table redefined between scans, an invalid code, data ending early or extra bytes before a
 * marker, a missing EOI, a DNL marker) raises {@link Unsupported}, and the caller falls back to the JDK's decoder,
 * with its own warnings and errors. Whether progressive coefficients are fully refined is the caller's question
 * ({@link #fullyRefined()}): libjpeg smooths the blocks of partially refined images.
 */
final class JpegCoefficients {
  /** Thrown for anything that makes the file unsuitable; callers turn it into "not handled here". */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    private Unsupported() {
      super(null, null, false, false);
    }
  }

  static final Unsupported UNSUPPORTED = new Unsupported();

  /** Natural (row-major) position to zigzag index: coefficient (row r, column c) is {@code coefs[ZIGZAG[8r + c]]}. */
  static final int[] ZIGZAG = {
      0, 1, 5, 6, 14, 15, 27, 28,
      2, 4, 7, 13, 16, 26, 29, 42,
      3, 8, 12, 17, 25, 30, 41, 43,
      9, 11, 18, 24, 31, 40, 44, 53,
      10, 19, 23, 32, 39, 45, 52, 54,
      20, 22, 33, 38, 46, 51, 55, 60,
      21, 34, 37, 47, 50, 56, 59, 61,
      35, 36, 48, 49, 57, 58, 62, 63,
  };

  /** One component of the frame and its coefficients. */
  static final class Component {
    int id;
    int h;
    int v;
    int tq;
    /** Blocks that hold image data, per row and per column (libjpeg's width_in_blocks, height_in_blocks). */
    int blocksPerLine;
    int blocksPerColumn;
    /** Blocks of the MCU-padded grid, per row and per column. */
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

  Component[] comps;
  int width;
  int height;
  int hmax;
  int vmax;
  int mcusPerLine;
  int mcusPerColumn;
  /** A progressive frame (SOF2); otherwise sequential (SOF0 or SOF1). */
  boolean progressive;
  /** The quantization tables, values in zigzag order, by table id; null where not defined. */
  final int[][] quant = new int[4][];
  /** The APPn, COM and DQT segments before the first scan, markers included, in their order. */
  final ByteArrayOutputStream header = new ByteArrayOutputStream();

  private JpegCoefficients() {}

  /**
   * Decodes the coefficients of a whole file.
   *
   * @throws Unsupported for anything this class does not handle (see the class comment)
   */
  static JpegCoefficients read(byte[] jpeg) throws Unsupported {
    JpegCoefficients result = new JpegCoefficients();
    try {
      new Reader(jpeg, result).run();
    } catch (RuntimeException e) {
      throw UNSUPPORTED;
    }
    return result;
  }

  /** True when every coefficient of every component was coded to its last bit (always so for sequential files). */
  boolean fullyRefined() {
    for (Component c : comps) {
      for (int k = 0; k < 64; k++) {
        if (c.bits[k] != 0) {
          return false;
        }
      }
    }
    return true;
  }

  static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
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

  private static final class Reader {
    private final byte[] d;
    private final JpegCoefficients out;
    private int pos;
    private final Decoder[] dc = new Decoder[4];
    private final Decoder[] ac = new Decoder[4];
    private Component[] comps;
    private int restartInterval;
    private boolean sawScan;
    // bit reader
    private long bitBuf;
    private int bitCount;
    private int eobrun;

    Reader(byte[] d, JpegCoefficients out) {
      this.d = d;
      this.out = out;
    }

    void run() throws Unsupported {
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
          case 0xC0, 0xC1, 0xC2 -> {
            if (comps != null) {
              throw UNSUPPORTED;
            }
            out.progressive = marker == 0xC2;
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
              if (marker == 0xDB) {
                readQuantTables(start, end);
              }
              // APPn, COM, DQT: kept as they are, in their order (what precedes the first scan)
              out.header.write(0xFF);
              out.header.write(marker);
              out.header.write(d, pos, length);
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
        if (out.quant[c.tq] == null) {
          throw UNSUPPORTED;
        }
      }
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

    private void readQuantTables(int start, int end) throws Unsupported {
      int p = start;
      while (p < end) {
        int pq = (d[p] & 0xFF) >> 4;
        int tq = d[p] & 0x0F;
        if (pq > 1 || tq > 3 || p + 1 + 64 * (pq + 1) > end) {
          throw UNSUPPORTED;
        }
        int[] table = new int[64];
        for (int k = 0; k < 64; k++) {
          table[k] = pq == 0 ? d[p + 1 + k] & 0xFF : u16(p + 1 + 2 * k);
        }
        out.quant[tq] = table;
        p += 1 + 64 * (pq + 1);
      }
    }

    private void readFrame(int start, int end) throws Unsupported {
      if (end - start < 6 || (d[start] & 0xFF) != 8) {
        throw UNSUPPORTED;
      }
      int height = u16(start + 1);
      int width = u16(start + 3);
      int n = d[start + 5] & 0xFF;
      if (height == 0 || width == 0 || n < 1 || n > 4 || end - start != 6 + 3 * n) {
        throw UNSUPPORTED;
      }
      comps = new Component[n];
      int hmax = 0;
      int vmax = 0;
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
        Arrays.fill(c.bits, -1);
        hmax = Math.max(hmax, c.h);
        vmax = Math.max(vmax, c.v);
        blocksInMcu += c.h * c.v;
        comps[i] = c;
      }
      if (n > 1 && blocksInMcu > 10) {
        throw UNSUPPORTED; // no single interleaved baseline scan can hold it
      }
      int mcusPerLine = ceilDiv(width, 8 * hmax);
      int mcusPerColumn = ceilDiv(height, 8 * vmax);
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
      out.comps = comps;
      out.width = width;
      out.height = height;
      out.hmax = hmax;
      out.vmax = vmax;
      out.mcusPerLine = mcusPerLine;
      out.mcusPerColumn = mcusPerColumn;
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
      boolean sequential = !out.progressive;
      if (sequential) {
        if (ss != 0 || se != 63 || ah != 0 || al != 0) {
          throw UNSUPPORTED;
        }
        for (int i = 0; i < ns; i++) {
          if (scan[i].bits[0] != -1 || dcs[i] == null || acs[i] == null) {
            throw UNSUPPORTED; // a component in two scans, or a missing table
          }
          Arrays.fill(scan[i].bits, 0);
          scan[i].pred = 0;
        }
      } else {
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
        mcus = out.mcusPerLine * out.mcusPerColumn;
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
          int b = (row * c.blocksPerLineMcu + col) * 64;
          if (sequential) {
            decodeSequentialBlock(c, b, dcs[0], acs[0]);
          } else {
            decodeBlock(c, b, dcs[0], acs[0], ss, se, ah, al);
          }
        } else {
          int mcuRow = m / out.mcusPerLine;
          int mcuCol = m % out.mcusPerLine;
          for (int i = 0; i < ns; i++) {
            Component c = scan[i];
            for (int by = 0; by < c.v; by++) {
              for (int bx = 0; bx < c.h; bx++) {
                int row = mcuRow * c.v + by;
                int col = mcuCol * c.h + bx;
                int b = (row * c.blocksPerLineMcu + col) * 64;
                if (sequential) {
                  decodeSequentialBlock(c, b, dcs[i], acs[i]);
                } else {
                  decodeBlock(c, b, dcs[i], acs[i], ss, se, ah, al);
                }
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

    /** One block of a sequential scan: the DC difference, then the AC run/size codes up to EOB (jdhuff.c). */
    private void decodeSequentialBlock(Component c, int b, Decoder dcTable, Decoder acTable) throws Unsupported {
      short[] coefs = c.coefs;
      int t = decode(dcTable);
      if (t > 11) {
        throw UNSUPPORTED;
      }
      int diff = t == 0 ? 0 : extend(bits(t), t);
      int value = c.pred + diff;
      if (value < -1024 || value > 1023) {
        throw UNSUPPORTED; // outside what 8-bit samples give
      }
      c.pred = value;
      coefs[b] = (short) value;
      long nz = 0;
      for (int k = 1; k < 64; k++) {
        int rs = decode(acTable);
        int r = rs >> 4;
        int s = rs & 15;
        if (s == 0) {
          if (r != 15) {
            break;
          }
          k += 15;
          continue;
        }
        k += r;
        if (k > 63 || s > 10) {
          throw UNSUPPORTED;
        }
        coefs[b + k] = (short) extend(bits(s), s);
        nz |= 1L << k;
      }
      c.nonZero[b >> 6] = nz;
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
  }
}
