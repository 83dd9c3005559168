package dev.imgsearch.store.milvus;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.ByteString;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.spi.JsonValues;
import dev.imgsearch.core.store.spi.SchemaChecks;
import dev.imgsearch.core.store.spi.SchemaChecks.KeyRule;
import io.milvus.grpc.BoolArray;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DoubleArray;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.IntArray;
import io.milvus.grpc.JSONArray;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The rows of one write request, checked against the collection's spec and converted to the field types, ready to be
 * encoded either as columns (the gRPC {@code FieldData} that the server takes, built straight from the values) or as
 * milvus-sdk-java's JSON rows (for a client handed in through {@code wrap}). {@link #split} checks every row and cuts
 * a write into batches whose estimated size stays under a limit.
 */
final class RowBatch {
  /** The name under which Milvus keeps the dynamic fields of a row (a JSON object). */
  static final String DYNAMIC_FIELD = "$meta";
  private static final Gson GSON = JsonValues.gson();

  private final CollectionSpec spec;
  /** Whether the key is left out of every row (an insert into an auto-id collection). */
  private final boolean keyless;
  /** Per row, the coerced values of the declared fields in {@code spec.fields()} order (null: the key of keyless). */
  private final List<Object[]> values = new ArrayList<>();
  /** Per row, its undeclared fields as JSON (empty objects included); null when the spec has no dynamic fields. */
  private final List<JsonObject> dynamic;
  private long bytes;

  private RowBatch(CollectionSpec spec, boolean keyless) {
    this.spec = spec;
    this.keyless = keyless;
    this.dynamic = spec.dynamicFields() ? new ArrayList<>() : null;
  }

  /**
   * Checks and converts every row with core's {@link SchemaChecks#checkRows} (the checks and messages of every
   * store), refuses dynamic field names that Milvus reserves, and splits the rows into batches under
   * {@code maxBatchBytes} (estimated; a single row larger than that is a batch of its own).
   *
   * @param insert whether this is an insert: then an auto-id collection's rows must leave the key out
   * @throws InvalidInputException naming the row and field when a row does not fit the spec
   */
  static List<RowBatch> split(CollectionSpec spec, List<Row> rows, boolean insert, long maxBatchBytes) {
    Objects.requireNonNull(rows, "rows");
    boolean keyless = insert && spec.autoId();
    List<Map<String, Object>> checked = SchemaChecks.checkRows(spec, rows, keyless ? KeyRule.GENERATED
        : KeyRule.REQUIRED);
    List<RowBatch> batches = new ArrayList<>();
    RowBatch current = new RowBatch(spec, keyless);
    for (int i = 0; i < checked.size(); i++) {
      Map<String, Object> row = checked.get(i);
      long size = 64;
      Object[] values = new Object[spec.fields().size()];
      for (int j = 0; j < values.length; j++) {
        FieldSpec field = spec.fields().get(j);
        Object v = row.get(field.name());
        if (v != null) {
          values[j] = field.type() == FieldType.JSON ? GSON.toJsonTree(v) : v; // both encodings send JSON text
          size += estimate(field, values[j]);
        }
      }
      JsonObject extra = current.dynamic == null ? null : new JsonObject();
      for (Map.Entry<String, Object> e : row.entrySet()) {
        if (extra != null && spec.field(e.getKey()).isEmpty()) {
          if (e.getKey().startsWith("$")) {
            throw new InvalidInputException("Row " + i + " of the batch for collection '" + spec.name() + "' has "
                + "field '" + e.getKey() + "'; names starting with '$' are reserved by Milvus. Rename the field.");
          }
          JsonElement v = GSON.toJsonTree(e.getValue());
          size += e.getKey().length() + v.toString().length();
          extra.add(e.getKey(), v);
        }
      }
      if (current.size() > 0 && current.bytes + size > maxBatchBytes) {
        batches.add(current);
        current = new RowBatch(spec, keyless);
      }
      current.values.add(values);
      if (current.dynamic != null) {
        current.dynamic.add(extra);
      }
      current.bytes += size;
    }
    if (current.size() > 0) {
      batches.add(current);
    }
    return batches;
  }

  /** Roughly the bytes a value takes in a request. */
  private static long estimate(FieldSpec field, Object v) {
    return switch (field.type()) {
      case FLOAT_VECTOR -> 4L * ((float[]) v).length + 16;
      case VARCHAR -> ((String) v).length() * 3L + 16;
      case BOOL -> 1;
      case JSON -> v.toString().getBytes(StandardCharsets.UTF_8).length + 16;
      default -> 8;
    };
  }

  /** How many rows. */
  int size() {
    return values.size();
  }

  /** The primary keys of the rows, in order (for a batch that carries them: not an auto-id insert). */
  List<Object> keys() {
    List<Object> keys = new ArrayList<>(values.size());
    for (Object[] row : values) {
      keys.add(row[0]);
    }
    return keys;
  }

