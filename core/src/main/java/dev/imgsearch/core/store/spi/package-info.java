/**
 * Helpers for {@link dev.imgsearch.core.store.VectorStore} implementations, so every store checks rows, ids,
 * filters and output fields the same way and returns JSON values in the same form. Applications do not need
 * this package.
 */
package dev.imgsearch.core.store.spi;
