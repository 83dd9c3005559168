package dev.imgsearch.pipeline;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.filter.Filter;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.SearchRequest;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A search of an {@link ImageIndex}: by text, by image or by vector, with the number of hits, a filter, output
 * fields and relevance controls. Immutable.
 *
 * <pre>{@code
 * Query.text("a white dog").topK(10).build();
 * Query.image(Path.of("query.jpg")).topK(3).excludeQueryImage(true).filter("category == \"cat\"").build();
 * Query.text("红色的花").topK(5).threshold(0.2).relativeCutoff(0.9).build();
 * }</pre>
 *
 * <p><b>Relevance.</b> A fixed {@linkplain Builder#threshold threshold} drops hits worse than an absolute score;
 * a {@linkplain Builder#relativeCutoff relative cutoff} drops hits much worse than the best hit of this query,
 * which works across queries whose scores sit at different levels. Both read scores by the metric: for L2, a
 * smaller distance is better.
 */
public final class Query {
  /** What a query searches with. */
  public enum Kind {
    /** A text, embedded by the index's {@link dev.imgsearch.core.embed.TextEmbedder}. */
    TEXT,
    /** An image, decoded, preprocessed and embedded like the indexed ones. */
    IMAGE,
    /** A vector, used as it is. */
    VECTOR
  }

  private final Kind kind;
  private final String text;
  private final ImageInput image;
  private final float[] vector;
  private final int topK;
  private final Filter filter;
  private final ImmutableList<String> outputFields;
  private final Double threshold;
  private final Double relativeCutoff;
  private final boolean excludeQueryImage;
  private final ImmutableMap<String, Object> searchParams;

  private Query(Builder b) {
    this.kind = b.kind;
    this.text = b.text;
    this.image = b.image;
    this.vector = b.vector;
    if (b.topK < 1 || b.topK > SearchRequest.MAX_TOP_K) {
      throw new InvalidInputException("topK is " + b.topK + "; use 1.." + SearchRequest.MAX_TOP_K + ".");
    }
    if (b.relativeCutoff != null && !(b.relativeCutoff > 0 && b.relativeCutoff <= 1)) {
      throw new InvalidInputException("relativeCutoff is " + b.relativeCutoff + "; use a fraction in (0, 1], e.g. "
          + "0.9 to keep hits at least 90% as close as the best one.");
    }
    if (b.threshold != null && !Double.isFinite(b.threshold)) {
      throw new InvalidInputException("threshold is " + b.threshold + "; use a finite score.");
    }
    if (b.excludeQueryImage && kind != Kind.IMAGE) {
      throw new InvalidInputException("excludeQueryImage applies to image queries only; remove it from this "
          + kind.name().toLowerCase() + " query.");
    }
    this.topK = b.topK;
    this.filter = b.filter;
    this.outputFields = ImmutableList.copyOf(b.outputFields);
    this.threshold = b.threshold;
    this.relativeCutoff = b.relativeCutoff;
    this.excludeQueryImage = b.excludeQueryImage;
    this.searchParams = ImmutableMap.copyOf(b.searchParams);
  }

  /** A search by text (needs an embedder that embeds text, such as CLIP). */
  public static Builder text(String text) {
    if (text == null || text.isBlank()) {
      throw new InvalidInputException("The query text is empty; pass the words to search for.");
    }
    return new Builder(Kind.TEXT, text, null, null);
  }

  /** A search by an image file. */
  public static Builder image(Path file) {
    return image(ImageInput.of(file));
  }

  /** A search by encoded image bytes. */
  public static Builder image(byte[] bytes) {
    return image(ImageInput.of(bytes));
  }

  /** A search by a decoded image. */
  public static Builder image(BufferedImage image) {
    return image(ImageInput.of(image));
  }

  /** A search by an image from any input. */
  public static Builder image(ImageInput image) {
    return new Builder(Kind.IMAGE, null, Objects.requireNonNull(image, "image"), null);
  }

  /** A search by a vector of the index's dimension (copied). */
  public static Builder vector(float[] vector) {
    return new Builder(Kind.VECTOR, null, null, Objects.requireNonNull(vector, "vector").clone());
  }

  public Kind kind() {
    return kind;
  }

  /** The text of a {@link Kind#TEXT} query, else null. */
  public String text() {
    return text;
  }

  /** The image of a {@link Kind#IMAGE} query, else null. */
  public ImageInput image() {
    return image;
  }

  /** A copy of the vector of a {@link Kind#VECTOR} query, else null. */
  public float[] vector() {
    return vector == null ? null : vector.clone();
  }

  public int topK() {
    return topK;
  }

  /** The filter, or null. */
  public Filter filter() {
    return filter;
  }

  public List<String> outputFields() {
    return outputFields;
  }

  /** The worst score a hit may have, or null for none. */
  public Double threshold() {
    return threshold;
  }

  /** The relative cutoff in (0, 1], or null for none. */
  public Double relativeCutoff() {
    return relativeCutoff;
  }

  public boolean excludeQueryImage() {
    return excludeQueryImage;
  }

  public Map<String, Object> searchParams() {
    return searchParams;
  }

  /** Builds a {@link Query}; not thread-safe. */
  public static final class Builder {
    private final Kind kind;
    private final String text;
    private final ImageInput image;
    private final float[] vector;
    private int topK = 10;
    private Filter filter;
    private final List<String> outputFields = new ArrayList<>();
    private Double threshold;
    private Double relativeCutoff;
    private boolean excludeQueryImage;
    private final Map<String, Object> searchParams = new LinkedHashMap<>();

    private Builder(Kind kind, String text, ImageInput image, float[] vector) {
      this.kind = kind;
      this.text = text;
      this.image = image;
      this.vector = vector;
    }

    /** The most hits to return (default 10). */
    public Builder topK(int topK) {
      this.topK = topK;
      return this;
    }

    /** Only images whose fields match; see {@link Filter} and {@link IndexFields}. */
    public Builder filter(Filter filter) {
      this.filter = filter;
      return this;
    }

    /** Parses and sets a filter expression; null or blank means none. */
    public Builder filter(String expression) {
      this.filter = expression == null || expression.isBlank() ? null : Filter.parse(expression);
      return this;
    }

    /**
     * Fields to return with each hit besides the id and path (metadata names, {@link IndexFields} names, or
     * {@code "*"} for all scalar and metadata fields).
     */
    public Builder outputFields(String... fields) {
      outputFields.addAll(List.of(fields));
      return this;
    }

    /**
     * Drops hits worse than this score: for COSINE and IP a minimum similarity, for L2 a maximum squared
     * distance.
     */
    public Builder threshold(double threshold) {
      this.threshold = threshold;
      return this;
    }

    /**
     * Drops hits much worse than the best hit of this query. With fraction {@code r} in (0, 1]: for COSINE and
     * IP, keeps {@code score >= best - (1 - r) * |best|} (0.9 keeps hits within 10% of the best similarity); for
     * L2, keeps {@code distance <= best / r} (0.8 keeps hits at most 1.25 times as far as the best one).
     */
    public Builder relativeCutoff(double fraction) {
      this.relativeCutoff = fraction;
      return this;
    }

    /**
     * For an image query: leave out the query image itself when it is in the index (found by the SHA-256 of the
     * query file or bytes, or for a decoded image by an identical vector). Default false.
     */
    public Builder excludeQueryImage(boolean exclude) {
      this.excludeQueryImage = exclude;
      return this;
    }

    /** A search parameter of the store's index, by Milvus name ({@code nprobe}, {@code ef}). */
    public Builder searchParam(String name, Object value) {
      searchParams.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    public Query build() {
      return new Query(this);
    }
  }
}
