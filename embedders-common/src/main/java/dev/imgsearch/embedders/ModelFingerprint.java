package dev.imgsearch.embedders;

import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.ModelIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes a model's {@link ModelIdentity}: a SHA-256 over what determines its vectors (the contents of its graph
 * files and {@code tokenizer.json}, and parameters such as the preprocessing recipe, pooling, normalisation and the
 * output name), and a readable origin. Folder and file names do not enter the digest: the same files in two
 * folders, in the Hugging Face cache or downloaded with {@code --local-dir} give the same fingerprint; one changed
 * byte of a weight gives another.
 *
 * <pre>{@code
 * ModelIdentity id = ModelFingerprint.builder()
 *     .file("vision-graph", dir.resolve("onnx/vision_model.onnx"))
 *     .file("tokenizer", dir.resolve("tokenizer.json"))
 *     .parameter("recipe", recipe.id()).parameter("output", "image_embeds").parameter("normalize", true)
 *     .origin(ModelFingerprint.originOf(dir))
 *     .build();
 * }</pre>
 *
 * <p><b>The digest cache.</b> Hashing a 600 MB model takes seconds, so the digest of each file is cached by its
 * real absolute path, size and modification time in a small text file, {@value #CACHE_FILE_NAME} in
 * {@code $IMGSEARCH_CACHE_DIR}, else {@code $XDG_CACHE_HOME/imgsearch}, else {@code ~/.cache/imgsearch}
 * (system property {@code imgsearch.cache.dir} overrides them all; {@link Builder#cacheFile} sets the file).
 * A file whose size or modification time changed is hashed again. Several processes may share the cache: it is
 * updated under a file lock and replaced atomically; a cache that cannot be read or written only costs a re-hash
 * (logged at DEBUG), never a wrong digest of an unchanged file.
 *
 * <p>Thread-safe (builders are not).
 */
public final class ModelFingerprint {
  /** The name of the digest cache file. */
  public static final String CACHE_FILE_NAME = "model-digests.tsv";
  /** Entries kept in the cache file; the oldest go first. */
  static final int MAX_CACHE_ENTRIES = 2000;

  private static final Logger LOG = LoggerFactory.getLogger(ModelFingerprint.class);
  private static final Pattern HUB_SNAPSHOT = Pattern.compile(".*/models--([^/]+?)--([^/]+)/snapshots/([^/]+)(/.*)?");
  private static final Object CACHE_LOCK = new Object();

  private ModelFingerprint() {}

  /** A builder for one model's identity. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A readable origin for a model directory (or a file in one): {@code hub org/name@<commit>} for a snapshot of the
   * Hugging Face cache ({@code .../models--org--name/snapshots/<commit>/}), else {@code directory <absolute path>}
   * (or {@code file <absolute path>}).
   */
  public static String originOf(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    Matcher m = HUB_SNAPSHOT.matcher(abs.toString().replace('\\', '/'));
    if (m.matches()) {
      return "hub " + m.group(1) + "/" + m.group(2) + "@" + m.group(3);
    }
    return (Files.isDirectory(abs) ? "directory " : "file ") + abs;
  }

  /** The default digest cache file; see the class comment. */
  public static Path defaultCacheFile() {
    String dir = System.getProperty("imgsearch.cache.dir");
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("IMGSEARCH_CACHE_DIR");
    }
    if (dir == null || dir.isBlank()) {
      String xdg = System.getenv("XDG_CACHE_HOME");
      dir = xdg != null && !xdg.isBlank() ? Path.of(xdg, "imgsearch").toString()
          : Path.of(System.getProperty("user.home"), ".cache", "imgsearch").toString();
    }
    return Path.of(dir).resolve(CACHE_FILE_NAME);
  }

  /**
   * The SHA-256 of a file's content, lower-case hex, from the cache when the file's size and modification time
   * are those recorded, else by reading it (and recording it).
   *
   * @param cacheFile the digest cache, or null to hash without one
   * @throws ModelException when the file cannot be read
   */
  public static String fileDigest(Path file, Path cacheFile) {
    Path real;
    BasicFileAttributes attrs;
    try {
      real = file.toRealPath();
      attrs = Files.readAttributes(real, BasicFileAttributes.class);
    } catch (IOException e) {
      throw new ModelException("Cannot read model file " + file + " (" + e + "); check that it exists and is "
          + "readable.", e);
    }
    String key = real + "\t" + attrs.size() + "\t" + attrs.lastModifiedTime().toMillis();
    if (cacheFile != null) {
      String cached = readCache(cacheFile).get(key);
      if (cached != null) {
        return cached;
      }
    }
    String digest = hash(real);
    if (cacheFile != null) {
      record(cacheFile, key, digest);
    }
    return digest;
  }

  private static String hash(Path file) {
    MessageDigest md = sha256();
    byte[] buf = new byte[1 << 16];
    long start = System.nanoTime();
    try (InputStream in = Files.newInputStream(file)) {
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new ModelException("Cannot read model file " + file + " (" + e + "); check that it exists and is "
          + "readable.", e);
    }
    LOG.debug("Hashed {} in {} ms", file, (System.nanoTime() - start) / 1_000_000);
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java platform", e);
    }
  }

  // ------------------------------------------------------------------------------------------------ the cache

  /** The cache's entries, "path \t size \t mtime" to digest, oldest first; empty when there is none. */
  private static LinkedHashMap<String, String> readCache(Path cacheFile) {
    LinkedHashMap<String, String> entries = new LinkedHashMap<>();
    if (!Files.isRegularFile(cacheFile)) {
      return entries;
    }
    try {
      for (String line : Files.readAllLines(cacheFile, StandardCharsets.UTF_8)) {
        int last = line.lastIndexOf('\t');
        if (last > 0 && line.length() - last - 1 == 64) {
          entries.put(line.substring(0, last), line.substring(last + 1));
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot read the model digest cache {}; hashing again", cacheFile, e);
    }
    return entries;
  }

  /** Adds an entry: under a lock file, reads the cache again, adds, and replaces it atomically. */
  private static void record(Path cacheFile, String key, String digest) {
    Path abs = cacheFile.toAbsolutePath();
    synchronized (CACHE_LOCK) {
      Path tmp = null;
      try {
        Files.createDirectories(abs.getParent());
        try (FileChannel lockChannel = FileChannel.open(abs.resolveSibling(abs.getFileName() + ".lock"),
            StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockChannel.lock()) {
          LinkedHashMap<String, String> entries = readCache(abs);
          entries.remove(key);
          entries.put(key, digest);
          List<String> lines = new ArrayList<>(entries.size());
          entries.forEach((k, v) -> lines.add(k + "\t" + v));
          List<String> kept = lines.subList(Math.max(0, lines.size() - MAX_CACHE_ENTRIES), lines.size());
          tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
          Files.write(tmp, kept, StandardCharsets.UTF_8);
          try {
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
          }
          tmp = null;
        }
      } catch (IOException | RuntimeException e) {
        LOG.debug("Cannot update the model digest cache {}; the digest will be computed again next time", abs, e);
      } finally {
        if (tmp != null) {
          try {
            Files.deleteIfExists(tmp);
          } catch (IOException ignored) {
            // a stray temporary file in the cache directory is harmless
          }
        }
      }
    }
  }

  /** Collects the files and parameters of one model; not thread-safe. */
  public static final class Builder {
    private final Map<String, Path> files = new TreeMap<>();
    private final Map<String, String> parameters = new TreeMap<>();
    private String origin;
    private Path cacheFile = defaultCacheFile();

    private Builder() {}

    /**
     * A file whose content determines the vectors (a graph, external weights, {@code tokenizer.json}), under a
     * role that names what it is for ({@code "vision-graph"}, {@code "tokenizer"}), not where it lies.
     */
    public Builder file(String role, Path file) {
      files.put(Objects.requireNonNull(role, "role"), Objects.requireNonNull(file, "file"));
      return this;
    }

    /** A parameter that determines the vectors: the recipe's id, pooling, normalisation, the output's name. */
    public Builder parameter(String name, Object value) {
      parameters.put(Objects.requireNonNull(name, "name"), String.valueOf(value));
      return this;
    }

    /** The readable origin (default: {@link #originOf} of the first file's directory). */
    public Builder origin(String origin) {
      this.origin = origin;
      return this;
    }

    /** The digest cache file, or null to hash without one (default {@link #defaultCacheFile()}). */
    public Builder cacheFile(Path cacheFile) {
      this.cacheFile = cacheFile;
      return this;
    }

    /**
     * Hashes the files (or takes their digests from the cache) and the parameters.
     *
     * @throws ModelException when a file cannot be read
     */
    public ModelIdentity build() {
      if (files.isEmpty()) {
        throw new IllegalStateException("A model fingerprint needs at least one file; call file(role, path).");
      }
      MessageDigest md = sha256();
      md.update("imgsearch-model-fingerprint-1\n".getBytes(StandardCharsets.UTF_8));
      files.forEach((role, file) -> md.update(("file\t" + role + "\t" + fileDigest(file, cacheFile) + "\n")
          .getBytes(StandardCharsets.UTF_8)));
      parameters.forEach((name, value) -> md.update(("parameter\t" + name + "\t" + value + "\n")
          .getBytes(StandardCharsets.UTF_8)));
      String o = origin;
      if (o == null) {
        Path first = files.values().iterator().next().toAbsolutePath().normalize();
        o = originOf(first.getParent() == null ? first : first.getParent());
      }
      return new ModelIdentity(ModelIdentity.CONTENT + HexFormat.of().formatHex(md.digest()), o);
    }
  }
}
