package dev.imgsearch.pipeline;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Writes test images, good and bad, into a directory. */
public final class TestFiles {
  private TestFiles() {}

  /** A solid image in the format of the file's extension (png, jpg, bmp, gif). */
  public static Path solid(Path file, Color colour) {
    return write(file, ColorEmbedder.solid(colour, 24, 20));
  }

  /** An image whose four quadrants have the given colours (top-left, top-right, bottom-left, bottom-right). */
  public static Path quadrants(Path file, Color tl, Color tr, Color bl, Color br) {
    BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 32; y++) {
      for (int x = 0; x < 32; x++) {
        Color c = y < 16 ? (x < 16 ? tl : tr) : (x < 16 ? bl : br);
        img.setRGB(x, y, c.getRGB());
      }
    }
    return write(file, img);
  }

  /** Writes an image in the format of the file's extension. */
  public static Path write(Path file, BufferedImage img) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      String name = file.getFileName().toString();
      String format = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
      if (format.equals("jpeg")) {
        format = "jpg";
      }
      if (!ImageIO.write(img, format, file.toFile())) {
        throw new IllegalStateException("no writer for " + format);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The encoded bytes of an image in a format. */
  public static byte[] encode(BufferedImage img, String format) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, format, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An empty file. */
  public static Path zeroBytes(Path file) {
    return bytes(file, new byte[0]);
  }

  /** A PNG signature followed by bytes that are no PNG chunk at all. */
  public static Path corruptPng(Path file) {
    byte[] garbage = new byte[400];
    for (int i = 0; i < garbage.length; i++) {
      garbage[i] = (byte) (i * 37 + 11);
    }
    byte[] sig = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    byte[] all = Arrays.copyOf(sig, sig.length + garbage.length);
    System.arraycopy(garbage, 0, all, sig.length, garbage.length);
    return bytes(file, all);
  }

  /** A real JPEG cut off after half of its bytes. */
  public static Path truncatedJpeg(Path file) {
    BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        img.setRGB(x, y, new Color(x * 4, y * 4, (x * y) % 256).getRGB());
      }
    }
    byte[] jpeg = encode(img, "jpg");
    return bytes(file, Arrays.copyOf(jpeg, jpeg.length / 2));
  }

  /**
   * A decompression bomb: a valid, small PNG (a few hundred bytes) whose header says 30000 x 30000 pixels, above
   * Pillow's (and the decoder's default) limit.
   */
  public static Path bombPng(Path file) {
    return bytes(file, bombPngBytes(30_000));
  }

  /**
   * A decompression bomb's bytes: a valid, small 8-bit grey PNG whose header says {@code side x side} pixels, with
   * the first few rows of zeros (the rest would follow in a real bomb).
   */
  public static byte[] bombPngBytes(int side) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      DataOutputStream d = new DataOutputStream(out);
      d.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      DataOutputStream h = new DataOutputStream(ihdr);
      h.writeInt(side);
      h.writeInt(side);
      h.write(new byte[] {8, 0, 0, 0, 0}); // 8-bit grey
      chunk(d, "IHDR", ihdr.toByteArray());
      Deflater deflater = new Deflater(9);
      deflater.setInput(new byte[(side + 1) * 4]); // four rows of zeros, each with its filter byte
      deflater.finish();
      byte[] buf = new byte[8192];
      int n = deflater.deflate(buf);
      chunk(d, "IDAT", Arrays.copyOf(buf, n));
      chunk(d, "IEND", new byte[0]);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void chunk(DataOutputStream d, String type, byte[] data) throws IOException {
    d.writeInt(data.length);
    byte[] t = type.getBytes(StandardCharsets.US_ASCII);
    d.write(t);
    d.write(data);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(data);
    d.writeInt((int) crc.getValue());
  }

  /** A text file with an image extension. */
  public static Path notAnImage(Path file) {
    return bytes(file, "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n".getBytes(StandardCharsets.UTF_8));
  }

  /** A symbolic link to a file that does not exist. */
  public static Path brokenLink(Path link) {
    try {
      Files.createDirectories(link.toAbsolutePath().getParent());
      return Files.createSymbolicLink(link, link.resolveSibling("does-not-exist-" + link.getFileName()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes bytes to a file. */
  public static Path bytes(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sets a file's modification time. */
  public static void setModified(Path file, FileTime time) {
    try {
      Files.setLastModifiedTime(file, time);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A file's modification time. */
  public static FileTime modified(Path file) {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
