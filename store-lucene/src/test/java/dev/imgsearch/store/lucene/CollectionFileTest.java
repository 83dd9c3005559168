package dev.imgsearch.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.IndexType;
import dev.imgsearch.core.store.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schema file: read back equal (index parameters keep their Java types), versioned, damage reported. */
class CollectionFileTest {
  @TempDir
  Path dir;

  @Test
  void roundTripsEverySchemaDetail() throws IOException {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("M", 16L); // a Long stays a Long: the spec read back must equal the spec written
    params.put("efConstruction", 200);
    params.put("ratio", 0.5);
    params.put("f", 1.5f);
    params.put("sq_type", "SQ8");
    params.put("flag", true);
    CollectionSpec spec = CollectionSpec.builder("everything")
        .description("all of it")
        .primaryKey(FieldSpec.varchar("pk", 64))
        .field(FieldSpec.scalar("i", FieldType.INT32))
        .field(FieldSpec.scalar("j", FieldType.JSON))
        .field(FieldSpec.varchar("caption", 500))
        .field(FieldSpec.vector("a", 4, MetricType.IP, IndexSpec.of(IndexType.HNSW, params)))
        .field(FieldSpec.vector("b", 3, MetricType.L2, IndexSpec.ivfPq(64, 3, 8)))
        .fullText(FullTextField.of("caption_bm25", "caption", FullTextField.Analyzer.CHINESE))
        .dynamicFields(true)
        .build();
    Map<String, VectorPlan> plans = Map.of("a", VectorPlan.forField("everything", spec.field("a").orElseThrow(), false),
        "b", VectorPlan.forField("everything", spec.field("b").orElseThrow(), false));
    Path file = dir.resolve("collection.json");
    CollectionFile.write(file, new CollectionFile(spec, plans));
    CollectionFile read = CollectionFile.read(file, "everything");
    assertThat(read.spec()).isEqualTo(spec);
    assertThat(read.spec().description()).isEqualTo("all of it");
    assertThat(read.spec().field("a").orElseThrow().index().params().get("M")).isInstanceOf(Long.class);
    assertThat(read.plans()).isEqualTo(plans);
    assertThat(read.plans().get("a").structure()).isEqualTo(VectorPlan.Structure.HNSW_SQ);
    assertThat(read.plans().get("b").structure()).isEqualTo(VectorPlan.Structure.HNSW_SQ);
    try (var leftovers = Files.list(dir)) {
      assertThat(leftovers).containsExactly(file); // the temporary file was renamed, not left behind
    }
  }

  @Test
  void aDamagedFileIsReportedAsSuch() throws IOException {
    Path file = dir.resolve("collection.json");
    Files.writeString(file, "{\"format\": \"imgsearch-lucene-collection\", \"vers");
    assertThatThrownBy(() -> CollectionFile.read(file, "c")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("damaged");
    Files.writeString(file, "{\"format\": \"imgsearch-lucene-collection\", \"version\": 1, \"name\": \"c\"}");
    assertThatThrownBy(() -> CollectionFile.read(file, "c")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("damaged");
  }
}
