/**
 * The {@link dev.imgsearch.core.store.VectorStore} API: collections described by a
 * {@link dev.imgsearch.core.store.CollectionSpec}, rows, searches and queries, with Milvus's meaning of every
 * score and index parameter. Implementations: the in-memory store in core, {@code store-lucene} and
 * {@code store-milvus}; all pass the same contract test.
 */
package dev.imgsearch.core.store;
