package dev.imgsearch.store.milvus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** How rows become the columns a built store sends, and the JSON rows a wrapped client gets. */
class RowBatchTest {
  private static final CollectionSpec EVERY_TYPE = CollectionSpec.builder("t")
      .primaryKey(FieldSpec.scalar("id", FieldType.INT64))
      .field(FieldSpec.scalar("i32", FieldType.INT32))
      .field(FieldSpec.scalar("f32", FieldType.FLOAT))
      .field(FieldSpec.scalar("f64", FieldType.DOUBLE))
      .field(FieldSpec.scalar("flag", FieldType.BOOL))
      .field(FieldSpec.varchar("name", 64))
      .field(FieldSpec.scalar("meta", FieldType.JSON))
      .field(FieldSpec.vector("vec", 3, MetricType.L2))
      .dynamicFields(true)
      .build();

  private static Row row(long id) {
    return Row.builder().put("id", (int) id).put("i32", 7).put("f32", 0.5).put("f64", 2.25).put("flag", id % 2 == 0)
        .put("name", "n\"" + id).put("meta", Map.of("k", List.of(1, 2))).put("vec", new float[] {id, 1, -2.5f})
        .put("extra" + id, "x").build();
  }

  @Test
  void columnsCarryEveryTypeInRowOrderWithoutTheKeyOfAnAutoIdInsert() {
    List<RowBatch> batches = RowBatch.split(EVERY_TYPE, List.of(row(1), row(2)), false, 1 << 20);
    assertThat(batches).hasSize(1);
    Map<String, FieldData> cols = batches.get(0).columns().stream()
        .collect(Collectors.toMap(FieldData::getFieldName, Function.identity()));
    assertThat(cols.keySet()).containsExactlyInAnyOrder("id", "i32", "f32", "f64", "flag", "name", "meta", "vec",
        RowBatch.DYNAMIC_FIELD);
    assertThat(cols.get("id").getScalars().getLongData().getDataList()).containsExactly(1L, 2L);
    assertThat(cols.get("i32").getType()).isEqualTo(DataType.Int32);
    assertThat(cols.get("i32").getScalars().getIntData().getDataList()).containsExactly(7, 7);
    assertThat(cols.get("f32").getScalars().getFloatData().getDataList()).containsExactly(0.5f, 0.5f);
    assertThat(cols.get("f64").getScalars().getDoubleData().getDataList()).containsExactly(2.25, 2.25);
    assertThat(cols.get("flag").getScalars().getBoolData().getDataList()).containsExactly(false, true);
    assertThat(cols.get("name").getScalars().getStringData().getDataList()).containsExactly("n\"1", "n\"2");
    assertThat(JsonParser.parseString(cols.get("meta").getScalars().getJsonData().getData(0).toStringUtf8()))
        .isEqualTo(JsonParser.parseString("{\"k\":[1,2]}"));
    FieldData vec = cols.get("vec");
    assertThat(vec.getType()).isEqualTo(DataType.FloatVector);
    assertThat(vec.getVectors().getDim()).isEqualTo(3);
    assertThat(vec.getVectors().getFloatVector().getDataList()).containsExactly(1f, 1f, -2.5f, 2f, 1f, -2.5f);
    FieldData dynamic = cols.get(RowBatch.DYNAMIC_FIELD);
    assertThat(dynamic.getIsDynamic()).isTrue();
    assertThat(dynamic.getType()).isEqualTo(DataType.JSON);
    assertThat(dynamic.getScalars().getJsonData().getData(1).toStringUtf8()).isEqualTo("{\"extra2\":\"x\"}");
    assertThat(batches.get(0).keys()).containsExactly(1L, 2L);

    CollectionSpec autoId = EVERY_TYPE.toBuilder().autoId(true).build();
    Row keyless = Row.of(row(3).asMap().entrySet().stream().filter(e -> !e.getKey().equals("id"))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    List<FieldData> inserted = RowBatch.split(autoId, List.of(keyless), true, 1 << 20).get(0).columns();
    assertThat(inserted).extracting(FieldData::getFieldName).doesNotContain("id").contains("vec");
  }

  @Test
  void jsonRowsHoldTheSameValuesForTheSdk() {
    JsonObject json = RowBatch.split(EVERY_TYPE, List.of(row(4)), false, 1 << 20).get(0).jsonRows().get(0);
    assertThat(json.get("id").getAsLong()).isEqualTo(4L);
    assertThat(json.get("f32").getAsFloat()).isEqualTo(0.5f);
    assertThat(json.get("name").getAsString()).isEqualTo("n\"4");
    assertThat(json.get("meta")).isEqualTo(JsonParser.parseString("{\"k\":[1,2]}"));
    assertThat(json.getAsJsonArray("vec")).hasSize(3);
    assertThat(json.get("extra4").getAsString()).isEqualTo("x");
  }

  @Test
  void writesAreSplitUnderTheByteLimit() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(row(i));
    }
    List<RowBatch> batches = RowBatch.split(EVERY_TYPE, rows, false, 2048);
    assertThat(batches.size()).isGreaterThan(1);
    assertThat(batches.stream().mapToInt(RowBatch::size).sum()).isEqualTo(100);
    for (RowBatch b : batches) {
      assertThat(b.columns().stream().mapToInt(FieldData::getSerializedSize).sum()).isLessThan(2048 + 512);
    }
    assertThat(batches.get(0).keys().get(0)).isEqualTo(0L);
  }

  @Test
  void aBadRowIsNamedBeforeAnythingIsEncoded() {
    Row noVector = Row.builder().put("id", 1L).put("i32", 1).put("f32", 1f).put("f64", 1d).put("flag", true)
        .put("name", "a").put("meta", "m").build();
    assertThatThrownBy(() -> RowBatch.split(EVERY_TYPE, List.of(row(0), noVector), false, 1 << 20))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Row 1").hasMessageContaining("'vec'");
    assertThatThrownBy(() -> RowBatch.split(EVERY_TYPE.toBuilder().autoId(true).build(), List.of(row(0)), true, 1024))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("auto id");
    Row.Builder reservedRow = Row.builder();
    row(0).asMap().forEach(reservedRow::put);
    Row reserved = reservedRow.put("$meta", 1).build();
    assertThatThrownBy(() -> RowBatch.split(EVERY_TYPE, List.of(row(1), reserved), false, 1 << 20))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("Row 1 of the batch for collection 't' has field '$meta'");
    CollectionSpec fullText = EVERY_TYPE.toBuilder()
        .fullText(FullTextField.of("name_bm25", "name", FullTextField.Analyzer.STANDARD)).build();
    Row.Builder computedRow = Row.builder();
    row(0).asMap().forEach(computedRow::put);
    Row computed = computedRow.put("name_bm25", "x").build();
    assertThatThrownBy(() -> RowBatch.split(fullText, List.of(computed), false, 1 << 20))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("Row 0 of the batch for collection 't' has a value for full-text field 'name_bm25', which the "
            + "store computes from field 'name'; leave it out.");
  }
}
