import dev.imgsearch.image.Resampling;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The exact (Pillow-identical) resize, current implementation vs the previous one, in the same JVM: the time of one
 * resize of 8-bit RGB pixels (no decoding), single-threaded. Figures and the command in README.md.
 *
 * <p>Cases: 640x480 to 224x224 BICUBIC (the EfficientNet and CLIP-style recipes' resize), 4000x3000 (12 MP) to 298x224
 * BICUBIC (the shortest side to 224, as CLIP's), and 640x480 to 341x256 BILINEAR (torchvision's shortest side to 256).
 * The pixels are synthetic but photo-like (smooth gradients and texture with mild noise, so that the sums rarely
 * clip, as in photos; random noise would make the previous implementation's clipping branches mispredict). Both
 * implementations' outputs are checked to be byte-identical first.
 *
 * <p>Per case: a warm-up (the JIT), then {@code --rounds} rounds, each timing {@code --repeat} resizes with the
 * previous implementation then as many with the current one, alternating which goes first (so that a change in the
 * machine's load hits both); per round the mean time per resize of each, and their ratio (previous / current).
 * Printed: median [min-max] over the rounds, of wall-clock ms per resize and of the ratio, and the median ratio of
 * the thread's CPU time (robust to the thread being descheduled on a loaded machine).
 *
 * <pre>
 * ./mvnw -B -ntp -q -pl image -am package -DskipTests
 * java -cp image/target/classes benchmarks/image/ResizeBench.java [--rounds 9] [--repeat 0 (auto)]
 * </pre>
 */
public final class ResizeBench {
  /** The current implementation: package-private {@code dev.imgsearch.image.PillowResize.resample}, by reflection. */
  private static final Method CURRENT;

  static {
    try {
      CURRENT = Class.forName("dev.imgsearch.image.PillowResize").getDeclaredMethod("resample", byte[].class,
          int.class, int.class, int.class, int.class, int.class, Resampling.class);
      CURRENT.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private record Case(String name, int inWidth, int inHeight, int outWidth, int outHeight, Resampling filter) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int rounds = Integer.parseInt(a.getOrDefault("rounds", "9"));
    int repeatOption = Integer.parseInt(a.getOrDefault("repeat", "0"));
    Case[] cases = {
        new Case("640x480 -> 224x224 bicubic", 640, 480, 224, 224, Resampling.BICUBIC),
        new Case("4000x3000 -> 298x224 bicubic", 4000, 3000, 298, 224, Resampling.BICUBIC),
        new Case("640x480 -> 341x256 bilinear", 640, 480, 341, 256, Resampling.BILINEAR)};
    System.out.printf(Locale.ROOT, "java %s (%s), %d rounds, %d cores available, load average %s%n",
        System.getProperty("java.version"), System.getProperty("java.vm.name"), rounds,
        Runtime.getRuntime().availableProcessors(), loadAverage());
    System.out.printf(Locale.ROOT, "%-30s %6s %24s %24s %22s %10s%n", "case", "repeat", "previous ms med [min-max]",
        "current ms med [min-max]", "ratio med [min-max]", "cpu ratio");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (Case c : cases) {
      byte[] in = photoLike(c.inWidth, c.inHeight, 3);
      byte[] previous = Previous.resampleWindow(in, Previous.Layout.interleaved(c.inWidth, 3), c.inWidth, c.inHeight,
          3, c.outWidth, c.outHeight, c.filter, 0, 0, c.outWidth, c.outHeight);
      if (!Arrays.equals(previous, current(in, c))) {
        throw new IllegalStateException(c.name + ": the implementations differ");
      }
      // about 12 M source pixels per timed batch (at least two resizes)
      int repeat = repeatOption > 0 ? repeatOption : Math.max(2, 12_000_000 / (c.inWidth * c.inHeight));
      for (int i = 0; i < 12; i++) { // warm-up: both fully compiled by C2
        run(in, c, repeat, true);
        run(in, c, repeat, false);
      }
      double[] previousMs = new double[rounds];
      double[] currentMs = new double[rounds];
      double[] ratio = new double[rounds];
      double[] cpuRatio = new double[rounds];
      for (int r = 0; r < rounds; r++) {
        boolean previousFirst = r % 2 == 0;
        long[] first = timed(threads, in, c, repeat, previousFirst);
        long[] second = timed(threads, in, c, repeat, !previousFirst);
        long[] p = previousFirst ? first : second;
        long[] q = previousFirst ? second : first;
        previousMs[r] = p[0] / 1e6 / repeat;
        currentMs[r] = q[0] / 1e6 / repeat;
        ratio[r] = (double) p[0] / q[0];
        cpuRatio[r] = (double) p[1] / q[1];
      }
      System.out.printf(Locale.ROOT, "%-30s %6d %24s %24s %22s %9.2fx%n", c.name, repeat,
          summary(previousMs, "%.2f"), summary(currentMs, "%.2f"), summary(ratio, "%.2fx"), median(cpuRatio));
      StringBuilder perRound = new StringBuilder();
      for (double x : ratio) {
        perRound.append(String.format(Locale.ROOT, " %.2f", x));
      }
      System.out.println("  ratio per round:" + perRound);
    }
  }

  /** Wall-clock and thread CPU nanoseconds of {@code repeat} resizes. */
  private static long[] timed(ThreadMXBean threads, byte[] in, Case c, int repeat, boolean previous)
      throws Exception {
    long cpu = threads.getCurrentThreadCpuTime();
    long wall = System.nanoTime();
    run(in, c, repeat, previous);
    return new long[] {System.nanoTime() - wall, threads.getCurrentThreadCpuTime() - cpu};
  }

  private static void run(byte[] in, Case c, int repeat, boolean previous) throws Exception {
    for (int i = 0; i < repeat; i++) {
      byte[] out = previous
          ? Previous.resampleWindow(in, Previous.Layout.interleaved(c.inWidth, 3), c.inWidth, c.inHeight, 3,
              c.outWidth, c.outHeight, c.filter, 0, 0, c.outWidth, c.outHeight)
          : current(in, c);
      if (out.length != c.outWidth * c.outHeight * 3) {
        throw new IllegalStateException("wrong size");
      }
    }
  }

  private static byte[] current(byte[] in, Case c) throws Exception {
    try {
      return (byte[]) CURRENT.invoke(null, in, c.inWidth, c.inHeight, 3, c.outWidth, c.outHeight, c.filter);
    } catch (InvocationTargetException e) {
      throw (Exception) e.getCause();
    }
  }

  /** Smooth gradients, two textures and mild noise per band, deterministic. */
  private static byte[] photoLike(int width, int height, int bands) {
    byte[] out = new byte[width * height * bands];
    long seed = 12345;
    for (int y = 0, o = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int b = 0; b < bands; b++) {
          seed = seed * 6364136223846793005L + 1442695040888963407L;
          double v = 40 + 120.0 * x / width + 60.0 * y / height
              + 25 * Math.sin(x * (0.05 + 0.02 * b)) * Math.cos(y * 0.03)
              + 10 * Math.sin((x + 2 * y) * 0.4) + ((seed >>> 60) - 8);
          out[o++] = (byte) Math.max(0, Math.min(255, (int) v));
        }
      }
    }
    return out;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String summary(double[] values, String format) {
    double[] s = values.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, format + " [" + format + "-" + format + "]", median(values), s[0],
        s[s.length - 1]);
  }

  /**
   * THE PREVIOUS IMPLEMENTATION (benchmark baseline only): {@code dev.imgsearch.image.PillowResize}'s convolution
   * resize as it was before the vectorisable passes (git 74e436f), copied unchanged but for the filter functions,
   * which are package-private in {@code Resampling}: scalar horizontal pass (RGB two rows at a time on six unpacked
   * int planes), vertical pass on byte rows.
   */
  static final class Previous {
    static final int PRECISION_BITS = 32 - 8 - 2;

    private static final int HALF = 1 << (PRECISION_BITS - 1);
    private static final Method TABLE;
    private static final Field KSIZE;
    private static final Field BOUNDS;
    private static final Field WEIGHTS;

    static {
      try {
        TABLE = Class.forName("dev.imgsearch.image.PillowResize").getDeclaredMethod("coefficients", int.class,
            int.class, Resampling.class, int.class, int.class);
        TABLE.setAccessible(true);
        Class<?> table = Class.forName("dev.imgsearch.image.PillowResize$Coefficients");
        KSIZE = table.getDeclaredField("ksize");
        BOUNDS = table.getDeclaredField("bounds");
        WEIGHTS = table.getDeclaredField("weights");
        for (Field f : new Field[] {KSIZE, BOUNDS, WEIGHTS}) {
          f.setAccessible(true);
        }
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    /**
     * Pillow's resize of a window of the output for a convolution filter, reading the source pixels where they are
     * (for instance in a {@code BufferedImage}'s data buffer) as described by {@code layout}; the result is
     * interleaved in the layout's band order.
     */
    static byte[] resampleWindow(byte[] in, Layout layout, int inWidth, int inHeight, int bands, int outWidth,
        int outHeight, Resampling filter, int wx, int wy, int ww, int wh) {
      checkWindow(outWidth, outHeight, wx, wy, ww, wh);
      if (filter == Resampling.NEAREST) {
        throw new IllegalArgumentException("NEAREST is not a convolution filter");
      }
      boolean needHorizontal = outWidth != inWidth;
      boolean needVertical = outHeight != inHeight;
      Coefficients vertical = needVertical ? coefficients(inHeight, outHeight, filter, wy, wh) : null;
      // As Pillow, only the source rows the vertical pass reads are resampled horizontally.
      int firstRow = needVertical ? vertical.bounds[0] : wy;
      int lastRow = needVertical ? vertical.bounds[(wh - 1) * 2] + vertical.bounds[(wh - 1) * 2 + 1] : wy + wh;
      byte[] current;
      if (needHorizontal) {
        current = horizontal(in, layout, bands, firstRow, lastRow - firstRow, ww,
            coefficients(inWidth, outWidth, filter, wx, ww));
      } else {
        current = new byte[(lastRow - firstRow) * ww * bands];
        for (int y = firstRow, o = 0; y < lastRow; y++) {
          for (int x = wx; x < wx + ww; x++) {
            int p = layout.base + y * layout.scanline + x * layout.pixelStride;
            for (int b = 0; b < bands; b++) {
              current[o++] = in[p + layout.bandOffsets[b]];
            }
          }
        }
      }
      if (needVertical) {
        current = vertical(current, ww * bands, firstRow, wh, vertical);
      }
      return current;
    }

    private static void checkWindow(int outWidth, int outHeight, int wx, int wy, int ww, int wh) {
      if (wx < 0 || wy < 0 || ww < 1 || wh < 1 || wx + ww > outWidth || wy + wh > outHeight) {
        throw new IllegalArgumentException("window " + ww + "x" + wh + "+" + wx + "+" + wy + " is not inside "
            + outWidth + "x" + outHeight);
      }
    }

    /**
     * Where 8-bit samples are in a byte array: band {@code b} of pixel (x, y) is at
     * {@code base + y * scanline + x * pixelStride + bandOffsets[b]}.
     */
    static final class Layout {
      final int base;
      final int scanline;
      final int pixelStride;
      final int[] bandOffsets;

      Layout(int base, int scanline, int pixelStride, int[] bandOffsets) {
        this.base = base;
        this.scanline = scanline;
        this.pixelStride = pixelStride;
        this.bandOffsets = bandOffsets.clone();
      }

      /** Rows of {@code width} pixels of {@code bands} consecutive bytes, from index 0. */
      static Layout interleaved(int width, int bands) {
        int[] offsets = new int[bands];
        for (int b = 0; b < bands; b++) {
          offsets[b] = b;
        }
        return new Layout(0, width * bands, bands, offsets);
      }
    }

    private static byte[] horizontal(byte[] in, Layout layout, int bands, int firstRow, int rows, int outWidth,
        Coefficients c) {
      byte[] out = new byte[outWidth * rows * bands];
      int[] k = c.weights;
      int ksize = c.ksize;
      int[] bounds = c.bounds;
      int step = layout.pixelStride;
      int[] offsets = layout.bandOffsets;
      if (bands == 3) {
        horizontal3(in, layout, firstRow, rows, outWidth, c, out);
        return out;
      }
      for (int y = 0; y < rows; y++) {
        int rowIn = layout.base + (firstRow + y) * layout.scanline;
        int o = y * outWidth * bands;
        if (bands == 4) {
          int o0 = offsets[0];
          int o1 = offsets[1];
          int o2 = offsets[2];
          int o3 = offsets[3];
          for (int xx = 0; xx < outWidth; xx++) {
            int start = rowIn + bounds[xx * 2] * step;
            int n = bounds[xx * 2 + 1];
            int kofs = xx * ksize;
            int s0 = HALF;
            int s1 = HALF;
            int s2 = HALF;
            int s3 = HALF;
            for (int x = 0, i = start; x < n; x++, i += step) {
              int w = k[kofs + x];
              s0 += (in[i + o0] & 0xFF) * w;
              s1 += (in[i + o1] & 0xFF) * w;
              s2 += (in[i + o2] & 0xFF) * w;
              s3 += (in[i + o3] & 0xFF) * w;
            }
            out[o++] = clip8(s0);
            out[o++] = clip8(s1);
            out[o++] = clip8(s2);
            out[o++] = clip8(s3);
          }
        } else {
          for (int xx = 0; xx < outWidth; xx++) {
            int start = rowIn + bounds[xx * 2] * step;
            int n = bounds[xx * 2 + 1];
            int kofs = xx * ksize;
            for (int b = 0; b < bands; b++) {
              int s = HALF;
              for (int x = 0, i = start + offsets[b]; x < n; x++, i += step) {
                s += (in[i] & 0xFF) * k[kofs + x];
              }
              out[o++] = clip8(s);
            }
          }
        }
      }
      return out;
    }

    /**
     * The horizontal pass of 3-band images, two rows at a time: the needed columns of both rows are unpacked into six
     * int planes, then every weight is loaded once for six sums. The arithmetic is Pillow's, term by term.
     */
    private static void horizontal3(byte[] in, Layout layout, int firstRow, int rows, int outWidth, Coefficients c,
        byte[] out) {
      int[] k = c.weights;
      int ksize = c.ksize;
      int[] bounds = c.bounds;
      int step = layout.pixelStride;
      int[] offsets = layout.bandOffsets;
      // the source columns the window's taps read (xmin grows with the output column)
      int xFirst = bounds[0];
      int span = 0;
      for (int xx = 0; xx < outWidth; xx++) {
        span = Math.max(span, bounds[xx * 2] + bounds[xx * 2 + 1] - xFirst);
      }
      int[] a0 = new int[span];
      int[] a1 = new int[span];
      int[] a2 = new int[span];
      int[] b0 = new int[span];
      int[] b1 = new int[span];
      int[] b2 = new int[span];
      for (int y = 0; y < rows; y += 2) {
        boolean pair = y + 1 < rows;
        int rowA = layout.base + (firstRow + y) * layout.scanline + xFirst * step;
        int rowB = pair ? rowA + layout.scanline : rowA;
        unpack(in, rowA, step, offsets, span, a0, a1, a2);
        unpack(in, rowB, step, offsets, span, b0, b1, b2);
        int oa = y * outWidth * 3;
        int ob = oa + outWidth * 3;
        for (int xx = 0; xx < outWidth; xx++) {
          int start = bounds[xx * 2] - xFirst;
          int n = bounds[xx * 2 + 1];
          int kofs = xx * ksize - start;
          int sa0 = HALF;
          int sa1 = HALF;
          int sa2 = HALF;
          int sb0 = HALF;
          int sb1 = HALF;
          int sb2 = HALF;
          for (int x = start, end = start + n; x < end; x++) {
            int w = k[kofs + x];
            sa0 += a0[x] * w;
            sa1 += a1[x] * w;
            sa2 += a2[x] * w;
            sb0 += b0[x] * w;
            sb1 += b1[x] * w;
            sb2 += b2[x] * w;
          }
          out[oa++] = clip8(sa0);
          out[oa++] = clip8(sa1);
          out[oa++] = clip8(sa2);
          if (pair) {
            out[ob++] = clip8(sb0);
            out[ob++] = clip8(sb1);
            out[ob++] = clip8(sb2);
          }
        }
      }
    }

    private static void unpack(byte[] in, int from, int step, int[] offsets, int span, int[] p0, int[] p1, int[] p2) {
      int i0 = from + offsets[0];
      int i1 = from + offsets[1];
      int i2 = from + offsets[2];
      for (int x = 0, i = 0; x < span; x++, i += step) {
        p0[x] = in[i0 + i] & 0xFF;
        p1[x] = in[i1 + i] & 0xFF;
        p2[x] = in[i2 + i] & 0xFF;
      }
    }

    /** Vertical pass; {@code rowOffset} is the source row the first row of {@code in} stands for. */
    private static byte[] vertical(byte[] in, int stride, int rowOffset, int outHeight, Coefficients c) {
      byte[] out = new byte[stride * outHeight];
      int[] acc = new int[stride];
      int[] k = c.weights;
      int ksize = c.ksize;
      for (int yy = 0; yy < outHeight; yy++) {
        int ymin = c.bounds[yy * 2] - rowOffset;
        int n = c.bounds[yy * 2 + 1];
        int kofs = yy * ksize;
        java.util.Arrays.fill(acc, HALF);
        for (int y = 0; y < n; y++) {
          int w = k[kofs + y];
          int rowIn = (ymin + y) * stride;
          for (int i = 0; i < stride; i++) {
            acc[i] += (in[rowIn + i] & 0xFF) * w;
          }
        }
        int o = yy * stride;
        for (int i = 0; i < stride; i++) {
          out[o + i] = clip8(acc[i]);
        }
      }
      return out;
    }

    /** Pillow's {@code clip8}: the fixed-point sum shifted back and clamped to 0..255. */
    private static byte clip8(int sum) {
      int v = sum >> PRECISION_BITS;
      return (byte) (v < 0 ? 0 : v > 255 ? 255 : v);
    }

    /**
     * The table for output pixels {@code start .. start + count - 1} of a resize from inSize to outSize: the current
     * implementation's (package-private {@code PillowResize.coefficients}, by reflection, cached there), since the
     * change left the tables as they were and replaced only the passes.
     */
    static Coefficients coefficients(int inSize, int outSize, Resampling filter, int start, int count) {
      try {
        Object c = TABLE.invoke(null, inSize, outSize, filter, start, count);
        return new Coefficients(KSIZE.getInt(c), (int[]) BOUNDS.get(c), (int[]) WEIGHTS.get(c));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }

    /** A resampling table: per output pixel the first source pixel, the tap count, and fixed-point weights. */
    record Coefficients(int ksize, int[] bounds, int[] weights) {}
  }
}
