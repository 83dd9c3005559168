package dev.imgsearch.core.store.memory;

import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.FieldType;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One collection of the in-memory store: its spec and its rows by primary key. Rows are unmodifiable maps whose
 * vectors are never changed after they are stored (an upsert replaces the whole map), so a row can be read
 * outside the lock once it has been taken from the map. Guarded by {@link #lock}.
 */
final class MemoryCollection {
  /** Long keys in numeric order; String keys by Unicode code point (the order of their UTF-8 bytes). */
  static final Comparator<Object> KEY_ORDER = (a, b) -> {
    if (a instanceof Long x && b instanceof Long y) {
      return Long.compare(x, y);
    }
    return compareCodePoints((String) a, (String) b);
  };

  final CollectionSpec spec;
  final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** Rows by primary key, in {@link #KEY_ORDER}; every row map holds the key too. */
  final TreeMap<Object, Map<String, Object>> rows = new TreeMap<>(KEY_ORDER);
  /** The largest key generated for auto id so far (guarded by the write lock). */
  long lastAutoId;
  /** The collection's properties, sorted and unmodifiable; replaced as a whole under the write lock. */
  volatile SortedMap<String, String> properties = Collections.emptySortedMap();

  MemoryCollection(CollectionSpec spec) {
    this.spec = spec;
  }

  String pk() {
    return spec.primaryKey().name();
  }

  boolean int64Key() {
    return spec.primaryKey().type() == FieldType.INT64;
  }

  /**
   * The next auto id: like Milvus, timestamp-based (milliseconds shifted left by 18 bits), and always larger
   * than every key generated or loaded before, so keys are unique and increasing.
   */
  long nextAutoId() {
    long candidate = System.currentTimeMillis() << 18;
    lastAutoId = Math.max(lastAutoId + 1, candidate);
    return lastAutoId;
  }

  /** A consistent copy of the collection, for saving without holding the lock while writing. */
  StoreFile.CollectionData snapshot() {
    lock.readLock().lock();
    try {
      return new StoreFile.CollectionData(spec, lastAutoId, properties, List.copyOf(rows.values()));
    } finally {
      lock.readLock().unlock();
    }
  }

  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }
}
