package dev.imgsearch.core.filter;

/** PLACEHOLDER — to be replaced by the filter-language work. */
final class FilterParser {
  private FilterParser() {}

  static Filter parse(String expression) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
