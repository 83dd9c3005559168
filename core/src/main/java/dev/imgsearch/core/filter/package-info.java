/**
 * The filter language: one boolean expression language for every store, a subset of Milvus's.
 *
 * <ul>
 *   <li>{@link dev.imgsearch.core.filter.Filter#parse} reads text such as {@code category == "tech" and price < 100}
 *       into an immutable tree ({@link dev.imgsearch.core.filter.Comparison}, {@link dev.imgsearch.core.filter.In},
 *       {@link dev.imgsearch.core.filter.Like}, {@link dev.imgsearch.core.filter.And},
 *       {@link dev.imgsearch.core.filter.Or}, {@link dev.imgsearch.core.filter.Not}) or throws
 *       {@link dev.imgsearch.core.filter.FilterSyntaxException} with the position of the mistake.
 *   <li>{@link dev.imgsearch.core.filter.Filters} builds the same trees from values, escaping them.
 *   <li>Embedded stores call {@link dev.imgsearch.core.filter.Filter#matches} on each row; the Milvus store sends
 *       {@link dev.imgsearch.core.filter.Filter#toExpression}, canonical Milvus syntax that parses back to an equal
 *       tree.
 *   <li>{@link dev.imgsearch.core.filter.Filters#tree} gives any filter as a tree of the public node classes, for code
 *       that walks it (the store SPI checks filters against a schema with it).
 * </ul>
 *
 * <p>The language: comparisons {@code == != < <= > >=} between a field and a literal (either side), range chains
 * {@code 1 < x <= 5}, {@code in} and {@code not in} with a list, {@code like} with a pattern ({@code %} any
 * sequence, {@code _} one character, backslash escapes), {@code and}/{@code &&}, {@code or}/{@code ||},
 * {@code not}/{@code !} and parentheses; {@code not} binds tighter than {@code and}, which binds tighter than
 * {@code or}. Literals: 64-bit integers, doubles, strings in double or single quotes with backslash escapes,
 * {@code true}/{@code false}, lists of one kind. Keywords in lower or upper case. Not supported (yet): JSON paths
 * ({@code meta["k"]}), arithmetic, comparing two fields, {@code is null}, the array and JSON functions.
 */
package dev.imgsearch.core.filter;
