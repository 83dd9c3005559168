package dev.imgsearch.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexFields;
import java.nio.file.Files;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The contract on an in-memory store the tasks of this JVM share, plus the DataFrame inputs. */
class SparkIndexingTest extends SparkIndexingContract {

  @BeforeAll
  void start() throws Exception {
    setUp();
  }

  @Override
  StoreTarget target() {
    return TestData.sharedMemoryStore("unit");
  }

  @Override
  String prefix() {
    return "unit";
  }

  @Test
  void aDataFrameOfPathsWithMetadataColumnsStoresTheColumnsAsFields() throws Exception {
    List<String> paths = queries().stream().map(p -> p.toAbsolutePath().toString()).toList();
    Dataset<Row> df = spark.createDataset(paths, Encoders.STRING()).toDF("file")
        .selectExpr("file", "length(file) AS name_length", "'cat' AS label");
    SparkIndexReport report = indexer("unit_paths").build().index(SparkImageSource.paths(df, "file")
        .baseDirectory(images.toString()).metadataColumns("name_length", "label").build());
    assertThat(report.indexed()).isEqualTo(paths.size());
    try (VectorStore store = open(); ImageIndex index = imageIndex(store, "unit_paths")) {
      var row = store.get("unit_paths", List.of(images.relativize(queries().get(0)).toString()), List.of("*")).get(0);
      assertThat(row.get("label")).isEqualTo("cat");
      assertThat(((Number) row.get("name_length")).longValue()).isEqualTo(paths.get(0).length());
      assertThat(row.get(IndexFields.SOURCE)).isEqualTo(images.toAbsolutePath().toString());
    }
  }

  @Test
  void aDataFrameOfBytesIndexesRecordsAndSkipsThemOnARerun() throws Exception {
    StructType schema = new StructType().add("key", DataTypes.StringType).add("data", DataTypes.BinaryType);
    List<Row> rows = List.of(RowFactory.create("a", Files.readAllBytes(queries().get(0))),
        RowFactory.create("b", Files.readAllBytes(queries().get(1))),
        RowFactory.create("c", new byte[0]));
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    SparkImageIndexer indexer = indexer("unit_records").build();
    SparkIndexReport first = indexer.index(SparkImageSource.records(df, "key", "data").build());
    assertThat(first.indexed()).isEqualTo(2);
    assertThat(first.failures()).singleElement().satisfies(f -> {
      assertThat(f.item()).isEqualTo("c");
      assertThat(f.cause().name()).isEqualTo("EMPTY");
    });
    SparkIndexReport second = indexer.index(SparkImageSource.records(df, "key", "data").build());
    assertThat(second.unchanged()).isEqualTo(2);
    assertThat(second.embedded()).isZero();
    try (VectorStore store = open()) {
      var a = store.get("unit_records", List.of("a"), List.of("*")).get(0);
      assertThat(a.get(IndexFields.PATH)).isEqualTo("");
      assertThat(a.get(IndexFields.SOURCE)).isEqualTo("records");
    }
  }

  /** The indexer writes the standard rows: server-generated ids, which ImageIndex offers, are refused with advice. */
  @Test
  void serverGeneratedIdsAreRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SparkImageIndexer.builder()
        .idStrategy(dev.imgsearch.pipeline.IdStrategy.AUTO))
        .isInstanceOf(dev.imgsearch.core.InvalidInputException.class).hasMessageContaining("IdStrategy.PATH");
  }
}
