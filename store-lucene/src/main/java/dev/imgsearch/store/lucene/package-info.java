/**
 * The embedded, persistent default store: {@link dev.imgsearch.store.lucene.LuceneVectorStore}, a
 * {@link dev.imgsearch.core.store.VectorStore} (and {@link dev.imgsearch.core.store.HybridSearch}) on Apache Lucene
 * 9.12 that lives in a directory.
 *
 * <pre>{@code
 * try (LuceneVectorStore store = LuceneVectorStore.open(Path.of("imgsearch-data"))) { ... }
 * }</pre>
 *
 * <p>Run the JVM with {@code --add-modules jdk.incubator.vector}: Lucene then computes vector similarities with SIMD
 * instructions (it logs a warning and runs slower without it).
 */
package dev.imgsearch.store.lucene;
