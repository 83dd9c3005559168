/**
 * imgsearch core: the SDK's public API and its exception hierarchy. It holds no image codec, model runtime, pipeline
 * or store driver; those are modules of their own that build on these packages.
 *
 * <ul>
 *   <li>{@link dev.imgsearch.core.embed}: embedders of images, text, or both in one space, and
 *       {@link dev.imgsearch.core.embed.ImageInput}, where an image comes from.
 *   <li>{@link dev.imgsearch.core.store}: the {@code VectorStore} API and its values (specs, rows, requests, hits),
 *       and {@link dev.imgsearch.core.store.HybridSearch} for dense + BM25 search.
 *   <li>{@link dev.imgsearch.core.filter}: the filter language shared by every store.
 *   <li>{@link dev.imgsearch.core.store.memory}: the exact in-memory store, optionally saved to a file.
 *   <li>{@link dev.imgsearch.core.store.spi}: what store implementations share (row, filter and output-field
 *       checks, lifecycle); applications do not need it.
 * </ul>
 *
 * <p>The other modules: {@code imgsearch-image} (decoding, Pillow-exact preprocessing), {@code imgsearch-pipeline}
 * ({@code ImageIndex}), {@code imgsearch-embedders-onnx} and {@code imgsearch-embedders-djl} (models),
 * {@code imgsearch-store-milvus} and {@code imgsearch-store-lucene} (stores).
 *
 * <p>Every failure is an unchecked {@link dev.imgsearch.core.ImageSearchException} whose message says what was
 * wrong and what to do.
 */
package dev.imgsearch.core;
