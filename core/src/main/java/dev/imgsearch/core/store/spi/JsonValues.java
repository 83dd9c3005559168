package dev.imgsearch.core.store.spi;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.ToNumberPolicy;
import dev.imgsearch.core.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The values of JSON fields and dynamic fields as a store holds them: what a JSON round trip gives, so every
 * store returns the same Java types. Numbers become {@link Long} (whole numbers written without a fraction or
 * exponent) or {@link Double}; objects become insertion-ordered maps and arrays lists, both unmodifiable at every
 * level, so a stored value can be shared without copying. For {@code VectorStore} implementations.
 */
public final class JsonValues {
  private static final Gson GSON = new GsonBuilder()
      .setObjectToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
      .setNumberToNumberStrategy(ToNumberPolicy.LONG_OR_DOUBLE)
      .serializeNulls()
      .disableHtmlEscaping()
      .setStrictness(Strictness.STRICT)
      .create();

  private JsonValues() {}

  /** The Gson instance that defines the normal form (numbers as Long or Double); thread-safe. */
  public static Gson gson() {
    return GSON;
  }

  /**
   * The normal form of a JSON value: a deep, unmodifiable copy through JSON text.
   *
   * @param field the field name, for the message
   * @throws InvalidInputException when the value is null or cannot be written as JSON (NaN, infinity)
   */
  public static Object normalize(String field, Object value) {
    if (value == null) {
      throw new InvalidInputException("Field '" + field + "' is null; give it a JSON value (a map, list, string, "
          + "number or boolean).");
    }
    String text;
    try {
      text = GSON.toJson(value);
    } catch (IllegalArgumentException | JsonParseException e) {
      throw new InvalidInputException("Field '" + field + "' cannot be stored as JSON (" + e.getMessage()
          + "); use finite numbers, strings, booleans, lists and maps with string keys.", e);
    }
    return fromJson(text);
  }

  /** Parses JSON text into the normal form. */
  public static Object fromJson(String json) {
    return freeze(GSON.fromJson(json, Object.class));
  }

  /** Makes a value parsed by {@link #gson()} unmodifiable at every level. */
  public static Object freeze(Object parsed) {
    if (parsed instanceof Map<?, ?> map) {
      Map<String, Object> copy = new LinkedHashMap<>();
      map.forEach((k, v) -> copy.put(String.valueOf(k), freeze(v)));
      return Collections.unmodifiableMap(copy);
    }
    if (parsed instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(v -> copy.add(freeze(v)));
      return Collections.unmodifiableList(copy);
    }
    return parsed;
  }
}
