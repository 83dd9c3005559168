package dev.imgsearch.core.embed;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.store.MetricType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A tiny, deterministic {@link TextEmbedder} for tests: the character trigrams of the lower-cased text (with
 * {@code ^} and {@code $} marking its ends) are hashed into {@link #dimension()} signed buckets, and the counts
 * are L2-normalised. Texts that share trigrams get similar vectors. Stateless and thread-safe.
 */
public final class HashingTextEmbedder implements TextEmbedder {
  private static final HashFunction HASH = Hashing.murmur3_32_fixed(20240601);

  private final int dimension;
  private volatile boolean closed;

  /** An embedder of 64 dimensions. */
  public HashingTextEmbedder() {
    this(64);
  }

  public HashingTextEmbedder(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive");
    }
    this.dimension = dimension;
  }

  @Override
  public String modelId() {
    return "test/hashing-trigrams-" + dimension;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public boolean normalized() {
    return true;
  }

  @Override
  public MetricType metric() {
    return MetricType.COSINE;
  }

  @Override
  public List<float[]> embedTexts(List<String> texts) {
    if (closed) {
      throw new ClosedException("HashingTextEmbedder");
    }
    List<float[]> out = new ArrayList<>(texts.size());
    for (String text : texts) {
      out.add(embed(text));
    }
    return out;
  }

  private float[] embed(String text) {
    String padded = "^" + text.toLowerCase(Locale.ROOT) + "$";
    double[] acc = new double[dimension];
    int grams = Math.max(1, padded.length() - 2);
    for (int i = 0; i < grams; i++) {
      String gram = padded.substring(i, Math.min(padded.length(), i + 3));
      int h = HASH.hashString(gram, StandardCharsets.UTF_8).asInt();
      acc[Math.floorMod(h, dimension)] += (h & 0x4000_0000) == 0 ? 1 : -1;
    }
    double norm = 0;
    for (double x : acc) {
      norm += x * x;
    }
    norm = Math.sqrt(norm);
    float[] v = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      // A text whose trigrams cancel out (rare) gets a fixed unit vector.
      v[i] = norm == 0 ? (i == 0 ? 1f : 0f) : (float) (acc[i] / norm);
    }
    return v;
  }

  @Override
  public void close() {
    closed = true;
  }
}
