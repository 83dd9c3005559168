package dev.imgsearch.spark;

import dev.imgsearch.pipeline.IdStrategy;
import java.io.Serializable;
import java.util.Map;

/**
 * What the tasks of one job need, shipped with them.
 *
 * @param embedder the model
 * @param target the store, or null to emit rows (Parquet)
 * @param collection the collection
 * @param idStrategy how ids are derived
 * @param kind files (a path column) or records (a bytes column)
 * @param base the base directory of relative ids, or null
 * @param sourceKey the value of {@code source}
 * @param batchSize images per inference call
 * @param upsertBatchSize rows per upsert
 * @param lookupBatchSize rows per lookup of stored rows
 * @param maxPixels the decoder's pixel limit
 * @param hadoopConf the driver's Hadoop configuration, to read files on other file systems
 * @param hook called after each upsert
 */
record JobConfig(EmbedderSpec embedder, StoreTarget target, String collection, IdStrategy idStrategy,
    SparkImageSource.Kind kind, String base, String sourceKey, int batchSize, int upsertBatchSize,
    int lookupBatchSize, long maxPixels, Map<String, String> hadoopConf, PartitionHook hook)
    implements Serializable {
  private static final long serialVersionUID = 1L;
}
