package dev.imgsearch.pipeline;

import java.nio.file.Path;
import java.util.Collection;

/**
 * What {@link ImageIndex#index} indexes: a directory tree, a list of files, or records of bytes. Immutable; make
 * one with the static factories:
 *
 * <pre>{@code
 * IndexSource.directory(Path.of("paintings")).extensions("jpg").exclude("thumbnails").sync(true).build();
 * IndexSource.paths(List.of(a, b)).baseDirectory(dir).build();
 * IndexSource.records(records).key("uploads").build();
 * }</pre>
 *
 * <p>Every source has a key stored with its rows ({@link IndexFields#SOURCE}); {@linkplain Builder#sync sync}
 * removes the rows of that key that the run did not see, so the collection mirrors the source.
 */
public abstract sealed class IndexSource permits DirectorySource, PathListSource, RecordSource {
  private final boolean sync;

  IndexSource(boolean sync) {
    this.sync = sync;
  }

  /** A directory tree, walked recursively. */
  public static DirectorySource.Builder directory(Path root) {
    return DirectorySource.builder(root);
  }

  /** A list of image files. */
  public static PathListSource.Builder paths(Collection<Path> files) {
    return PathListSource.builder(files);
  }

  /** Records of (id, bytes, metadata), read once, lazily: an {@code Iterable} may stream them from elsewhere. */
  public static RecordSource.Builder records(Iterable<ImageRecord> records) {
    return RecordSource.builder(records);
  }

  /** Whether a run removes rows of this source that it did not see. */
  public boolean sync() {
    return sync;
  }

  /** The value of {@link IndexFields#SOURCE} for rows of this source. */
  public abstract String key();

  /** How many items the source holds, or -1 when it cannot tell without reading them. */
  abstract long count();

  /** Produces the candidates in order, until done or until the sink refuses one. */
  abstract void produce(IdStrategy ids, Candidate.Sink sink);

  /** Options every source has. */
  abstract static class Builder<B extends Builder<B>> {
    boolean sync;

    /**
     * Remove the rows of this source that the run does not see (deleted files, files no longer included); default
     * false. Rows of images that failed are kept. Has no effect when the run is interrupted.
     */
    public B sync(boolean sync) {
      this.sync = sync;
      return self();
    }

    @SuppressWarnings("unchecked")
    B self() {
      return (B) this;
    }

    public abstract IndexSource build();
  }
}
