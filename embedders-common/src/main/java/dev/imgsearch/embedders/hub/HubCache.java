package dev.imgsearch.embedders.hub;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The Hugging Face cache layout that {@link HubClient} reads and writes, as {@code huggingface_hub} does:
 * {@code models--org--name/refs/<revision>} holding a commit, {@code blobs/<etag>} holding each file once, and
 * {@code snapshots/<commit>/<path>} linking to the blobs; verification of downloaded blobs against their ETag
 * (SHA-256 for LFS files, git's SHA-1 for others); atomic moves.
 */
final class HubCache {
  static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Path cacheDirectory;

  HubCache(Path cacheDirectory) {
    this.cacheDirectory = cacheDirectory;
  }

  Optional<HubClient.Snapshot> cachedSnapshot(Path repo, String rev) {
    String commit = COMMIT.matcher(rev).matches() ? rev : null;
    if (commit == null) {
      Path ref = repo.resolve("refs").resolve(rev);
      try {
        if (!Files.isRegularFile(ref)) {
          return Optional.empty();
        }
        commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    Path folder = repo.resolve("snapshots").resolve(commit);
    if (!Files.isDirectory(folder)) {
      return Optional.empty();
    }
    try (Stream<Path> walk = Files.walk(folder)) {
      List<String> files = walk.filter(p -> !Files.isDirectory(p))
          .map(p -> folder.relativize(p).toString().replace('\\', '/')).sorted().toList();
      return Optional.of(new HubClient.Snapshot(repo.getFileName().toString(), commit, files, true));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  void writeRef(Path repo, String rev, String commit) {
    if (rev.equals(commit)) {
      return;
    }
    try {
      Path ref = resolveInside(repo.resolve("refs"), rev);
      Files.createDirectories(ref.getParent());
      Path tmp = Files.createTempFile(ref.getParent(), ".ref", ".tmp");
      Files.writeString(tmp, commit, StandardCharsets.UTF_8);
      move(tmp, ref);
    } catch (IOException e) {
      throw new ModelException("Cannot write the hub cache at " + repo + " (" + e.getMessage() + "). Make it "
          + "writable, or point HF_HOME at a writable folder.", e);
    }
  }

  static void verify(Path file, String etag, long expectedSize, String repoId, String name) throws IOException {
    long size = Files.size(file);
    String actual;
    String expected = etag.toLowerCase(Locale.ROOT);
    if (SHA256.matcher(expected).matches()) {
      actual = digest(file, "SHA-256", null);
    } else if (COMMIT.matcher(expected).matches()) {
      actual = digest(file, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
    } else {
      actual = expected; // an ETag that is not a checksum: only the size can be checked
    }
    if (!actual.equals(expected) || (expectedSize >= 0 && size != expectedSize)) {
      Files.deleteIfExists(file);
      throw new ModelException("The download of " + name + " of " + repoId + " is corrupt: checksum " + actual
          + " (" + size + " bytes) instead of " + expected + " (" + expectedSize + " bytes). It was deleted; try "
          + "again, and if it happens again the mirror (HF_ENDPOINT) serves a different file than the hub says.");
    }
  }

  private static String digest(Path file, String algorithm, byte[] prefix) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm);
      if (prefix != null) {
        md.update(prefix);
      }
      try (InputStream in = Files.newInputStream(file)) {
        byte[] buffer = new byte[1 << 16];
        for (int n; (n = in.read(buffer)) > 0; ) {
          md.update(buffer, 0, n);
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static void link(Path blob, Path pointer) throws IOException {
    Files.createDirectories(pointer.getParent());
    Path relative = pointer.getParent().relativize(blob);
    Path tmp = pointer.resolveSibling(".tmp-" + pointer.getFileName() + "-" + ProcessHandle.current().pid()
        + "-" + Thread.currentThread().getId());
    Files.deleteIfExists(tmp);
    try {
      Files.createSymbolicLink(tmp, relative);
    } catch (UnsupportedOperationException | IOException e) {
      Files.copy(blob, tmp, StandardCopyOption.REPLACE_EXISTING); // no symlinks (Windows without rights): copy
    }
    move(tmp, pointer);
  }

  static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (FileAlreadyExistsException e) {
      Files.deleteIfExists(from);
    }
  }

  Path repoFolder(String repoId) {
    if (repoId == null || !repoId.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")
        || repoId.contains("..")) {
      throw new InvalidInputException("Repository id '" + repoId + "' is not of the form org/name (e.g. "
          + "openai/clip-vit-base-patch32).");
    }
    return cacheDirectory.resolve("models--" + repoId.replace("/", "--"));
  }

  static Path resolveInside(Path folder, String relative) {
    Path p = folder.resolve(relative).normalize();
    if (!p.startsWith(folder) || relative.startsWith("/")) {
      throw new InvalidInputException("File name '" + relative + "' leaves the repository folder.");
    }
    return p;
  }
}
