/**
 * imgsearch on Apache Spark: {@link dev.imgsearch.spark.SparkImageIndexer} embeds images on the executors (one
 * model per executor JVM, batched inference inside {@code mapPartitions}) and writes the rows of
 * {@link dev.imgsearch.pipeline.ImageIndex} straight into a Milvus collection, or Parquet; inputs are described by
 * {@link dev.imgsearch.spark.SparkImageSource}, the model by {@link dev.imgsearch.spark.EmbedderSpec}, the store by
 * {@link dev.imgsearch.spark.StoreTarget}. {@link dev.imgsearch.spark.SparkIndexJob} is the {@code spark-submit}
 * entry point.
 */
package dev.imgsearch.spark;
