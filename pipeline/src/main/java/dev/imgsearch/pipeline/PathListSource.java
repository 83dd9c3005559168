package dev.imgsearch.pipeline;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A list of image files. Ids under {@link IdStrategy#PATH} are the paths relative to the
 * {@linkplain Builder#baseDirectory base directory} for files under it, and the absolute normalised paths
 * otherwise. A file that does not exist or cannot be read is reported as failed. Immutable.
 */
public final class PathListSource extends IndexSource {
  private final ImmutableList<Path> files;
  private final Path base;
  private final String key;
  private final Function<Path, ? extends Map<String, ?>> metadata;

  private PathListSource(Builder b) {
    super(b.sync);
    this.files = ImmutableList.copyOf(b.files);
    this.base = b.base == null ? null : b.base.toAbsolutePath().normalize();
    this.key = b.key != null ? b.key : base != null ? FileIds.absolute(base) : "paths";
    this.metadata = b.metadata;
  }

  static Builder builder(Collection<Path> files) {
    return new Builder(files);
  }

  public List<Path> files() {
    return files;
  }

  @Override
  public String key() {
    return key;
  }

  @Override
  long count() {
    return files.size();
  }

  @Override
  void produce(IdStrategy ids, Candidate.Sink sink) {
    for (Path f : files) {
      Path file = f.toAbsolutePath().normalize();
      String abs = FileIds.absolute(file);
      String id = ids != IdStrategy.PATH ? null
          : base != null && file.startsWith(base) ? FileIds.relative(base, file) : abs;
      Candidate c;
      try {
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
        String[] error = {null};
        c = new Candidate(abs, file, null, abs, key, attrs.size(), attrs.lastModifiedTime().toMillis(),
            Candidate.metadataOf(metadata, file, error), id);
        if (!attrs.isRegularFile()) {
          c.failed(IndexFailure.Cause.UNREADABLE, "is not a regular file; pass image files only.");
        } else if (error[0] != null) {
          c.failed(IndexFailure.Cause.INVALID_METADATA, error[0]);
        }
      } catch (IOException e) {
        c = new Candidate(abs, file, null, abs, key, -1, -1, Map.of(), id).failed(IndexFailure.Cause.UNREADABLE,
            "cannot be read (" + e + "); check that it exists and that this process may read it.");
      }
      if (!sink.accept(c)) {
        return;
      }
    }
  }

  /** Builds a {@link PathListSource}; not thread-safe. */
  public static final class Builder extends IndexSource.Builder<Builder> {
    private final List<Path> files;
    private Path base;
    private String key;
    private Function<Path, ? extends Map<String, ?>> metadata;

    private Builder(Collection<Path> files) {
      this.files = List.copyOf(Objects.requireNonNull(files, "files"));
    }

    /** Ids are paths relative to this directory (default: none, ids are absolute paths). Also the source key. */
    public Builder baseDirectory(Path base) {
      this.base = base;
      return this;
    }

    /** The source key stored with the rows (default: the base directory, else {@code "paths"}). */
    public Builder key(String key) {
      this.key = Objects.requireNonNull(key, "key");
      return this;
    }

    /** Metadata to store with each file as dynamic fields; see {@link DirectorySource.Builder#metadata}. */
    public Builder metadata(Function<Path, ? extends Map<String, ?>> metadata) {
      this.metadata = metadata;
      return this;
    }

    @Override
    public PathListSource build() {
      return new PathListSource(this);
    }
  }
}
