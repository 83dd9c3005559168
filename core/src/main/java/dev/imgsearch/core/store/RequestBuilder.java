package dev.imgsearch.core.store;

import dev.imgsearch.core.filter.Filter;
import java.util.ArrayList;
import java.util.List;

/**
 * What the builders of {@link SearchRequest}, {@link HybridSearchRequest} and {@link QueryRequest} share: the
 * collection, a filter, the output fields and an offset for pagination. Not thread-safe.
 *
 * @param <B> the concrete builder, returned by every setter
 */
abstract class RequestBuilder<B extends RequestBuilder<B>> {
  final String collection;
  Filter filter;
  final List<String> outputFields = new ArrayList<>();
  int offset;

  RequestBuilder(String collection) {
    this.collection = collection;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** Only rows matching the filter (default none: every row). */
  public B filter(Filter filter) {
    this.filter = filter;
    return self();
  }

  /** Parses and sets a filter expression ({@link Filter#parse}); null or blank means none. */
  public B filter(String expression) {
    this.filter = expression == null || expression.isBlank() ? null : Filter.parse(expression);
    return self();
  }

  /** Fields to return besides the primary key; {@code "*"} for every scalar and dynamic field. */
  public B outputFields(String... fields) {
    return outputFields(List.of(fields));
  }

  /** Fields to return besides the primary key; {@code "*"} for every scalar and dynamic field. */
  public B outputFields(List<String> fields) {
    outputFields.addAll(fields);
    return self();
  }

  /** Results to skip before the first returned one, for pagination (default 0). */
  public B offset(int offset) {
    this.offset = offset;
    return self();
  }
}
