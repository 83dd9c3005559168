package dev.imgsearch.store.milvus;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.FullTextField;
import io.milvus.common.clientenum.FunctionType;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.IndexType;
import dev.imgsearch.core.store.MetricType;
import io.milvus.v2.common.DataType;
import io.milvus.v2.common.IndexParam;
import io.milvus.v2.service.collection.request.AddFieldReq;
import io.milvus.v2.service.collection.request.CreateCollectionReq;
import io.milvus.v2.service.collection.response.DescribeCollectionResp;
import io.milvus.v2.service.index.response.DescribeIndexResp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Maps core's {@link CollectionSpec} to a Milvus schema with index parameters, and a Milvus collection description
 * back to a spec.
 *
 * <p>Index build parameters are also kept in a collection property ({@code imgsearch.index.FIELD}, JSON), because
 * not every server reports them back (Milvus Lite 3.x describes an index by type and metric only); the same goes
 * for the description ({@code imgsearch.description}).
 */
final class SchemaMapper {
  static final String INDEX_PROPERTY_PREFIX = "imgsearch.index.";
  static final String DESCRIPTION_PROPERTY = "imgsearch.description";
  static final String FULL_TEXT_PROPERTY_PREFIX = "imgsearch.fulltext.";
  /** Keys that servers put in an index description beside the build parameters. */
  private static final Set<String> NON_BUILD_KEYS = Set.of("index_type", "metric_type", "params", "mmap.enabled",
      "field_name", "index_name");

  private static final Gson GSON = new Gson();

  private SchemaMapper() {}

  static DataType dataType(FieldType type) {
    return switch (type) {
      case INT32 -> DataType.Int32;
      case INT64 -> DataType.Int64;
      case FLOAT -> DataType.Float;
      case DOUBLE -> DataType.Double;
      case BOOL -> DataType.Bool;
      case VARCHAR -> DataType.VarChar;
      case JSON -> DataType.JSON;
      case FLOAT_VECTOR -> DataType.FloatVector;
    };
  }

  static FieldType fieldType(String collection, String field, DataType type) {
    return switch (type) {
      case Int32 -> FieldType.INT32;
      case Int64 -> FieldType.INT64;
      case Float -> FieldType.FLOAT;
      case Double -> FieldType.DOUBLE;
      case Bool -> FieldType.BOOL;
      case VarChar, String -> FieldType.VARCHAR;
      case JSON -> FieldType.JSON;
      case FloatVector -> FieldType.FLOAT_VECTOR;
      default -> throw new SchemaException("Collection '" + collection + "' has field '" + field + "' of Milvus type "
          + type + ", which this SDK does not map; use nativeClient() for this collection.");
    };
  }

  /** The schema of a create request. */
  static CreateCollectionReq.CollectionSchema schema(CollectionSpec spec) {
    CreateCollectionReq.CollectionSchema schema = CreateCollectionReq.CollectionSchema.builder()
        .enableDynamicField(spec.dynamicFields())
        .build();
    for (FieldSpec f : spec.fields()) {
      AddFieldReq.AddFieldReqBuilder b = AddFieldReq.builder().fieldName(f.name()).dataType(dataType(f.type()));
      if (f == spec.primaryKey()) {
        b.isPrimaryKey(true).autoID(spec.autoId());
      }
      if (f.type() == FieldType.VARCHAR) {
        b.maxLength(f.maxLength());
      }
      if (f.isVector()) {
        b.dimension(f.dimension());
      }
      for (FullTextField ft : spec.fullTextFields()) {
        if (ft.textField().equals(f.name())) {
          b.enableAnalyzer(true).analyzerParams(analyzerParams(ft.analyzer()));
        }
      }
      schema.addField(b.build());
    }
    for (FullTextField ft : spec.fullTextFields()) {
      schema.addField(AddFieldReq.builder().fieldName(ft.name()).dataType(DataType.SparseFloatVector).build());
      schema.addFunction(CreateCollectionReq.Function.builder()
          .name(ft.name() + "_bm25")
          .functionType(FunctionType.BM25)
          .inputFieldNames(List.of(ft.textField()))
          .outputFieldNames(List.of(ft.name()))
          .build());
    }
    return schema;
  }

