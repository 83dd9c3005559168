package dev.imgsearch.pipeline;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.image.ImagePreprocessor;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.core.store.MetricType;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small deterministic embedder for tests of the pipeline: an image's vector is the mean of each colour
 * channel of its preprocessed pixels in each quadrant (2 x 2 x 3 = 12 values), L2-normalised. A text naming a
 * colour ("red", "a photo of a 红色 thing") embeds like a solid image of that colour, so text search and zero-shot
 * classification can be tested on generated images; other texts get a vector derived from their hash.
 *
 * <p>It counts the images it embeds and the batch sizes it is called with, and can be told to fail after a
 * number of images (to stand for a model or process that dies half-way).
 */
public final class ColorEmbedder implements MultimodalEmbedder, PixelEmbedder {
  /** Colour names, English and Chinese, that texts may use. */
  public static final Map<String, Color> PALETTE = palette();

  private final String modelId;
  private final ImageRecipe recipe;
  private final ImagePreprocessor preprocessor;
  private final MetricType metric;
  private final AtomicLong embedded = new AtomicLong();
  private final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
  private volatile long failAfter = Long.MAX_VALUE;
  private volatile java.util.function.LongConsumer beforeBatch = n -> { };
  private volatile java.util.function.UnaryOperator<float[]> imageVectors = v -> v;
  private volatile boolean closed;
  private volatile dev.imgsearch.core.embed.ModelIdentity identity;

  /** The default: model id {@code test/color-quadrants}, 16 x 16 CLIP preprocessing, cosine. */
  public ColorEmbedder() {
    this("test/color-quadrants", 16, MetricType.COSINE);
  }

  public ColorEmbedder(String modelId, int size, MetricType metric) {
    this.modelId = modelId;
    this.recipe = ImageRecipe.openAiClip(size);
    this.preprocessor = ImagePreprocessor.of(recipe);
    this.metric = metric;
  }

  private static Map<String, Color> palette() {
    Map<String, Color> m = new LinkedHashMap<>();
    m.put("red", Color.RED);
    m.put("红色", Color.RED);
    m.put("green", Color.GREEN);
    m.put("绿色", Color.GREEN);
    m.put("blue", Color.BLUE);
    m.put("蓝色", Color.BLUE);
    m.put("yellow", Color.YELLOW);
    m.put("黄色", Color.YELLOW);
    m.put("white", Color.WHITE);
    m.put("白色", Color.WHITE);
    m.put("black", Color.BLACK);
    m.put("黑色", Color.BLACK);
    return m;
  }

  /** Images embedded so far. */
  public long embedded() {
    return embedded.get();
  }

  /** The size of every embedPixels call so far. */
  public List<Integer> batchSizes() {
    return List.copyOf(batchSizes);
  }

  /** Calls {@code hook} with the number of images embedded so far before each embedPixels batch. */
  public void beforeBatch(java.util.function.LongConsumer hook) {
    this.beforeBatch = hook;
  }

  /**
   * Passes every image vector embedPixels returns through {@code change}, e.g. to stand for a model that returns
   * a vector of the wrong dimension or with NaN for some images (texts are not affected).
   */
  public void changeImageVectors(java.util.function.UnaryOperator<float[]> change) {
    this.imageVectors = change;
  }

  /** Makes embedPixels throw a ModelException once this many more images would have been embedded in total. */
  public void failAfter(long images) {
    this.failAfter = images;
  }

  @Override
  public dev.imgsearch.core.embed.ModelIdentity identity() {
    dev.imgsearch.core.embed.ModelIdentity id = identity;
    return id != null ? id : dev.imgsearch.core.embed.ModelIdentity.ofModelId(modelId);
  }

  /**
   * Makes this embedder report a content fingerprint, as the SDK's embedders do: {@code sha256:} and the given
   * hex digits (padded to 64), from {@code origin}; returns this.
   */
  public ColorEmbedder withFingerprint(String hex, String origin) {
    String digits = (hex + "0".repeat(64)).substring(0, 64);
    this.identity = new dev.imgsearch.core.embed.ModelIdentity(dev.imgsearch.core.embed.ModelIdentity.CONTENT + digits,
        origin);
    return this;
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public int dimension() {
    return 12;
  }

  @Override
  public boolean normalized() {
    return true;
  }

  @Override
  public MetricType metric() {
    return metric;
  }

  @Override
  public ImageRecipe recipe() {
    return recipe;
  }

  @Override
  public ImagePreprocessor preprocessor() {
    return preprocessor;
  }

  @Override
  public float logitScale() {
    return 100f;
  }

  @Override
  public List<float[]> embedPixels(List<float[]> pixels) {
    check();
    beforeBatch.accept(embedded.get());
    if (embedded.get() + pixels.size() > failAfter) {
      throw new ModelException("test model failure after " + embedded.get() + " images (failAfter)");
    }
    batchSizes.add(pixels.size());
    List<float[]> out = new ArrayList<>(pixels.size());
    for (float[] p : pixels) {
      out.add(imageVectors.apply(quadrantMeans(p)));
    }
    embedded.addAndGet(pixels.size());
    return out;
  }

  private float[] quadrantMeans(float[] chw) {
    int w = recipe.width();
    int h = recipe.height();
    double[] sums = new double[12];
    int[] counts = new int[12];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int q = (y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1);
          sums[q * 3 + c] += chw[c * h * w + y * w + x];
          counts[q * 3 + c]++;
        }
      }
    }
    float[] v = new float[12];
    double norm = 0;
    for (int i = 0; i < 12; i++) {
      v[i] = (float) (sums[i] / counts[i]);
      norm += v[i] * v[i];
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < 12; i++) {
      v[i] = norm == 0 ? 0 : (float) (v[i] / norm);
    }
    return v;
  }

  @Override
  public List<float[]> embedTexts(List<String> texts) {
    check();
    List<float[]> out = new ArrayList<>(texts.size());
    for (String t : texts) {
      Color colour = null;
      for (Map.Entry<String, Color> e : PALETTE.entrySet()) {
        if (t.contains(e.getKey())) {
          colour = e.getValue();
          break;
        }
      }
      if (colour != null) {
        out.add(quadrantMeans(recipe.apply(solid(colour, 32, 32))));
      } else {
        out.add(hashVector(t));
      }
    }
    return out;
  }

  private static float[] hashVector(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    float[] v = new float[12];
    long h = 1125899906842597L;
    double norm = 0;
    for (int i = 0; i < 12; i++) {
      for (byte x : b) {
        h = 31 * h + x + i;
      }
      v[i] = (float) ((h >>> 11) % 2001 - 1000) / 1000f;
      norm += v[i] * v[i];
    }
    for (int i = 0; i < 12; i++) {
      v[i] /= (float) Math.sqrt(norm);
    }
    return v;
  }

  /** A solid image of one colour. */
  public static BufferedImage solid(Color colour, int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        img.setRGB(x, y, colour.getRGB());
      }
    }
    return img;
  }

  private void check() {
    if (closed) {
      throw new ClosedException("ColorEmbedder");
    }
  }

  @Override
  public void close() {
    closed = true;
  }
}
