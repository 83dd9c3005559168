package dev.imgsearch.store.lucene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.StoreUnavailableException;
import dev.imgsearch.core.store.Row;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.apache.lucene.index.CheckIndex;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crashes, foreign and newer directories, locks and full disks: each a clear error, no damage to data. */
class LuceneStoreFaultsTest {
  @TempDir
  Path dir;

  private static Path indexDir(Path store, String collection) {
    return store.resolve(StoreFiles.COLLECTIONS).resolve(collection).resolve(StoreFiles.INDEX);
  }

  private static void assertIndexIsClean(Path index) throws IOException {
    try (Directory d = FSDirectory.open(index); CheckIndex check = new CheckIndex(d)) {
      CheckIndex.Status status = check.checkIndex();
      assertThat(status.clean).as("CheckIndex of %s", index).isTrue();
    }
  }

  @Test
  void aProcessKilledWhileIndexingLosesNothingItFlushed() throws Exception {
    Path store = dir.resolve("store");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    if (Runtime.version().feature() >= 20) {
      command.addAll(List.of("--add-modules", "jdk.incubator.vector")); // Lucene's SIMD; see the pom
    }
    if (Runtime.version().feature() > 23) {
      command.add("-Dorg.apache.lucene.vectorization.upperJavaFeatureVersion=" + Runtime.version().feature());
    }
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), IndexingChild.class.getName(),
        store.toString()));
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long acknowledged = 0;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
        StandardCharsets.UTF_8))) {
      int flushes = 0;
      String line;
      while (flushes < 3 && (line = out.readLine()) != null) {
        if (line.equals("OPEN")) {
          // While the child holds the store, this process cannot open it: the OS lock spans processes.
          assertThatThrownBy(() -> LuceneVectorStore.open(store)).isInstanceOf(StoreUnavailableException.class)
              .hasMessageContaining("open in another process");
        } else if (line.startsWith("FLUSHED ")) {
          acknowledged = Long.parseLong(line.substring(8));
          flushes++;
        }
      }
      assertThat(flushes).as("flushes the child acknowledged before it was killed").isEqualTo(3);
      Thread.sleep(30); // let it write some more rows that no flush covers
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).as("killed by SIGKILL").isEqualTo(137);
    } finally {
      child.destroyForcibly();
    }

    assertIndexIsClean(indexDir(store, IndexingChild.COLLECTION));
    try (LuceneVectorStore reopened = LuceneVectorStore.open(store)) {
      long count = reopened.count(IndexingChild.COLLECTION);
      assertThat(count).isGreaterThanOrEqualTo(acknowledged);
      List<Object> ids = LongStream.range(0, acknowledged).boxed().map(Object.class::cast).toList();
      List<Row> got = reopened.get(IndexingChild.COLLECTION, ids, List.of("path", "vec"));
      assertThat(got).hasSize((int) acknowledged);
      assertThat(got.get((int) acknowledged - 1)).isEqualTo(IndexingChild.row(acknowledged - 1));
      // Re-running the job (deterministic ids, upsert) completes it with one row per item. The child may have
      // flushed again between its third acknowledgement and the kill, so the job is at least that far.
      long total = Math.max(count, acknowledged + 3 * IndexingChild.BATCH);
      reopened.upsert(IndexingChild.COLLECTION, IndexingChild.rows(0, total));
      assertThat(reopened.count(IndexingChild.COLLECTION)).isEqualTo(total);
    }
    assertIndexIsClean(indexDir(store, IndexingChild.COLLECTION));
  }

  @Test
  void aDirectoryThatIsNotAStoreIsRefusedAndLeftAlone() throws IOException {
    Path foreign = Files.createDirectories(dir.resolve("photos"));
    Files.writeString(foreign.resolve("holiday.jpg"), "not an index");
    assertThatThrownBy(() -> LuceneVectorStore.open(foreign)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is not an imgsearch Lucene store").hasMessageContaining(foreign.toString());
    try (var files = Files.list(foreign)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly("holiday.jpg");
    }
    Path file = foreign.resolve("holiday.jpg");
    assertThatThrownBy(() -> LuceneVectorStore.open(file)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("is a file");
  }

  @Test
  void aStoreOfANewerFormatIsRefusedUntouched() throws IOException {
    Path store = dir.resolve("store");
    try (LuceneVectorStore s = LuceneVectorStore.open(store)) {
      s.createCollection(IndexingChild.spec());
      s.insert(IndexingChild.COLLECTION, IndexingChild.rows(0, 10));
    }
    Path marker = store.resolve(StoreFiles.MARKER);
    JsonObject json = JsonParser.parseString(Files.readString(marker)).getAsJsonObject();
    json.addProperty("version", StoreFiles.VERSION + 1);
    Files.writeString(marker, json.toString());
    assertThatThrownBy(() -> LuceneVectorStore.open(store)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("newer").hasMessageContaining("Upgrade");
    assertThat(Files.readString(marker)).isEqualTo(json.toString());

    // A collection of a newer format is refused too, and the store's other files are left as they were.
    json.addProperty("version", StoreFiles.VERSION);
    Files.writeString(marker, json.toString());
    Path collectionFile = store.resolve(StoreFiles.COLLECTIONS).resolve(IndexingChild.COLLECTION)
        .resolve(StoreFiles.COLLECTION_FILE);
    JsonObject c = JsonParser.parseString(Files.readString(collectionFile)).getAsJsonObject();
    c.addProperty("version", 7);
    Files.writeString(collectionFile, c.toString());
    assertThatThrownBy(() -> LuceneVectorStore.open(store)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("version 7");
    assertIndexIsClean(indexDir(store, IndexingChild.COLLECTION));
  }

  @Test
  void aStoreOpenedTwiceSaysWhoHoldsIt() {
    Path store = dir.resolve("store");
    try (LuceneVectorStore first = LuceneVectorStore.open(store)) {
      first.createCollection(IndexingChild.spec());
      assertThatThrownBy(() -> LuceneVectorStore.open(store)).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("is open in another process").hasMessageContaining(StoreFiles.LOCK);
      first.insert(IndexingChild.COLLECTION, IndexingChild.rows(0, 5)); // the first store is unharmed
      assertThat(first.count(IndexingChild.COLLECTION)).isEqualTo(5);
    }
    try (LuceneVectorStore second = LuceneVectorStore.open(store)) {
      assertThat(second.count(IndexingChild.COLLECTION)).isEqualTo(5);
    }
  }

  @Test
  void aFullDiskFailsClearlyAndKeepsWhatWasFlushed() throws IOException {
    Path store = dir.resolve("store");
    AtomicBoolean full = new AtomicBoolean();
    LuceneVectorStore s = LuceneVectorStore.builder(store)
        .directoryFactory(path -> new FailingDirectory(FSDirectory.open(path), full)).open();
    s.createCollection(IndexingChild.spec());
    s.upsert(IndexingChild.COLLECTION, IndexingChild.rows(0, 100));
    s.flush(IndexingChild.COLLECTION);
    s.upsert(IndexingChild.COLLECTION, IndexingChild.rows(100, 120)); // visible, not yet durable

    full.set(true);
    // Rows are buffered in memory: the write, or at the latest the next read (which writes them to a segment),
    // meets the full disk.
    assertThatThrownBy(() -> {
      s.upsert(IndexingChild.COLLECTION, IndexingChild.rows(120, 200));
      s.count(IndexingChild.COLLECTION);
    })
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("No space left on device")
        .hasMessageContaining("last flush");
    // Rolled back to the last flush, still usable for reads while the disk is full.
    assertThat(s.count(IndexingChild.COLLECTION)).isEqualTo(100);
    assertThatThrownBy(() -> s.flush(IndexingChild.COLLECTION)).isInstanceOf(StoreUnavailableException.class);

    full.set(false);
    s.upsert(IndexingChild.COLLECTION, IndexingChild.rows(100, 150));
    s.flush(IndexingChild.COLLECTION);
    full.set(true);
    s.upsert(IndexingChild.COLLECTION, List.of()); // nothing to write: no error
    assertThatThrownBy(s::close).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining(IndexingChild.COLLECTION);

    assertIndexIsClean(indexDir(store, IndexingChild.COLLECTION));
    try (LuceneVectorStore reopened = LuceneVectorStore.open(store)) {
      assertThat(reopened.count(IndexingChild.COLLECTION)).isEqualTo(150);
      List<Object> ids = new ArrayList<>(List.of(0L, 99L, 100L, 149L));
      assertThat(reopened.get(IndexingChild.COLLECTION, ids, List.of("path"))).hasSize(4);
    }
  }
}
