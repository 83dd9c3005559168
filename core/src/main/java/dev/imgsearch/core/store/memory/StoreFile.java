package dev.imgsearch.core.store.memory;

import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.imgsearch.core.ImageSearchException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldSpec;
import dev.imgsearch.core.store.FieldType;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.IndexType;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.spi.JsonValues;
import dev.imgsearch.core.store.spi.SchemaChecks;
import dev.imgsearch.core.store.spi.SchemaChecks.KeyRule;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file format of {@link InMemoryVectorStore}, version {@value #VERSION}: one JSON document,
 *
 * <pre>
 * {"format": "imgsearch-memory-store", "version": 2, "collections": [
 *   {"spec": {"name": ..., "description": ..., "autoId": ..., "dynamicFields": ...,
 *             "fields": [{"name", "type", "maxLength", "dimension", "metric", "index": {"type", "params"}}, ...]},
 *    "lastAutoId": 0,
 *    "properties": {"imgsearch.manifest": "...", ...},
 *    "rows": [{"id": 1, "tag": "a", "vec": "base64 of little-endian float32", "dynamic_field": ...}, ...]}]}
 * </pre>
 *
 * <p>The primary key is the first field. Integers are JSON integers, FLOAT and DOUBLE values their shortest
 * round-trip decimal form, vectors base64, JSON and dynamic fields nested JSON. Every value read is checked
 * against the schema again. Version 1 files (before collection properties) are read as collections without
 * properties, and written back as version 2. Written and read as a stream, so saving does not build the document in memory.
 */
final class StoreFile {
  static final String FORMAT = "imgsearch-memory-store";
  static final int VERSION = 2;

  private static final Logger LOG = LoggerFactory.getLogger(StoreFile.class);

  /** One collection as saved or loaded. */
  record CollectionData(CollectionSpec spec, long lastAutoId, Map<String, String> properties,
      List<Map<String, Object>> rows) {}

  /** Writes the content of a file; may throw IOException. */
  @FunctionalInterface
  interface Body {
    void writeTo(Writer out) throws IOException;
  }

  private StoreFile() {}

  // -----------------------------------------------------------------------------------------------------------
  // Writing
  // -----------------------------------------------------------------------------------------------------------

  static void write(Path target, List<CollectionData> collections) {
    writeAtomically(target, out -> {
      JsonWriter w = new JsonWriter(out);
      w.setStrictness(Strictness.LENIENT); // DOUBLE fields may hold NaN or infinity, written as bare words
      w.beginObject();
      w.name("format").value(FORMAT);
      w.name("version").value(VERSION);
      w.name("collections").beginArray();
      for (CollectionData c : collections) {
        writeCollection(w, c);
      }
      w.endArray();
      w.endObject();
      w.flush();
    });
  }

  /**
   * Writes a file atomically: the body goes to a temporary file in the target's directory, which is forced to
   * disk and then renamed over the target. On any failure the temporary file is removed and the target is left
   * as it was.
   *
   * @throws StoreUnavailableException when the file cannot be written
   */
  static void writeAtomically(Path target, Body body) {
    Path absolute = target.toAbsolutePath();
    Path dir = absolute.getParent();
    Path tmp = null;
    try {
      Files.createDirectories(dir);
      tmp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
      try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        Writer out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
            StandardCharsets.UTF_8), 1 << 16);
        body.writeTo(out);
        out.flush();
        channel.force(true);
      }
      try {
        Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename files atomically", e);
      }
      tmp = null;
      syncDirectory(dir);
    } catch (IOException | RuntimeException e) {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new StoreUnavailableException("Could not save the in-memory store to " + absolute + " (" + e + "). "
          + "The previous file, if any, is unchanged. Check that the directory exists, is writable and has free "
          + "space, then flush or close again.", e);
    }
  }

  /** Makes the rename durable; not every platform can open a directory, which is fine there. */
  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      LOG.trace("Could not sync directory {}: {}", dir, e.toString());
    }
  }

  private static void writeCollection(JsonWriter w, CollectionData c) throws IOException {
    CollectionSpec spec = c.spec();
    w.beginObject();
    w.name("spec");
    writeSpec(w, spec);
    w.name("lastAutoId").value(c.lastAutoId());
    w.name("properties").beginObject();
    for (Map.Entry<String, String> e : c.properties().entrySet()) {
      w.name(e.getKey()).value(e.getValue());
    }
    w.endObject();
    w.name("rows").beginArray();
    for (Map<String, Object> row : c.rows()) {
      w.beginObject();
      for (Map.Entry<String, Object> e : row.entrySet()) {
        w.name(e.getKey());
        FieldType type = spec.field(e.getKey()).map(FieldSpec::type).orElse(FieldType.JSON);
        writeValue(w, type, e.getValue());
      }
      w.endObject();
    }
    w.endArray();
    w.endObject();
  }

  private static void writeValue(JsonWriter w, FieldType type, Object value) throws IOException {
    switch (type) {
      case INT32, INT64 -> w.value(((Number) value).longValue());
      case FLOAT -> w.jsonValue(Float.toString((Float) value));
      case DOUBLE -> w.value((double) (Double) value);
      case BOOL -> w.value((boolean) (Boolean) value);
      case VARCHAR -> w.value((String) value);
      case FLOAT_VECTOR -> w.value(encodeVector((float[]) value));
      case JSON -> JsonValues.gson().toJson(value, Object.class, w);
      default -> throw new AssertionError(type);
    }
  }

  private static void writeSpec(JsonWriter w, CollectionSpec spec) throws IOException {
    w.beginObject();
    w.name("name").value(spec.name());
    w.name("description").value(spec.description());
    w.name("autoId").value(spec.autoId());
    w.name("dynamicFields").value(spec.dynamicFields());
    w.name("fields").beginArray();
    for (FieldSpec f : spec.fields()) {
      w.beginObject();
      w.name("name").value(f.name());
      w.name("type").value(f.type().name());
      if (f.type() == FieldType.VARCHAR) {
        w.name("maxLength").value(f.maxLength());
      }
      if (f.isVector()) {
        w.name("dimension").value(f.dimension());
        w.name("metric").value(f.metric().name());
        w.name("index").beginObject();
        w.name("type").value(f.index().type().name());
        w.name("params");
        JsonValues.gson().toJson(f.index().params(), Map.class, w);
        w.endObject();
      }
      w.endObject();
    }
    w.endArray();
    w.endObject();
  }

  static String encodeVector(float[] v) {
    ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    return Base64.getEncoder().encodeToString(buf.array());
  }

  static float[] decodeVector(String base64, int dimension) {
    byte[] bytes = Base64.getDecoder().decode(base64);
    if (bytes.length != dimension * Float.BYTES) {
      throw new IllegalStateException("a vector holds " + bytes.length + " bytes, expected " + dimension * Float.BYTES);
    }
    float[] v = new float[dimension];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
    return v;
  }

  // -----------------------------------------------------------------------------------------------------------
  // Reading
  // -----------------------------------------------------------------------------------------------------------

  /**
   * Reads a store file.
   *
   * @throws ImageSearchException when the file is corrupt, not a store file, or of a newer format
   * @throws StoreUnavailableException when it cannot be read
   */
  static List<CollectionData> read(Path file) {
    try (JsonReader r = new JsonReader(new BufferedReader(new InputStreamReader(Files.newInputStream(file),
        StandardCharsets.UTF_8), 1 << 16))) {
      r.setStrictness(Strictness.LENIENT);
      List<CollectionData> collections = readDocument(r, file);
      if (r.peek() != JsonToken.END_DOCUMENT) {
        throw new IllegalStateException("unexpected content after the end of the document");
      }
      return collections;
    } catch (NewerFormatException e) {
      throw new ImageSearchException(file + " was written in format version " + e.version + " of the in-memory "
          + "store by a newer imgsearch; this version reads up to version " + VERSION + ". Upgrade imgsearch to "
          + "open it.");
    } catch (NoSuchFileException e) {
      throw new StoreUnavailableException("The in-memory store file " + file + " disappeared while opening it; "
          + "check that nothing else moves or deletes it.", e);
    } catch (EOFException | JsonParseException | IllegalStateException | IllegalArgumentException
             | InvalidInputException | ClassCastException | NullPointerException e) {
      throw corrupt(file, e);
    } catch (IOException e) {
      if (e.getClass().getName().contains("Malformed")) {
        throw corrupt(file, e);
      }
      throw new StoreUnavailableException("Could not read the in-memory store file " + file + " (" + e + "); "
          + "check that it exists and is readable.", e);
    }
  }

  private static ImageSearchException corrupt(Path file, Exception cause) {
    return new ImageSearchException(file + " is corrupt or is not an imgsearch in-memory store file (" + cause
        + "). Restore it from a backup, or move it away to start with an empty store.", cause);
  }

  /** A format version this code cannot read. */
  private static final class NewerFormatException extends IOException {
    private static final long serialVersionUID = 1L;
    final long version;

    NewerFormatException(long version) {
      super("format version " + version);
      this.version = version;
    }
  }

  private static List<CollectionData> readDocument(JsonReader r, Path file) throws IOException {
    List<CollectionData> collections = null;
    boolean formatSeen = false;
    r.beginObject();
    while (r.hasNext()) {
      String name = r.nextName();
      switch (name) {
        case "format" -> {
          String format = r.nextString();
          if (!FORMAT.equals(format)) {
            throw new IllegalStateException("format is '" + format + "', expected '" + FORMAT + "'");
          }
          formatSeen = true;
        }
        case "version" -> {
          long version = r.nextLong();
          if (version > VERSION) {
            throw new NewerFormatException(version);
          }
          if (version < 1) {
            throw new IllegalStateException("format version " + version + " does not exist");
          }
        }
        case "collections" -> {
          if (!formatSeen) {
            throw new IllegalStateException("no 'format' before 'collections'");
          }
          collections = new ArrayList<>();
          r.beginArray();
          while (r.hasNext()) {
            collections.add(readCollection(r));
          }
          r.endArray();
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    if (collections == null) {
      throw new IllegalStateException("no 'collections' in " + file);
    }
    return collections;
  }

  private static CollectionData readCollection(JsonReader r) throws IOException {
    CollectionSpec spec = null;
    long lastAutoId = 0;
    Map<String, String> properties = new java.util.TreeMap<>();
    List<Map<String, Object>> rows = null;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "spec" -> spec = readSpec(r);
        case "lastAutoId" -> lastAutoId = r.nextLong();
        case "properties" -> {
          r.beginObject();
          while (r.hasNext()) {
            properties.put(r.nextName(), r.nextString());
          }
          r.endObject();
        }
        case "rows" -> {
          if (spec == null) {
            throw new IllegalStateException("rows before the spec");
          }
          rows = readRows(r, spec);
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
    if (spec == null || rows == null) {
      throw new IllegalStateException("a collection without 'spec' or 'rows'");
    }
    return new CollectionData(spec, lastAutoId, properties, rows);
  }

  private static List<Map<String, Object>> readRows(JsonReader r, CollectionSpec spec) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    r.beginArray();
    while (r.hasNext()) {
      Row.Builder b = Row.builder();
      r.beginObject();
      while (r.hasNext()) {
        String name = r.nextName();
        FieldType type = spec.field(name).map(FieldSpec::type).orElse(FieldType.JSON);
        b.put(name, readValue(r, type, spec, name));
      }
      r.endObject();
      // Every value is checked against the schema, as on insert.
      rows.add(SchemaChecks.checkRow(spec, b.build(), KeyRule.REQUIRED, rows.size()));
    }
    r.endArray();
    return rows;
  }

  private static Object readValue(JsonReader r, FieldType type, CollectionSpec spec, String name) throws IOException {
    return switch (type) {
      case INT32, INT64 -> r.nextLong();
      case FLOAT -> Float.parseFloat(r.nextString());
      case DOUBLE -> r.nextDouble();
      case BOOL -> r.nextBoolean();
      case VARCHAR -> r.nextString();
      case FLOAT_VECTOR -> decodeVector(r.nextString(), spec.field(name).orElseThrow().dimension());
      case JSON -> JsonValues.freeze(JsonValues.gson().fromJson(r, Object.class));
    };
  }

  private static CollectionSpec readSpec(JsonReader r) {
    Map<?, ?> json = JsonValues.gson().fromJson(r, Map.class);
    CollectionSpec.Builder b = CollectionSpec.builder((String) json.get("name"))
        .description((String) json.get("description"))
        .autoId((Boolean) json.get("autoId"))
        .dynamicFields((Boolean) json.get("dynamicFields"));
    List<?> fields = (List<?>) json.get("fields");
    for (int i = 0; i < fields.size(); i++) {
      FieldSpec f = readField((Map<?, ?>) fields.get(i));
      if (i == 0) {
        b.primaryKey(f);
      } else {
        b.field(f);
      }
    }
    return b.build();
  }

  private static FieldSpec readField(Map<?, ?> json) {
    String name = (String) json.get("name");
    FieldType type = FieldType.valueOf((String) json.get("type"));
    return switch (type) {
      case VARCHAR -> FieldSpec.varchar(name, ((Number) json.get("maxLength")).intValue());
      case FLOAT_VECTOR -> {
        Map<?, ?> index = (Map<?, ?>) json.get("index");
        Map<String, Object> params = new LinkedHashMap<>();
        ((Map<?, ?>) index.get("params")).forEach((k, v) -> params.put((String) k, narrow(v)));
        yield FieldSpec.vector(name, ((Number) json.get("dimension")).intValue(),
            MetricType.valueOf((String) json.get("metric")),
            IndexSpec.of(IndexType.valueOf((String) index.get("type")), params));
      }
      default -> FieldSpec.scalar(name, type);
    };
  }

  /** Index parameters are ints (as the IndexSpec factories make them) whenever they fit. */
  private static Object narrow(Object v) {
    if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
      return l.intValue();
    }
    return v;
  }
}
