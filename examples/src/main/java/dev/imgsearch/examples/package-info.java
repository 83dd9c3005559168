/**
 * The walkthroughs this SDK grows from, as runnable programs: {@link dev.imgsearch.examples.HelloMilvus},
 * {@link dev.imgsearch.examples.PaintingSearch}, {@link dev.imgsearch.examples.TextImageSearch},
 * {@link dev.imgsearch.examples.ChineseTextImageSearch}, {@link dev.imgsearch.examples.ReverseImageSearch} and
 * {@link dev.imgsearch.examples.HybridSearch}. Each follows its walkthrough step by step (same collection, fields,
 * parameters and printed sections) on the embedded Lucene store (the default, a directory) or on Milvus
 * ({@code --uri}, {@code --token}); without {@code --images} each generates its own sample images, so every program
 * runs without network. Run them with {@code examples/run.sh <Program> [options]} from the repository root.
 */
package dev.imgsearch.examples;
