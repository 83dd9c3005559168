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
 * A vector search: a batch of query vectors against one vector field, the {@code topK} best hits for each after
 * skipping {@code offset}, an optional filter, output fields, and index-specific search parameters by Milvus
 * name ({@code nprobe}, {@code ef}). Immutable.
 *
 * <pre>{@code
 * SearchRequest.builder("hello_milvus").query(vector).topK(3)
 *     .filter("random > 0.5").outputFields("random").searchParam("nprobe", 10).build();
 * }</pre>
 */
public final class SearchRequest {
  /** The largest topK + offset Milvus accepts. */
  public static final int MAX_TOP_K = 16_384;

  private final String collection;
  private final String vectorField;
  private final ImmutableList<float[]> queries;
  private final int topK;
  private final int offset;
  private final Filter filter;
  private final ImmutableList<String> outputFields;
  private final ImmutableMap<String, Object> searchParams;

  private SearchRequest(Builder b) {
    this.collection = Objects.requireNonNull(b.collection, "collection");
    this.vectorField = b.vectorField;
    if (b.queries.isEmpty()) {
      throw new InvalidInputException("Search in '" + collection + "' has no query vectors; add one with query(vector).");
    }
    if (b.topK <= 0 || b.topK > MAX_TOP_K) {
      throw new InvalidInputException("topK is " + b.topK + "; use 1.." + MAX_TOP_K + ".");
    }
    if (b.offset < 0 || (long) b.offset + b.topK > MAX_TOP_K) {
      throw new InvalidInputException("offset is " + b.offset + " with topK " + b.topK + "; offset must be >= 0 and "
          + "offset + topK <= " + MAX_TOP_K + ".");
    }
    this.queries = ImmutableList.copyOf(b.queries);
    this.topK = b.topK;
    this.offset = b.offset;
    this.filter = b.filter;
    this.outputFields = ImmutableList.copyOf(b.outputFields);
    this.searchParams = ImmutableMap.copyOf(b.searchParams);
  }

  public static Builder builder(String collection) {
    return new Builder(collection);
  }

  public String collection() {
    return collection;
  }

  /** The vector field to search, or null for the collection's only vector field. */
  public String vectorField() {
    return vectorField;
  }

  /** The query vectors; each result list of the search answers the query at the same index. */
  public List<float[]> queries() {
    return queries;
  }

  public int topK() {
    return topK;
  }

  public int offset() {
    return offset;
  }

  /** The filter, or null for none. */
  public Filter filter() {
    return filter;
  }

  /** Fields to return with each hit; empty for the id only, {@code "*"} for every scalar and dynamic field. */
  public List<String> outputFields() {
    return outputFields;
  }

  /** Search parameters by Milvus name, e.g. {@code nprobe} for IVF indexes and {@code ef} for HNSW. */
  public Map<String, Object> searchParams() {
    return searchParams;
  }

  /** Builds a {@link SearchRequest}; not thread-safe. */
  public static final class Builder extends RequestBuilder<Builder> {
    private String vectorField;
    private final List<float[]> queries = new ArrayList<>();
    private int topK = 10;
    private final Map<String, Object> searchParams = new LinkedHashMap<>();

    private Builder(String collection) {
      super(collection);
    }

    public Builder vectorField(String vectorField) {
      this.vectorField = vectorField;
      return this;
    }

    /** Adds one query vector (copied). */
    public Builder query(float[] vector) {
      queries.add(Objects.requireNonNull(vector, "vector").clone());
      return this;
    }

    /** Adds query vectors (copied). */
    public Builder queries(List<float[]> vectors) {
      vectors.forEach(this::query);
      return this;
    }

    /** Hits per query (default 10). */
    public Builder topK(int topK) {
      this.topK = topK;
      return this;
    }

    public Builder searchParam(String name, Object value) {
      searchParams.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** @throws InvalidInputException when topK, offset or the queries are out of range */
    public SearchRequest build() {
      return new SearchRequest(this);
    }
  }
}
