package dev.imgsearch.pipeline;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.imgsearch.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory tree of images, walked recursively. Files are chosen by extension (case-insensitive; by default the
 * common image formats), then by include and exclude globs matched against the path relative to the root with
 * {@code /} separators ({@code "**}{@code /*.jpg"} also matches files at the root). A directory matched by an
 * exclude glob is not entered. Symbolic links are followed by default; a link back to an ancestor (a loop) is
 * skipped, and a broken link with an image extension is reported as unreadable. Immutable.
 */
public final class DirectorySource extends IndexSource {
  private static final Logger LOG = LoggerFactory.getLogger(DirectorySource.class);

  /** The extensions indexed when none are given. */
  public static final Set<String> DEFAULT_EXTENSIONS =
      ImmutableSet.of("jpg", "jpeg", "png", "bmp", "gif", "webp", "tif", "tiff");

  private final Path root;
  private final String key;
  private final ImmutableSet<String> extensions;
  private final ImmutableList<String> includes;
  private final ImmutableList<String> excludes;
  private final List<PathMatcher> includeMatchers;
  private final List<PathMatcher> excludeMatchers;
  private final boolean followLinks;
  private final String idPrefix;
  private final Function<Path, ? extends Map<String, ?>> metadata;

  private DirectorySource(Builder b) {
    super(b.sync);
    this.root = b.root.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new InvalidInputException("Cannot index '" + root + "': it is not a directory. Pass an existing "
          + "directory, or use IndexSource.paths(...) for single files.");
    }
    this.key = FileIds.absolute(root);
    this.extensions = b.extensions.stream().map(e -> e.toLowerCase(Locale.ROOT).replaceFirst("^\\.", ""))
        .collect(ImmutableSet.toImmutableSet());
    this.includes = ImmutableList.copyOf(b.includes);
    this.excludes = ImmutableList.copyOf(b.excludes);
    this.includeMatchers = matchers(includes);
    this.excludeMatchers = matchers(excludes);
    this.followLinks = b.followLinks;
    this.idPrefix = b.idPrefix;
    this.metadata = b.metadata;
  }

  static Builder builder(Path root) {
    return new Builder(Objects.requireNonNull(root, "root"));
  }

  /** The absolute, normalised root. */
  public Path root() {
    return root;
  }

  @Override
  public String key() {
    return key;
  }

  /** Lower-case extensions without the dot; empty for every file. */
  public Set<String> extensions() {
    return extensions;
  }

  public List<String> includes() {
    return includes;
  }

  public List<String> excludes() {
    return excludes;
  }

  public boolean followLinks() {
    return followLinks;
  }

  private static List<PathMatcher> matchers(List<String> globs) {
    List<PathMatcher> list = new ArrayList<>();
    for (String g : globs) {
      try {
        list.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
        if (g.startsWith("**/")) {
          list.add(FileSystems.getDefault().getPathMatcher("glob:" + g.substring(3)));
        }
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("Invalid glob '" + g + "' (" + e.getMessage() + "); use patterns such as "
            + "\"**/*.jpg\" or \"thumbnails/**\".", e);
      }
    }
    return list;
  }

  private static boolean any(List<PathMatcher> matchers, Path rel) {
    for (PathMatcher m : matchers) {
      if (m.matches(rel)) {
        return true;
      }
    }
    return false;
  }

  private boolean wanted(Path file) {
    Path rel = root.relativize(file);
    if (!extensions.isEmpty()) {
      String name = file.getFileName().toString();
      int dot = name.lastIndexOf('.');
      if (dot < 0 || !extensions.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) {
        return false;
      }
    }
    if (!includeMatchers.isEmpty() && !any(includeMatchers, rel)) {
      return false;
    }
    return !any(excludeMatchers, rel);
  }

  @Override
  long count() {
    long[] n = {0};
    walk(new Candidate.Sink() {
      @Override
      public boolean accept(Candidate candidate) {
        n[0]++;
        return true;
      }

      @Override
      public void fail(String item, IndexFailure.Cause cause, String message) {
        n[0]++;
      }
    }, null, true);
    return n[0];
  }

  @Override
  void produce(IdStrategy ids, Candidate.Sink sink) {
    walk(sink, ids, false);
  }

  private void walk(Candidate.Sink sink, IdStrategy ids, boolean countOnly) {
    Set<FileVisitOption> options = followLinks ? EnumSet.of(FileVisitOption.FOLLOW_LINKS)
        : EnumSet.noneOf(FileVisitOption.class);
    try {
      Files.walkFileTree(root, options, Integer.MAX_VALUE, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return !dir.equals(root) && any(excludeMatchers, root.relativize(dir))
              ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          if (!wanted(file)) {
            return FileVisitResult.CONTINUE;
          }
          if (attrs.isSymbolicLink()) {
            // Only reported for links that cannot be followed (when following), or when not following links.
            if (followLinks) {
              sink.fail(FileIds.absolute(file), IndexFailure.Cause.UNREADABLE,
                  "is a broken symbolic link; fix or remove the link.");
            }
            return FileVisitResult.CONTINUE;
          }
          if (!attrs.isRegularFile()) {
            return FileVisitResult.CONTINUE;
          }
          if (countOnly) {
            return sink.accept(null) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
          }
          return sink.accept(candidate(file, attrs, ids)) ? FileVisitResult.CONTINUE : FileVisitResult.TERMINATE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          if (e instanceof FileSystemLoopException) {
            LOG.debug("Skipping {}: a symbolic link to one of its own ancestors", file);
          } else if (Files.isDirectory(file, java.nio.file.LinkOption.NOFOLLOW_LINKS) || wanted(file)) {
            sink.fail(FileIds.absolute(file), IndexFailure.Cause.UNREADABLE, "cannot be read (" + e
                + "); check that it exists and that this process may read it.");
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new InvalidInputException("Cannot walk directory '" + root + "' (" + e + "); check its permissions.", e);
    }
  }

  private Candidate candidate(Path file, BasicFileAttributes attrs, IdStrategy ids) {
    String abs = FileIds.absolute(file);
    String id = ids == IdStrategy.PATH ? idPrefix + FileIds.relative(root, file.toAbsolutePath().normalize()) : null;
    String[] error = {null};
    Candidate c = new Candidate(abs, file, null, abs, key, attrs.size(), attrs.lastModifiedTime().toMillis(),
        Candidate.metadataOf(metadata, file, error), id);
    return error[0] == null ? c : c.failed(IndexFailure.Cause.INVALID_METADATA, error[0]);
  }

  /** Builds a {@link DirectorySource}; not thread-safe. */
  public static final class Builder extends IndexSource.Builder<Builder> {
    private final Path root;
    private Set<String> extensions = DEFAULT_EXTENSIONS;
    private final List<String> includes = new ArrayList<>();
    private final List<String> excludes = new ArrayList<>();
    private boolean followLinks = true;
    private String idPrefix = "";
    private Function<Path, ? extends Map<String, ?>> metadata;

    private Builder(Path root) {
      this.root = root;
    }

    /** Index files with these extensions only (case-insensitive, with or without the dot). */
    public Builder extensions(String... extensions) {
      this.extensions = Set.of(extensions);
      return this;
    }

    /** Consider every file, whatever its extension (files that are not images are reported as failed). */
    public Builder anyExtension() {
      this.extensions = Set.of();
      return this;
    }

    /** Index only files matching one of these globs (relative to the root); may be called several times. */
    public Builder include(String... globs) {
      includes.addAll(List.of(globs));
      return this;
    }

    /** Skip files and directories matching one of these globs (relative to the root). */
    public Builder exclude(String... globs) {
      excludes.addAll(List.of(globs));
      return this;
    }

    /** Follow symbolic links (default true); loops are detected and skipped either way. */
    public Builder followLinks(boolean followLinks) {
      this.followLinks = followLinks;
      return this;
    }

    /**
     * Put this before every path-derived id (default none), so that several directories can share a collection
     * without their relative paths colliding, e.g. {@code "train/"} and {@code "test/"}.
     */
    public Builder idPrefix(String idPrefix) {
      this.idPrefix = Objects.requireNonNull(idPrefix, "idPrefix");
      return this;
    }

    /**
     * Metadata to store with each file as dynamic fields (e.g. a price looked up by file name); called once per
     * file on the indexing thread. A change of metadata updates the row without re-embedding the image.
     */
    public Builder metadata(Function<Path, ? extends Map<String, ?>> metadata) {
      this.metadata = metadata;
      return this;
    }

    @Override
    public DirectorySource build() {
      return new DirectorySource(this);
    }
  }
}
