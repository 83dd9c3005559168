package dev.imgsearch.core.store;

/** Vector index types, named as Milvus names them. Embedded stores map each to their closest structure. */
public enum IndexType {
  /** Exact, brute-force search. */
  FLAT,
  /** Inverted file over {@code nlist} clusters; search parameter {@code nprobe}. */
  IVF_FLAT,
  /** IVF with 8-bit scalar quantisation; parameters as IVF_FLAT. */
  IVF_SQ8,
  /** IVF with product quantisation; build parameters {@code nlist}, {@code m}, {@code nbits}. */
  IVF_PQ,
  /** Graph index; build parameters {@code M}, {@code efConstruction}; search parameter {@code ef}. */
  HNSW,
  /** Let the store choose. */
  AUTOINDEX
}
