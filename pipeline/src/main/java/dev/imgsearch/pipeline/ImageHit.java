package dev.imgsearch.pipeline;

import dev.imgsearch.core.store.MetricType;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One image found by {@link ImageIndex#search}.
 *
 * @param id the image's primary key
 * @param path the image file's absolute path, or null for images indexed from bytes
 * @param score the score under {@code metric}: cosine similarity or inner product (larger is closer), or squared
 *     L2 distance (smaller is closer)
 * @param metric how {@code score} is to be read
 * @param fields the requested output fields (unmodifiable)
 */
public record ImageHit(String id, String path, float score, MetricType metric, Map<String, Object> fields) {
  public ImageHit {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(metric, "metric");
    fields = Map.copyOf(fields);
  }

  /** The path as a {@link Path}, when the image came from a file. */
  public Optional<Path> file() {
    return path == null ? Optional.empty() : Optional.of(Path.of(path));
  }

  /** An output field's value, or null. */
  public Object field(String name) {
    return fields.get(name);
  }
}
