package dev.imgsearch.core.store;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.filter.Filter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A hybrid search: one query per route (a dense vector against a vector field, or text against a
 * {@link FullTextField}), each route ranked on its own, the rankings fused by a ranker, the best {@code topK} hits
 * returned. Immutable.
 *
 * <ul>
 *   <li>{@link RankerType#RRF RRF} (reciprocal rank fusion, the default): a hit scores the sum over routes of
 *       {@code 1 / (k + rank)}, rank counted from 1; scores ignore the routes' raw scores.
 *   <li>{@link RankerType#WEIGHTED WEIGHTED}: a hit scores the weighted sum of its routes' scores, each normalised
 *       to [0, 1] as Milvus does; one weight per route, in route order.
 * </ul>
 *
 * <pre>{@code
 * HybridSearchRequest.builder("products")
 *     .vector("image", textEmbedding)          // dense route
 *     .text("caption_bm25", "红色 连衣裙")       // BM25 route
 *     .rrf(60)                                  // or .weighted(0.7, 0.3)
 *     .topK(10).outputFields("caption").build();
 * }</pre>
 */
public final class HybridSearchRequest {
  /** The default RRF constant, as in Milvus and the RRF paper. */
  public static final int DEFAULT_RRF_K = 60;

  /** How the routes' rankings are fused. */
  public enum RankerType {
    /** Reciprocal rank fusion with constant {@code k}. */
    RRF,
    /** Weighted sum of normalised scores. */
    WEIGHTED
  }

  /**
   * One route: a dense query vector for a vector field, or a text query for a full-text field.
   *
   * @param field the vector field or full-text field name
   * @param vector the query vector, or null for a text route
   * @param text the text query, or null for a vector route
   * @param searchParams index search parameters by Milvus name ({@code nprobe}, {@code ef}); empty for text
   */
  public record Route(String field, float[] vector, String text, Map<String, Object> searchParams) {
    public Route {
      Objects.requireNonNull(field, "field");
      if ((vector == null) == (text == null)) {
        throw new InvalidInputException("Route '" + field + "' needs either a query vector or a query text.");
      }
      vector = vector == null ? null : vector.clone();
      searchParams = ImmutableMap.copyOf(searchParams);
    }

    /** Whether this is a text (full-text) route. */
    public boolean isText() {
      return text != null;
    }

    /** The query vector (a copy), or null for a text route. */
    @Override
    public float[] vector() {
      return vector == null ? null : vector.clone();
    }
  }

  private final String collection;
  private final ImmutableList<Route> routes;
  private final RankerType ranker;
  private final int rrfK;
  private final ImmutableList<Float> weights;
  private final int topK;
  private final int offset;
  private final int candidates;
  private final Filter filter;
  private final ImmutableList<String> outputFields;

  private HybridSearchRequest(Builder b) {
    this.collection = Objects.requireNonNull(b.collection, "collection");
    if (b.routes.isEmpty()) {
      throw new InvalidInputException("Hybrid search in '" + collection + "' has no route; add vector(field, vector) "
          + "or text(fullTextField, text).");
    }
    if (b.topK <= 0 || b.offset < 0 || (long) b.topK + b.offset > SearchRequest.MAX_TOP_K) {
      throw new InvalidInputException("topK is " + b.topK + " and offset " + b.offset + "; use topK >= 1, offset >= 0 "
          + "and topK + offset <= " + SearchRequest.MAX_TOP_K + ".");
    }
    int candidates = b.candidates == 0 ? Math.max(100, b.topK + b.offset) : b.candidates;
    if (candidates < b.topK + b.offset || candidates > SearchRequest.MAX_TOP_K) {
      throw new InvalidInputException("candidates is " + candidates + "; each route needs at least topK + offset ("
          + (b.topK + b.offset) + ") and at most " + SearchRequest.MAX_TOP_K + ".");
    }
    if (b.ranker == RankerType.WEIGHTED) {
      if (b.weights.size() != b.routes.size()) {
        throw new InvalidInputException("The weighted ranker has " + b.weights.size() + " weights for "
            + b.routes.size() + " routes; give one weight per route, in route order.");
      }
      for (float w : b.weights) {
        if (!(w >= 0 && w <= 1)) {
          throw new InvalidInputException("Ranker weight " + w + " is out of range; use weights in [0, 1].");
        }
      }
    }
    if (b.rrfK <= 0 || b.rrfK >= 16_384) {
      throw new InvalidInputException("RRF k is " + b.rrfK + "; use 0 < k < 16384 (default " + DEFAULT_RRF_K + ").");
    }
    for (Route r : b.routes) {
      if (r.isText() && r.text().isBlank()) {
        throw new InvalidInputException("The text query for '" + r.field() + "' is blank; give some words.");
      }
    }
    this.routes = ImmutableList.copyOf(b.routes);
    this.ranker = b.ranker;
    this.rrfK = b.rrfK;
    this.weights = ImmutableList.copyOf(b.weights);
    this.topK = b.topK;
    this.offset = b.offset;
    this.candidates = candidates;
    this.filter = b.filter;
    this.outputFields = ImmutableList.copyOf(b.outputFields);
  }

  public static Builder builder(String collection) {
    return new Builder(collection);
  }

  public String collection() {
    return collection;
  }

  /** The routes, in the order they were added. */
  public List<Route> routes() {
    return routes;
  }

  public RankerType ranker() {
    return ranker;
  }

  /** The RRF constant k (used by {@link RankerType#RRF}). */
  public int rrfK() {
    return rrfK;
  }

  /** One weight per route (used by {@link RankerType#WEIGHTED}); empty for RRF. */
  public List<Float> weights() {
    return weights;
  }

  public int topK() {
    return topK;
  }

  public int offset() {
    return offset;
  }

  /** How many hits each route contributes to the fusion (default max(100, topK + offset)). */
  public int candidates() {
    return candidates;
  }

  /** The filter every route applies, or null. */
  public Filter filter() {
    return filter;
  }

  /** Fields to return with each hit besides the primary key; {@code "*"} for every scalar and dynamic field. */
  public List<String> outputFields() {
    return outputFields;
  }

  /** Builds a {@link HybridSearchRequest}; not thread-safe. */
  public static final class Builder extends RequestBuilder<Builder> {
    private final List<Route> routes = new ArrayList<>();
    private RankerType ranker = RankerType.RRF;
    private int rrfK = DEFAULT_RRF_K;
    private final List<Float> weights = new ArrayList<>();
    private int topK = 10;
    private int candidates;

    private Builder(String collection) {
      super(collection);
    }

    /** A dense route: {@code vector} against vector field {@code field}. */
    public Builder vector(String field, float[] vector) {
      return vector(field, vector, Map.of());
    }

    /** A dense route with index search parameters ({@code nprobe}, {@code ef}). */
    public Builder vector(String field, float[] vector, Map<String, ?> searchParams) {
      routes.add(new Route(field, Objects.requireNonNull(vector, "vector"), null, new LinkedHashMap<>(searchParams)));
      return this;
    }

    /** A BM25 route: {@code text} against {@link FullTextField} {@code fullTextField}. */
    public Builder text(String fullTextField, String text) {
      routes.add(new Route(fullTextField, null, Objects.requireNonNull(text, "text"), Map.of()));
      return this;
    }

    /** Reciprocal rank fusion with constant {@code k} (the default ranker, k = 60). */
    public Builder rrf(int k) {
      this.ranker = RankerType.RRF;
      this.rrfK = k;
      this.weights.clear();
      return this;
    }

    /** Weighted fusion: one weight in [0, 1] per route, in route order. */
    public Builder weighted(double... weights) {
      this.ranker = RankerType.WEIGHTED;
      this.weights.clear();
      for (double w : weights) {
        this.weights.add((float) w);
      }
      return this;
    }

    /** Hits to return (default 10). */
    public Builder topK(int topK) {
      this.topK = topK;
      return this;
    }

    /** Hits each route contributes to the fusion (default max(100, topK + offset)). */
    public Builder candidates(int candidates) {
      this.candidates = candidates;
      return this;
    }

    /** @throws InvalidInputException when routes, topK, ranker or weights are not valid */
    public HybridSearchRequest build() {
      return new HybridSearchRequest(this);
    }
  }
}
