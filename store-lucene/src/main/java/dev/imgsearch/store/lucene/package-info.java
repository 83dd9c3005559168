/**
 * The embedded, persistent default store: {@link dev.imgsearch.store.lucene.LuceneVectorStore}, a
 * {@link dev.imgsearch.core.store.VectorStore} (and {@link dev.imgsearch.core.store.HybridSearch}) on Apache Lucene
 * 9.12 that lives in a directory.
 *
 * <pre>{@code
 * try (LuceneVectorStore store = LuceneVectorStore.open(Path.of("imgsearch-data"))) { ... }
 * }</pre>
 *
 * <p>On Java 21 (20 to 23), run the JVM with {@code --add-modules jdk.incubator.vector}: Lucene then computes vector
 * similarities with SIMD instructions (it logs a warning and runs several times slower without it). On Java 17
 * Lucene 9.12 cannot use the vector API; see {@link dev.imgsearch.store.lucene.LuceneVectorStore}.
 */
package dev.imgsearch.store.lucene;
