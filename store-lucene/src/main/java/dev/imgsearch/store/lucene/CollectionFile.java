package dev.imgsearch.store.lucene;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.FullTextField;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.IndexType;
import dev.imgsearch.core.store.MetricType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A collection's {@code collection.json}: its {@link CollectionSpec} and the {@link VectorPlan} of each vector
 * field, in a versioned JSON document. Index parameters keep their Java type (int, long, double, string, boolean)
 * so that the spec read back equals the spec written.
 *
 * <p>Versions: 1 was written by the store on Lucene 9.x (plans FLAT, HNSW, HNSW_INT8); 2 by the store on Lucene
 * 10.x (plans FLAT, HNSW, HNSW_SQ with {@code bits} and {@code rescore}). A version-1 file reads as version 2 with
 * HNSW_INT8 as an 8-bit graph with re-scoring, which is what it was; the store rewrites it as version 2 when it
 * opens the collection (see {@link StoreFiles}).
 *
 * @param spec the collection's schema
 * @param plans how each vector field is indexed
 * @param version the format version the file was read in ({@link StoreFiles#VERSION} for a new one)
 * @param cosineRawVectors whether the index declares COSINE for the vectors as given of COSINE fields (FLAT fields
 *     and the {@code NAME$raw} fields of COSINE graphs), as the store on Lucene 9 did; Lucene keeps a field's
 *     similarity for the life of an index, and Lucene 10 refuses zero vectors under COSINE, so collections
 *     created on Lucene 10 declare EUCLIDEAN there instead (the store computes those scores itself either way)
 */
record CollectionFile(CollectionSpec spec, Map<String, VectorPlan> plans, int version, boolean cosineRawVectors) {

  CollectionFile(CollectionSpec spec, Map<String, VectorPlan> plans) {
    this(spec, plans, StoreFiles.VERSION, false);
  }

  /** This content as the current version. */
  CollectionFile upgraded() {
    return new CollectionFile(spec, plans, StoreFiles.VERSION, cosineRawVectors);
  }

  static void write(Path file, CollectionFile content) throws IOException {
    StoreFiles.writeAtomically(file, content.toJson());
  }

  static CollectionFile read(Path file, String name) throws IOException {
    JsonObject json = StoreFiles.readVersioned(file, StoreFiles.COLLECTION_FORMAT, "collection '" + name + "'");
    try {
      return fromJson(json);
    } catch (RuntimeException e) {
      throw new InvalidInputException("File " + file + " of collection '" + name + "' cannot be read (" + e
          + "); the store is damaged. Restore it from a backup, or drop the collection and index it again.", e);
    }
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    json.addProperty("format", StoreFiles.COLLECTION_FORMAT);
    json.addProperty("version", StoreFiles.VERSION);
    json.addProperty("name", spec.name());
    json.addProperty("description", spec.description());
    json.addProperty("autoId", spec.autoId());
    json.addProperty("dynamicFields", spec.dynamicFields());
    JsonArray fields = new JsonArray();
    for (FieldSpec f : spec.fields()) {
      fields.add(field(f));
    }
    json.add("fields", fields);
    JsonArray fullText = new JsonArray();
    for (FullTextField ft : spec.fullTextFields()) {
      JsonObject o = new JsonObject();
      o.addProperty("name", ft.name());
      o.addProperty("textField", ft.textField());
      o.addProperty("analyzer", ft.analyzer().name());
      fullText.add(o);
    }
    json.add("fullText", fullText);
    JsonObject vectorIndexes = new JsonObject();
    plans.forEach((name, plan) -> {
      JsonObject p = new JsonObject();
      p.addProperty("structure", plan.structure().name());
      p.addProperty("M", plan.maxConnections());
      p.addProperty("efConstruction", plan.beamWidth());
      p.addProperty("bits", plan.bits());
      p.addProperty("rescore", plan.rescore());
      vectorIndexes.add(name, p);
    });
    json.add("vectorIndexes", vectorIndexes);
    json.addProperty("cosineRawVectors", cosineRawVectors);
    return json;
  }

  private static JsonObject field(FieldSpec f) {
    JsonObject o = new JsonObject();
    o.addProperty("name", f.name());
    o.addProperty("type", f.type().name());
    if (f.type() == FieldType.VARCHAR) {
      o.addProperty("maxLength", f.maxLength());
    }
    if (f.isVector()) {
      o.addProperty("dimension", f.dimension());
      o.addProperty("metric", f.metric().name());
      JsonObject index = new JsonObject();
      index.addProperty("type", f.index().type().name());
      JsonObject params = new JsonObject();
      f.index().params().forEach((k, v) -> params.add(k, typed(v)));
      index.add("params", params);
      o.add("index", index);
    }
    return o;
  }

  private static JsonObject typed(Object v) {
    JsonObject o = new JsonObject();
    if (v instanceof Integer i) {
      o.addProperty("int", i);
    } else if (v instanceof Long l) {
      o.addProperty("long", l);
    } else if (v instanceof Float f) {
      o.addProperty("float", f);
    } else if (v instanceof Number n) {
      o.addProperty("double", n.doubleValue());
    } else if (v instanceof Boolean b) {
      o.addProperty("bool", b);
    } else {
      o.addProperty("string", String.valueOf(v));
    }
    return o;
  }

  private static Object untyped(JsonObject o) {
    Map.Entry<String, JsonElement> e = o.entrySet().iterator().next();
    JsonElement v = e.getValue();
    return switch (e.getKey()) {
      case "int" -> v.getAsInt();
      case "long" -> v.getAsLong();
      case "float" -> v.getAsFloat();
      case "double" -> v.getAsDouble();
      case "bool" -> v.getAsBoolean();
      default -> v.getAsString();
    };
  }

  private static CollectionFile fromJson(JsonObject json) {
    int version = json.get("version").getAsInt();
    CollectionSpec.Builder b = CollectionSpec.builder(json.get("name").getAsString())
        .description(json.get("description").getAsString())
        .autoId(json.get("autoId").getAsBoolean())
        .dynamicFields(json.get("dynamicFields").getAsBoolean());
    boolean first = true;
    for (JsonElement e : json.getAsJsonArray("fields")) {
      FieldSpec f = readField(e.getAsJsonObject());
      if (first) {
        b.primaryKey(f);
        first = false;
      } else {
        b.field(f);
      }
    }
    if (json.has("fullText")) {
      for (JsonElement e : json.getAsJsonArray("fullText")) {
        JsonObject o = e.getAsJsonObject();
        b.fullText(FullTextField.of(o.get("name").getAsString(), o.get("textField").getAsString(),
            FullTextField.Analyzer.valueOf(o.get("analyzer").getAsString())));
      }
    }
    CollectionSpec spec = b.build();
    Map<String, VectorPlan> plans = new LinkedHashMap<>();
    JsonObject vectorIndexes = json.getAsJsonObject("vectorIndexes");
    for (FieldSpec f : spec.vectorFields()) {
      JsonObject p = vectorIndexes.getAsJsonObject(f.name());
      plans.put(f.name(), readPlan(p));
    }
    // Version 1 (Lucene 9) declared COSINE for COSINE fields' raw vectors.
    boolean cosineRaw = version == 1
        || (json.has("cosineRawVectors") && json.get("cosineRawVectors").getAsBoolean());
    return new CollectionFile(spec, plans, version, cosineRaw);
  }

  private static VectorPlan readPlan(JsonObject p) {
    String structure = p.get("structure").getAsString();
    int m = p.get("M").getAsInt();
    int efConstruction = p.get("efConstruction").getAsInt();
    if (structure.equals("HNSW_INT8")) { // version 1: Lucene 9's int8 graph, re-ranked on the raw vectors
      return new VectorPlan(VectorPlan.Structure.HNSW_SQ, m, efConstruction, 8, true);
    }
    VectorPlan.Structure s = VectorPlan.Structure.valueOf(structure);
    int bits = p.has("bits") ? p.get("bits").getAsInt() : VectorPlan.FLOAT_BITS;
    boolean rescore = p.has("rescore") && p.get("rescore").getAsBoolean();
    return new VectorPlan(s, m, efConstruction, bits, rescore);
  }

  private static FieldSpec readField(JsonObject o) {
    String name = o.get("name").getAsString();
    FieldType type = FieldType.valueOf(o.get("type").getAsString());
    if (type == FieldType.VARCHAR) {
      return FieldSpec.varchar(name, o.get("maxLength").getAsInt());
    }
    if (type.isVector()) {
      JsonObject index = o.getAsJsonObject("index");
      Map<String, Object> params = new LinkedHashMap<>();
      index.getAsJsonObject("params").entrySet()
          .forEach(p -> params.put(p.getKey(), untyped(p.getValue().getAsJsonObject())));
      return FieldSpec.vector(name, o.get("dimension").getAsInt(), MetricType.valueOf(o.get("metric").getAsString()),
          IndexSpec.of(IndexType.valueOf(index.get("type").getAsString()), params));
    }
    return FieldSpec.scalar(name, type);
  }
}
