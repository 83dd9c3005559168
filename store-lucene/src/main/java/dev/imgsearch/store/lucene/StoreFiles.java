package dev.imgsearch.store.lucene;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.StoreUnavailableException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The files of a store on disk, and how they are written: small JSON documents written atomically (a temporary
 * file, forced to disk, renamed over the old one), each with a format name and version so that a newer layout is
 * recognised and refused instead of misread.
 *
 * <pre>
 * root/
 *   imgsearch-store.json        the marker: {"format": "imgsearch-lucene-store", "version": 2}
 *   imgsearch-store.lock        held (OS file lock) while a LuceneVectorStore has the store open
 *   collections/
 *     NAME/collection.json      the schema (CollectionSpec) and how each vector field is indexed
 *     NAME/index/               the collection's Lucene index
 * </pre>
 */
final class StoreFiles {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StoreFiles.class);
  static final String MARKER = "imgsearch-store.json";
  static final String LOCK = "imgsearch-store.lock";
  static final String STORE_FORMAT = "imgsearch-lucene-store";
  static final String COLLECTION_FORMAT = "imgsearch-lucene-collection";
  /**
   * The layout version this code writes and the newest it reads: 1 was the store on Lucene 9.x, 2 the store on
   * Lucene 10.x. Lucene 10 reads the indexes of Lucene 9, so a version-1 store opens as it is; its marker and
   * collection files are rewritten as version 2 on opening, since the first commit makes the index unreadable to
   * Lucene 9 (and so to the older store, which then refuses it with a message instead of failing in Lucene).
   */
  static final int VERSION = 2;

  static final String COLLECTIONS = "collections";
  static final String COLLECTION_FILE = "collection.json";
  static final String INDEX = "index";
  /** Prefix of directories being created or dropped; removed when a store opens. */
  static final String TEMP_PREFIX = ".tmp-";

  static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private StoreFiles() {}

  static Path collectionsDir(Path root) {
    return root.resolve(COLLECTIONS);
  }

  /**
   * Makes {@code root} a store when it is new or empty, or checks that it is one.
   *
   * @return the store's format version (an older one is upgraded by {@link #upgrade} once the store is locked)
   * @throws InvalidInputException when it is a file, a directory that is not a store, or a store of a newer
   *     format
   */
  static int initOrCheck(Path root) {
    try {
      if (Files.exists(root) && !Files.isDirectory(root)) {
        throw new InvalidInputException("Store path " + root + " is a file, not a directory; pass a new or empty "
            + "directory, or the directory of an existing store.");
      }
      Path marker = root.resolve(MARKER);
      if (Files.exists(marker)) {
        JsonObject json = readVersioned(marker, STORE_FORMAT, "store");
        Files.createDirectories(collectionsDir(root));
        return json.get("version").getAsInt();
      }
      if (Files.isDirectory(root) && !isEmpty(root)) {
        throw new InvalidInputException("Directory " + root + " is not an imgsearch Lucene store (it has no " + MARKER
            + ") and is not empty; pass a new or empty directory to make a store there, or the directory of an "
            + "existing store.");
      }
      Files.createDirectories(collectionsDir(root));
      writeMarker(marker);
      return VERSION;
    } catch (IOException e) {
      throw new StoreUnavailableException("Cannot create or read the store at " + root + ": " + e
          + ". Check that the directory is writable and the disk has space.", e);
    }
  }

  /** Rewrites an older store's marker as the current version (the store is locked, its collections upgraded). */
  static void upgrade(Path root, int from) throws IOException {
    LOG.info("Store at {} was written by imgsearch on Lucene 9 (format version {}); it is now format version {} "
        + "(Lucene 10). Its indexes were read as they are; older imgsearch versions can no longer open it.", root,
        from, VERSION);
    writeMarker(root.resolve(MARKER));
  }

  private static void writeMarker(Path marker) throws IOException {
    JsonObject json = new JsonObject();
    json.addProperty("format", STORE_FORMAT);
    json.addProperty("version", VERSION);
    writeAtomically(marker, json);
  }

  private static boolean isEmpty(Path dir) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      return !entries.iterator().hasNext();
    }
  }

  /**
   * Reads a JSON document written by {@link #writeAtomically} and checks its format name and version.
   *
   * @param what "store" or "collection 'name'", for messages
   */
  static JsonObject readVersioned(Path file, String format, String what) throws IOException {
    JsonObject json;
    try {
      JsonElement parsed = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8));
      json = parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
    } catch (JsonParseException | IllegalStateException e) {
      json = null;
    }
    if (json == null || !json.has("format") || !format.equals(json.get("format").getAsString())
        || !json.has("version")) {
      throw new InvalidInputException("File " + file + " of the " + what + " is not a valid " + format
          + " document; the store is damaged or not an imgsearch Lucene store. Restore it from a backup or use "
          + "another directory.");
    }
    int version = json.get("version").getAsInt();
    if (version > VERSION) {
      throw new InvalidInputException("The " + what + " at " + file.getParent() + " was written in format version "
          + version + " by a newer imgsearch; this version reads up to " + VERSION + ". Upgrade "
          + "imgsearch-store-lucene to open it.");
    }
    return json;
  }

  /** Writes JSON to {@code file} so that readers see the old or the new content, never a part. */
  static void writeAtomically(Path file, JsonObject json) throws IOException {
    Path tmp = file.resolveSibling(TEMP_PREFIX + file.getFileName() + "-" + UUID.randomUUID());
    byte[] bytes = GSON.toJson(json).getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
      out.write(bytes);
      out.flush();
      ch.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    syncDirectory(file.getParent());
  }

  /** Forces a directory's entries (renames, new files) to disk where the platform allows it. */
  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every platform can open a directory (Windows); the rename is still atomic there.
    }
  }

  /** Moves a directory out of the way atomically, then deletes it. */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    Path doomed = dir.resolveSibling(TEMP_PREFIX + "drop-" + dir.getFileName() + "-" + UUID.randomUUID());
    Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(dir.getParent());
    deleteRecursively(doomed);
  }

  static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        try {
          Files.delete(p);
        } catch (NoSuchFileException gone) {
          // fine
        }
      }
    } catch (NoSuchFileException gone) {
      // fine
    }
  }

  /** Removes what an interrupted create or drop left behind. */
  static void removeLeftovers(Path collections) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(collections, TEMP_PREFIX + "*")) {
      for (Path p : entries) {
        deleteRecursively(p);
      }
    }
  }
}
