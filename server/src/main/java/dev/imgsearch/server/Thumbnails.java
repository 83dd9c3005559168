package dev.imgsearch.server;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.image.ImageDecoder;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Makes JPEG thumbnails of indexed images, server-side: decoded with the server's decoder (so its pixel limit
 * applies), scaled to fit a square, cached by id, size and content hash in a bounded cache. At most a few decodes
 * run at once, so large originals cannot take the heap together.
 */
final class Thumbnails {
  private final ImageDecoder decoder;
  private final Semaphore decodes;
  private final Cache<String, byte[]> cache;

  Thumbnails(ImageDecoder decoder, int parallelDecodes, long cacheBytes) {
    this.decoder = decoder;
    this.decodes = new Semaphore(parallelDecodes);
    this.cache = CacheBuilder.newBuilder().maximumWeight(cacheBytes)
        .<String, byte[]>weigher((k, v) -> v.length + k.length()).build();
  }

  /** The JPEG bytes of the thumbnail of a file, at most {@code size} pixels wide and high. */
  byte[] thumbnail(String key, Path file, int size) {
    try {
      return cache.get(key, () -> make(file, size));
    } catch (ExecutionException | com.google.common.util.concurrent.UncheckedExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private byte[] make(Path file, int size) throws InterruptedException {
    decodes.acquire();
    BufferedImage src;
    try {
      src = decoder.decode(ImageInput.of(file));
    } finally {
      decodes.release();
    }
    return jpeg(scale(src, size));
  }

  static BufferedImage scale(BufferedImage src, int size) {
    double f = Math.min(1.0, (double) size / Math.max(src.getWidth(), src.getHeight()));
    int w = Math.max(1, (int) Math.round(src.getWidth() * f));
    int h = Math.max(1, (int) Math.round(src.getHeight() * f));
    BufferedImage cur = src;
    int cw = src.getWidth();
    int ch = src.getHeight();
    // Halve step by step, then one last bilinear step: close to area averaging, and fast.
    do {
      cw = Math.max(w, cw / 2);
      ch = Math.max(h, ch / 2);
      if (cur.getWidth() / 2 < w || cur.getHeight() / 2 < h) {
        cw = w;
        ch = h;
      }
      BufferedImage next = new BufferedImage(cw, ch, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = next.createGraphics();
      try {
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, cw, ch);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(cur, 0, 0, cw, ch, null);
      } finally {
        g.dispose();
      }
      cur = next;
    } while (cw != w || ch != h);
    return cur;
  }

  static byte[] jpeg(BufferedImage img) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter writer = writers.next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(0.85f);
      writer.write(null, new IIOImage(img, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }
}
