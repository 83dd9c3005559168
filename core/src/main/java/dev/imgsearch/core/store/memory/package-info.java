/**
 * The exact in-memory {@link dev.imgsearch.core.store.VectorStore}, optionally saved to a file:
 * {@link dev.imgsearch.core.store.memory.InMemoryVectorStore}.
 */
package dev.imgsearch.core.store.memory;