  /**
   * The rows as columns, one {@code FieldData} per declared field (the key left out of an auto-id insert) and one
   * for the dynamic fields, as pymilvus sends them: vectors straight from the {@code float[]}s, no boxing.
   */
  List<FieldData> columns() {
    List<FieldData> columns = new ArrayList<>(spec.fields().size() + 1);
    for (int j = 0; j < spec.fields().size(); j++) {
      FieldSpec f = spec.fields().get(j);
      if (keyless && j == 0) {
        continue;
      }
      columns.add(column(f, j));
    }
    if (dynamic != null) {
      JSONArray.Builder json = JSONArray.newBuilder();
      for (JsonObject extra : dynamic) {
        json.addData(ByteString.copyFromUtf8(extra.toString()));
      }
      columns.add(FieldData.newBuilder().setFieldName(DYNAMIC_FIELD).setIsDynamic(true).setType(DataType.JSON)
          .setScalars(ScalarField.newBuilder().setJsonData(json)).build());
    }
    return columns;
  }

  private FieldData column(FieldSpec f, int j) {
    FieldData.Builder fd = FieldData.newBuilder().setFieldName(f.name());
    switch (f.type()) {
      case FLOAT_VECTOR -> {
        FloatArray.Builder data = FloatArray.newBuilder();
        for (Object[] row : values) {
          for (float x : (float[]) row[j]) {
            data.addData(x);
          }
        }
        return fd.setType(DataType.FloatVector)
            .setVectors(VectorField.newBuilder().setDim(f.dimension()).setFloatVector(data)).build();
      }
      case INT64 -> {
        LongArray.Builder data = LongArray.newBuilder();
        values.forEach(row -> data.addData((Long) row[j]));
        return fd.setType(DataType.Int64).setScalars(ScalarField.newBuilder().setLongData(data)).build();
      }
      case INT32 -> {
        IntArray.Builder data = IntArray.newBuilder();
        values.forEach(row -> data.addData((Integer) row[j]));
        return fd.setType(DataType.Int32).setScalars(ScalarField.newBuilder().setIntData(data)).build();
      }
      case FLOAT -> {
        FloatArray.Builder data = FloatArray.newBuilder();
        values.forEach(row -> data.addData((Float) row[j]));
        return fd.setType(DataType.Float).setScalars(ScalarField.newBuilder().setFloatData(data)).build();
      }
      case DOUBLE -> {
        DoubleArray.Builder data = DoubleArray.newBuilder();
        values.forEach(row -> data.addData((Double) row[j]));
        return fd.setType(DataType.Double).setScalars(ScalarField.newBuilder().setDoubleData(data)).build();
      }
      case BOOL -> {
        BoolArray.Builder data = BoolArray.newBuilder();
        values.forEach(row -> data.addData((Boolean) row[j]));
        return fd.setType(DataType.Bool).setScalars(ScalarField.newBuilder().setBoolData(data)).build();
      }
      case VARCHAR -> {
        StringArray.Builder data = StringArray.newBuilder();
        values.forEach(row -> data.addData((String) row[j]));
        return fd.setType(DataType.VarChar).setScalars(ScalarField.newBuilder().setStringData(data)).build();
      }
      case JSON -> {
        JSONArray.Builder data = JSONArray.newBuilder();
        values.forEach(row -> data.addData(ByteString.copyFromUtf8(row[j].toString())));
        return fd.setType(DataType.JSON).setScalars(ScalarField.newBuilder().setJsonData(data)).build();
      }
      default -> throw new AssertionError(f.type());
    }
  }

  /** The rows as milvus-sdk-java's JSON rows (declared fields, then the dynamic ones at the top level). */
  List<JsonObject> jsonRows() {
    List<JsonObject> rows = new ArrayList<>(values.size());
    for (int r = 0; r < values.size(); r++) {
      Object[] row = values.get(r);
      JsonObject json = new JsonObject();
      for (int j = 0; j < row.length; j++) {
        if (row[j] != null) {
          json.add(spec.fields().get(j).name(), jsonValue(row[j]));
        }
      }
      if (dynamic != null) {
        dynamic.get(r).entrySet().forEach(e -> json.add(e.getKey(), e.getValue()));
      }
      rows.add(json);
    }
    return rows;
  }

  private static JsonElement jsonValue(Object v) {
    if (v instanceof float[] f) {
      return floats(f);
    }
    if (v instanceof JsonElement j) {
      return j;
    }
    if (v instanceof String s) {
      return new JsonPrimitive(s);
    }
    if (v instanceof Boolean b) {
      return new JsonPrimitive(b);
    }
    return new JsonPrimitive((Number) v);
  }

  private static JsonArray floats(float[] f) {
    JsonArray a = new JsonArray(f.length);
    for (float x : f) {
      a.add(x);
    }
    return a;
  }
}
