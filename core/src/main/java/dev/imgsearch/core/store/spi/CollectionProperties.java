package dev.imgsearch.core.store.spi;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.VectorStore;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules of {@link VectorStore#setCollectionProperties}, in one place so every store accepts and refuses the
 * same changes with the same messages. Stateless and thread-safe.
 */
public final class CollectionProperties {
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._-]+");

  private CollectionProperties() {}

  /**
   * Checks a change against the rules and applies it to a copy of the current properties.
   *
   * @param collection the collection's name, for messages
   * @param current the properties now
   * @param changes keys to set, or to remove where the value is {@code null}
   * @return the properties after the change, sorted by key, unmodifiable
   * @throws InvalidInputException when a key or value breaks the rules, or the collection would hold too many
   */
  public static SortedMap<String, String> apply(String collection, Map<String, String> current,
      Map<String, String> changes) {
    Objects.requireNonNull(changes, "changes");
    TreeMap<String, String> next = new TreeMap<>(current);
    for (Map.Entry<String, String> e : changes.entrySet()) {
      String key = e.getKey();
      checkKey(collection, key);
      String value = e.getValue();
      if (value == null) {
        next.remove(key);
        continue;
      }
      int bytes = value.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > VectorStore.MAX_PROPERTY_VALUE_BYTES) {
        throw new InvalidInputException("The value of property '" + key + "' of collection '" + collection
            + "' has " + bytes + " bytes of UTF-8; properties hold at most " + VectorStore.MAX_PROPERTY_VALUE_BYTES
            + " bytes. Keep large data in rows or files and store a reference in the property.");
      }
      next.put(key, value);
    }
    if (next.size() > VectorStore.MAX_PROPERTIES) {
      throw new InvalidInputException("Collection '" + collection + "' would have " + next.size()
          + " properties; a collection holds at most " + VectorStore.MAX_PROPERTIES + ". Remove some (set them to "
          + "null) or keep them in one JSON value.");
    }
    return Collections.unmodifiableSortedMap(next);
  }

  /**
   * Checks a property key.
   *
   * @throws InvalidInputException when it is null, empty, too long or has other characters than letters, digits,
   *     {@code . _ -}
   */
  public static void checkKey(String collection, String key) {
    if (key == null || key.isEmpty() || key.length() > VectorStore.MAX_PROPERTY_KEY_LENGTH
        || !KEY.matcher(key).matches()) {
      throw new InvalidInputException("Property key " + (key == null ? "null" : "'" + key + "'")
          + " of collection '" + collection + "' is not allowed: use 1 to " + VectorStore.MAX_PROPERTY_KEY_LENGTH
          + " letters, digits, '.', '_' or '-', namespaced like 'myapp.owner'.");
    }
  }
}
