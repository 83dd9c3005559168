package dev.imgsearch.core.store;

import com.google.common.collect.ImmutableList;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.filter.Filter;
import java.util.List;
import java.util.Objects;

/**
 * A scalar query: the rows matching a filter, with output fields, paged by {@code limit} and {@code offset}.
 * Rows come back ordered by primary key, so pages are stable. Immutable.
 *
 * <pre>{@code
 * QueryRequest.builder("hello_milvus").filter("random > 0.5").outputFields("random", "embeddings").limit(4).build();
 * }</pre>
 */
public final class QueryRequest {
  /** The largest limit + offset Milvus accepts for one query. */
  public static final int MAX_WINDOW = 16_384;

  private final String collection;
  private final Filter filter;
  private final ImmutableList<String> outputFields;
  private final int limit;
  private final int offset;

  private QueryRequest(Builder b) {
    this.collection = Objects.requireNonNull(b.collection, "collection");
    if (b.limit <= 0 || b.offset < 0 || (long) b.limit + b.offset > MAX_WINDOW) {
      throw new InvalidInputException("Query limit " + b.limit + " and offset " + b.offset + " are out of range; use "
          + "limit >= 1, offset >= 0 and limit + offset <= " + MAX_WINDOW + " (page through larger results).");
    }
    this.filter = b.filter;
    this.outputFields = ImmutableList.copyOf(b.outputFields);
    this.limit = b.limit;
    this.offset = b.offset;
  }

  public static Builder builder(String collection) {
    return new Builder(collection);
  }

  public String collection() {
    return collection;
  }

  /** The filter, or null to match every row. */
  public Filter filter() {
    return filter;
  }

  /** Fields to return besides the primary key; {@code "*"} for every scalar and dynamic field. */
  public List<String> outputFields() {
    return outputFields;
  }

  public int limit() {
    return limit;
  }

  public int offset() {
    return offset;
  }

  /** Builds a {@link QueryRequest}; not thread-safe. */
  public static final class Builder extends RequestBuilder<Builder> {
    private int limit = 100;

    private Builder(String collection) {
      super(collection);
    }

    /** At most this many rows (default 100). */
    public Builder limit(int limit) {
      this.limit = limit;
      return this;
    }

    public QueryRequest build() {
      return new QueryRequest(this);
    }
  }
}