  /** Milvus analyzer parameters: the standard analyzer, or the jieba tokenizer for Chinese. */
  static Map<String, Object> analyzerParams(FullTextField.Analyzer analyzer) {
    return switch (analyzer) {
      case STANDARD -> Map.of("type", "standard");
      case CHINESE -> Map.of("tokenizer", "jieba");
    };
  }

  private static FullTextField.Analyzer analyzer(String remembered, Map<String, Object> params) {
    if (remembered != null) {
      return FullTextField.Analyzer.valueOf(remembered);
    }
    String text = String.valueOf(params).toLowerCase(java.util.Locale.ROOT);
    return text.contains("jieba") || text.contains("chinese") ? FullTextField.Analyzer.CHINESE
        : FullTextField.Analyzer.STANDARD;
  }

  /** One index per vector field. */
  static List<IndexParam> indexes(CollectionSpec spec) {
    List<IndexParam> out = new ArrayList<>();
    for (FieldSpec f : spec.vectorFields()) {
      IndexSpec index = f.index();
      IndexParam.IndexParamBuilder b = IndexParam.builder()
          .fieldName(f.name())
          .indexName(f.name())
          .indexType(IndexParam.IndexType.valueOf(index.type().name()))
          .metricType(IndexParam.MetricType.valueOf(f.metric().name()));
      if (!index.params().isEmpty()) {
        b.extraParams(new LinkedHashMap<>(index.params()));
      }
      out.add(b.build());
    }
    for (FullTextField ft : spec.fullTextFields()) {
      out.add(IndexParam.builder().fieldName(ft.name()).indexName(ft.name())
          .indexType(IndexParam.IndexType.SPARSE_INVERTED_INDEX).metricType(IndexParam.MetricType.BM25).build());
    }
    return out;
  }

  /** Collection properties that remember what the server may not report back. */
  static Map<String, String> properties(CollectionSpec spec) {
    Map<String, String> props = new LinkedHashMap<>();
    for (FieldSpec f : spec.vectorFields()) {
      props.put(INDEX_PROPERTY_PREFIX + f.name(), GSON.toJson(f.index().params()));
    }
    if (!spec.description().isEmpty()) {
      props.put(DESCRIPTION_PROPERTY, spec.description());
    }
    for (FullTextField ft : spec.fullTextFields()) {
      props.put(FULL_TEXT_PROPERTY_PREFIX + ft.name(), ft.analyzer().name());
    }
    return props;
  }

