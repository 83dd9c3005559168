/**
 * The embedded, persistent default store: {@link dev.imgsearch.store.lucene.LuceneVectorStore}, a
 * {@link dev.imgsearch.core.store.VectorStore} (and {@link dev.imgsearch.core.store.HybridSearch}) on Apache Lucene
 * 10.6 (Java 21+) that lives in a directory.
 *
 * <pre>{@code
 * try (LuceneVectorStore store = LuceneVectorStore.open(Path.of("imgsearch-data"))) { ... }
 * }</pre>
 *
 * <p>Run the JVM with {@code --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED}: Lucene then
 * computes vector similarities with SIMD instructions (it logs a warning and runs several times slower without
 * them); past Java 27 also {@code -Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=N}. Stores written by the
 * Lucene 9 version open as they are; see {@link dev.imgsearch.store.lucene.LuceneVectorStore}.
 */
package dev.imgsearch.store.lucene;
