package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Tells why no decoder recognised an input, from what its bytes are and what its name claims: a file named as a
 * supported image format whose bytes are not that format is damaged or misnamed (corrupt), while a file in a known
 * format this decoder does not handle (HEIC, AVIF, SVG, PDF, ...) is unsupported and can be converted.
 */
final class FormatSniffer {
  private static final int HEAD = 64;

  /** File extensions of the formats the decoder reads, and the format each names. */
  private static final Map<String, String> CLAIMED = Map.ofEntries(
      Map.entry("jpg", "JPEG"), Map.entry("jpeg", "JPEG"), Map.entry("jpe", "JPEG"), Map.entry("jfif", "JPEG"),
      Map.entry("png", "PNG"), Map.entry("gif", "GIF"), Map.entry("bmp", "BMP"), Map.entry("webp", "WebP"),
      Map.entry("tif", "TIFF"), Map.entry("tiff", "TIFF"));

  private FormatSniffer() {}

  /** The first bytes of the input (at most 64), or an empty array when they cannot be read. */
  static byte[] head(ImageInput input) {
    if (input.bytes() != null) {
      byte[] bytes = input.bytes();
      byte[] head = new byte[Math.min(HEAD, bytes.length)];
      System.arraycopy(bytes, 0, head, 0, head.length);
      return head;
    }
    try (var in = Files.newInputStream(input.path())) {
      return in.readNBytes(HEAD);
    } catch (IOException e) {
      return new byte[0];
    }
  }

  /** The supported format the input's file name claims ({@code photo.jpg}: JPEG), if it has a name and claims one. */
  static Optional<String> claimedFormat(ImageInput input) {
    Path path = input.path();
    if (path == null || path.getFileName() == null) {
      return Optional.empty();
    }
    String name = path.getFileName().toString();
    int dot = name.lastIndexOf('.');
    return dot < 0 ? Optional.empty()
        : Optional.ofNullable(CLAIMED.get(name.substring(dot + 1).toLowerCase(Locale.ROOT)));
  }

  /** A known format that the decoder does not read (HEIC, AVIF, SVG, PDF, ...), recognised from the first bytes. */
  static Optional<String> unsupportedFormat(byte[] head) {
    if (head.length >= 12 && ascii(head, 4, 4).equals("ftyp")) {
      String brand = ascii(head, 8, 4);
      if (brand.startsWith("avi")) {
        return Optional.of("AVIF");
      }
      if (brand.startsWith("hei") || brand.startsWith("hev") || brand.equals("mif1") || brand.equals("msf1")) {
        return Optional.of("HEIC/HEIF");
      }
      return Optional.of("an ISO media file (" + brand.trim() + ")");
    }
    if (startsWith(head, 0x25, 0x50, 0x44, 0x46)) {
      return Optional.of("PDF");
    }
    if (startsWith(head, 0xFF, 0x0A) || startsWith(head, 0, 0, 0, 0x0C, 0x4A, 0x58, 0x4C, 0x20)) {
      return Optional.of("JPEG XL");
    }
    if (startsWith(head, 0x38, 0x42, 0x50, 0x53)) {
      return Optional.of("Photoshop (PSD)");
    }
    if (startsWith(head, 0, 0, 1, 0)) {
      return Optional.of("ICO");
    }
    String text = new String(head, StandardCharsets.ISO_8859_1).stripLeading().toLowerCase(Locale.ROOT);
    if (text.startsWith("<svg") || text.startsWith("<?xml") && text.contains("<svg")) {
      return Optional.of("SVG (a vector image)");
    }
    return Optional.empty();
  }

  private static boolean startsWith(byte[] head, int... signature) {
    if (head.length < signature.length) {
      return false;
    }
    for (int i = 0; i < signature.length; i++) {
      if ((head[i] & 0xFF) != signature[i]) {
        return false;
      }
    }
    return true;
  }

  private static String ascii(byte[] bytes, int from, int length) {
    return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
  }
}