  /** Rebuilds a spec from the server's description of the collection and of its indexes. */
  static CollectionSpec spec(DescribeCollectionResp desc, Map<String, DescribeIndexResp.IndexDesc> indexes) {
    String name = desc.getCollectionName();
    Map<String, String> props = desc.getProperties() == null ? Map.of() : desc.getProperties();
    String description = desc.getDescription() == null || desc.getDescription().isEmpty()
        ? props.getOrDefault(DESCRIPTION_PROPERTY, "") : desc.getDescription();
    CollectionSpec.Builder b = CollectionSpec.builder(name)
        .description(description)
        .autoId(Boolean.TRUE.equals(desc.getAutoID()))
        .dynamicFields(Boolean.TRUE.equals(desc.getEnableDynamicField()));
    Map<String, String> bm25Outputs = new LinkedHashMap<>(); // output field -> text field
    for (CreateCollectionReq.Function fn : desc.getCollectionSchema().getFunctionList()) {
      if (fn.getFunctionType() == FunctionType.BM25 && fn.getOutputFieldNames().size() == 1
          && fn.getInputFieldNames().size() == 1) {
        bm25Outputs.put(fn.getOutputFieldNames().get(0), fn.getInputFieldNames().get(0));
      }
    }
    Map<String, Map<String, Object>> analyzers = new LinkedHashMap<>();
    for (CreateCollectionReq.FieldSchema f : desc.getCollectionSchema().getFieldSchemaList()) {
      if (bm25Outputs.containsKey(f.getName())) {
        continue; // rebuilt as a full-text field below
      }
      if (Boolean.TRUE.equals(f.getEnableAnalyzer())) {
        analyzers.put(f.getName(), f.getAnalyzerParams() == null ? Map.of() : f.getAnalyzerParams());
      }
      FieldType type = fieldType(name, f.getName(), f.getDataType());
      FieldSpec field;
      if (type == FieldType.VARCHAR) {
        field = FieldSpec.varchar(f.getName(), f.getMaxLength());
      } else if (type.isVector()) {
        DescribeIndexResp.IndexDesc idx = indexes.get(f.getName());
        if (idx == null) {
          throw new SchemaException("Vector field '" + f.getName() + "' of collection '" + name + "' has no index; "
              + "create one with nativeClient().createIndex(...) or recreate the collection with createCollection.");
        }
        field = FieldSpec.vector(f.getName(), f.getDimension(), metric(name, f.getName(), idx.getMetricType()),
            indexSpec(idx, props.get(INDEX_PROPERTY_PREFIX + f.getName())));
      } else {
        field = FieldSpec.scalar(f.getName(), type);
      }
      if (Boolean.TRUE.equals(f.getIsPrimaryKey())) {
        b.primaryKey(field);
      } else {
        b.field(field);
      }
    }
    bm25Outputs.forEach((output, input) -> b.fullText(FullTextField.of(output, input,
        analyzer(props.get(FULL_TEXT_PROPERTY_PREFIX + output), analyzers.getOrDefault(input, Map.of())))));
    return b.build();
  }

  private static MetricType metric(String collection, String field, IndexParam.MetricType metric) {
    try {
      return MetricType.valueOf(metric.name());
    } catch (IllegalArgumentException e) {
      throw new SchemaException("Vector field '" + field + "' of collection '" + collection + "' uses metric " + metric
          + ", which this SDK does not map (it knows L2, IP, COSINE); use nativeClient() for this collection.");
    }
  }

  private static IndexSpec indexSpec(DescribeIndexResp.IndexDesc idx, String remembered) {
    IndexType type;
    try {
      type = IndexType.valueOf(idx.getIndexType().name());
    } catch (IllegalArgumentException e) {
      throw new SchemaException("Vector field '" + idx.getFieldName() + "' has index type " + idx.getIndexType()
          + ", which this SDK does not map; use nativeClient() for this collection.");
    }
    Map<String, Object> params = new LinkedHashMap<>();
    if (remembered != null) {
      JsonObject o = JsonParser.parseString(remembered).getAsJsonObject();
      o.entrySet().forEach(e -> params.put(e.getKey(), number(e.getValue().getAsString())));
    } else if (idx.getExtraParams() != null) {
      idx.getExtraParams().forEach((k, v) -> {
        if ("params".equals(k) && v != null && v.trim().startsWith("{")) {
          JsonParser.parseString(v).getAsJsonObject().entrySet()
              .forEach(e -> params.put(e.getKey(), number(e.getValue().getAsString())));
        } else if (!NON_BUILD_KEYS.contains(k)) {
          params.put(k, number(v));
        }
      });
    }
    return IndexSpec.of(type, params);
  }

  /** An index parameter as the factories make it: an Integer where the text is a whole number. */
  private static Object number(String text) {
    try {
      long l = Long.parseLong(text.trim());
      return l == (int) l ? (Object) (int) l : (Object) l;
    } catch (NumberFormatException e) {
      try {
        return Double.parseDouble(text.trim());
      } catch (NumberFormatException e2) {
        return text;
      }
    }
  }
}
