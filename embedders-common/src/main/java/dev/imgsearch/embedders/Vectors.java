package dev.imgsearch.embedders;

import java.util.ArrayList;
import java.util.List;

/** Post-processing of graph outputs that every engine shares: batch rows, spatial pooling, L2 normalisation. */
public final class Vectors {
  private Vectors() {}

  /** Splits row-major {@code values} of {@code shape} along the first (batch) dimension. */
  public static List<float[]> rows(float[] values, long[] shape) {
    int n = (int) shape[0];
    int per = n == 0 ? 0 : values.length / n;
    List<float[]> rows = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      float[] row = new float[per];
      System.arraycopy(values, i * per, row, 0, per);
      rows.add(row);
    }
    return rows;
  }

  /**
   * Pools each row of a spatial output of {@code shape} {@code [N, C, H, W]} over H and W; rows of any other
   * shape (or a 1x1 map) are returned as they are.
   */
  public static List<float[]> pool(List<float[]> rows, long[] shape, Pooling pooling) {
    if (shape.length != 4 || shape[2] * shape[3] == 1) {
      return rows;
    }
    int channels = (int) shape[1];
    int spatial = (int) (shape[2] * shape[3]);
    List<float[]> pooled = new ArrayList<>(rows.size());
    for (float[] row : rows) {
      float[] v = new float[channels];
      for (int c = 0; c < channels; c++) {
        double acc = pooling == Pooling.MAX ? Double.NEGATIVE_INFINITY : 0;
        for (int s = 0; s < spatial; s++) {
          float x = row[c * spatial + s];
          acc = pooling == Pooling.MAX ? Math.max(acc, x) : acc + x;
        }
        v[c] = (float) (pooling == Pooling.MAX ? acc : acc / spatial);
      }
      pooled.add(v);
    }
    return pooled;
  }

  /** Each vector divided by its L2 norm (a zero vector stays zero). */
  public static List<float[]> normaliseAll(List<float[]> vectors) {
    List<float[]> out = new ArrayList<>(vectors.size());
    for (float[] v : vectors) {
      out.add(normalise(v));
    }
    return out;
  }

  /** {@code v} divided by its L2 norm (a zero vector stays zero). */
  public static float[] normalise(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    double norm = Math.sqrt(s);
    float[] out = new float[v.length];
    if (norm == 0) {
      return out;
    }
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }

  /** The inner product. */
  public static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  /** Pixels of a smooth probe image (a sine pattern) of {@code size} values, to read a combined graph's logits. */
  public static float[] probePixels(int size) {
    float[] pixels = new float[size];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (float) Math.sin(i * 0.001);
    }
    return pixels;
  }

  /**
   * exp(logit_scale) read off a combined graph's {@code logits_per_image} row for one image:
   * {@code logits[j] / cos(image, text_j)} at the text with the largest |cosine|, or 100 (every released OpenAI
   * CLIP) when no cosine is large enough to divide by.
   */
  public static float logitScale(float[] image, List<float[]> texts, float[] logits) {
    float[] img = normalise(image);
    double best = 0;
    double scale = 100;
    for (int j = 0; j < texts.size(); j++) {
      double cos = dot(img, normalise(texts.get(j)));
      if (Math.abs(cos) > Math.abs(best)) {
        best = cos;
        scale = logits[j] / cos;
      }
    }
    return Math.abs(best) < 1e-3 ? 100f : (float) scale;
  }
}
