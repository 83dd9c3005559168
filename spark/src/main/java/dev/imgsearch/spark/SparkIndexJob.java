package dev.imgsearch.spark;

import dev.imgsearch.pipeline.IdStrategy;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code spark-submit} entry point: indexes a directory (or glob) into a Milvus collection, or into Parquet.
 *
 * <pre>
 * spark-submit --class dev.imgsearch.spark.SparkIndexJob --jars imgsearch-onnx-deps.jar imgsearch-spark.jar \
 *   --input s3a://photos/2024 --factory com.example.ClipFactory --family clip --model /models/clip \
 *   --uri http://milvus:19530 --token root:Milvus --collection photos [--id-strategy PATH|CONTENT]
 *   [--partitions 400] [--batch-size 32] [--parquet s3a://out/photos.parquet]
 * </pre>
 *
 * <p>Prints the report and the summary; exits 0 when it ran (failed images are reported, not fatal).
 */
public final class SparkIndexJob {
  private SparkIndexJob() {}

  /** Runs the job; see the class comment for the arguments. */
  public static void main(String[] args) {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 == args.length) {
        throw new IllegalArgumentException("Expected --name value pairs, got '" + args[i] + "'");
      }
      a.put(args[i].substring(2), args[++i]);
    }
    SparkSession spark = SparkSession.builder().appName("imgsearch index " + need(a, "input")).getOrCreate();
    SparkImageIndexer.Builder b = SparkImageIndexer.builder()
        .embedder(new EmbedderSpec(need(a, "factory"), a.getOrDefault("family", "clip"), need(a, "model")))
        .collection(need(a, "collection"))
        .idStrategy(IdStrategy.valueOf(a.getOrDefault("id-strategy", "PATH").toUpperCase(Locale.ROOT)))
        .batchSize(Integer.parseInt(a.getOrDefault("batch-size", "32")));
    if (a.containsKey("uri")) {
      b.store(new MilvusTarget(a.get("uri"), a.getOrDefault("token", ""), a.getOrDefault("database", "")));
    }
    SparkImageSource.Builder source = SparkImageSource.files(spark, a.get("input"));
    if (a.containsKey("partitions")) {
      source.partitions(Integer.parseInt(a.get("partitions")));
    }
    SparkImageIndexer indexer = b.build();
    SparkIndexReport report = a.containsKey("parquet")
        ? indexer.writeParquet(source.build(), a.get("parquet"), SaveMode.Overwrite)
        : indexer.index(source.build());
    System.out.println(report);
    report.summary().show(100, false);
    report.failures().forEach(f -> System.out.println("  " + f));
    spark.stop();
  }

  private static String need(Map<String, String> a, String name) {
    String v = a.get(name);
    if (v == null) {
      throw new IllegalArgumentException("Missing --" + name);
    }
    return v;
  }
}
