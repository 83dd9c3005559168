package dev.imgsearch.image;

import java.util.zip.CRC32;

/** A chunk walk over PNG bytes that tells a truncated file (a valid prefix) from a corrupt one. */
final class PngSupport {
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  private PngSupport() {}

  /**
   * CORRUPT when the first chunk is not a 13-byte IHDR, a chunk type is not four letters or a CRC does not match;
   * TRUNCATED when the data ends before IEND with every complete chunk intact; COMPLETE when IEND is reached.
   */
  static Completeness structure(byte[] d) {
    int n = d.length;
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (i >= n) {
        return Completeness.TRUNCATED;
      }
      if (d[i] != SIGNATURE[i]) {
        return Completeness.CORRUPT;
      }
    }
    int pos = SIGNATURE.length;
    boolean first = true;
    CRC32 crc = new CRC32();
    while (true) {
      if (pos + 8 > n) {
        return Completeness.TRUNCATED;
      }
      long length = ((d[pos] & 0xFFL) << 24) | ((d[pos + 1] & 0xFF) << 16) | ((d[pos + 2] & 0xFF) << 8)
          | (d[pos + 3] & 0xFF);
      for (int i = 4; i < 8; i++) {
        int c = d[pos + i] & 0xFF;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) {
          return Completeness.CORRUPT;
        }
      }
      boolean ihdr = d[pos + 4] == 'I' && d[pos + 5] == 'H' && d[pos + 6] == 'D' && d[pos + 7] == 'R';
      if (first && (!ihdr || length != 13) || length > Integer.MAX_VALUE) {
        return Completeness.CORRUPT;
      }
      first = false;
      if (pos + 12 + length > n) {
        return Completeness.TRUNCATED;
      }
      int dataEnd = pos + 8 + (int) length;
      crc.reset();
      crc.update(d, pos + 4, 4 + (int) length);
      long stored = ((d[dataEnd] & 0xFFL) << 24) | ((d[dataEnd + 1] & 0xFF) << 16)
          | ((d[dataEnd + 2] & 0xFF) << 8) | (d[dataEnd + 3] & 0xFF);
      if (crc.getValue() != stored) {
        return Completeness.CORRUPT;
      }
      if (d[pos + 4] == 'I' && d[pos + 5] == 'E' && d[pos + 6] == 'N' && d[pos + 7] == 'D') {
        return Completeness.COMPLETE;
      }
      pos = dataEnd + 4;
    }
  }
}
