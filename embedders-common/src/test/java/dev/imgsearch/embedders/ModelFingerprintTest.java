package dev.imgsearch.embedders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.ModelIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fingerprints from content: folders and hub layouts do not matter, one changed byte does, the cache works. */
class ModelFingerprintTest {
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path dir;

  private byte[] weights;
  private byte[] tokenizer;

  private Path model(Path root) throws IOException {
    if (weights == null) {
      weights = new byte[300_000];
      new Random(3).nextBytes(weights);
      tokenizer = "{\"model\": {\"type\": \"BPE\"}}".getBytes();
    }
    Files.createDirectories(root.resolve("onnx"));
    Files.write(root.resolve("onnx/vision_model.onnx"), weights);
    Files.write(root.resolve("tokenizer.json"), tokenizer);
    return root;
  }

  private ModelIdentity identity(Path root, Path cache) {
    return ModelFingerprint.builder()
        .file("vision-graph", root.resolve("onnx/vision_model.onnx"))
        .file("tokenizer", root.resolve("tokenizer.json"))
        .parameter("recipe", "openai-clip-224").parameter("normalize", true).parameter("output", "image_embeds")
        .origin(ModelFingerprint.originOf(root)).cacheFile(cache).build();
  }

  @Test
  void theSameFilesInTwoFoldersAndInAHubCacheGiveTheSameFingerprint() throws IOException {
    Path cache = dir.resolve("cache/digests.tsv");
    ModelIdentity a = identity(model(dir.resolve("models/clip")), cache);
    ModelIdentity b = identity(model(dir.resolve("elsewhere/openai-clip-copy")), cache);
    // The hub cache layout: snapshot files are links to blobs named by their hash.
    Path repo = dir.resolve("hf/hub/models--Xenova--clip-vit-base-patch32");
    Path blobs = Files.createDirectories(repo.resolve("blobs"));
    Files.write(blobs.resolve("w"), weights);
    Files.write(blobs.resolve("t"), tokenizer);
    Path snapshot = Files.createDirectories(repo.resolve("snapshots/" + COMMIT + "/onnx"));
    Files.createSymbolicLink(snapshot.resolve("vision_model.onnx"), blobs.resolve("w"));
    Files.createSymbolicLink(snapshot.getParent().resolve("tokenizer.json"), blobs.resolve("t"));
    ModelIdentity hub = identity(snapshot.getParent(), cache);

    assertThat(a.fingerprint()).startsWith("sha256:").hasSize(7 + 64);
    assertThat(a.fromContent()).isTrue();
    assertThat(b.fingerprint()).isEqualTo(a.fingerprint());
    assertThat(hub.fingerprint()).isEqualTo(a.fingerprint());
    assertThat(a.origin()).isEqualTo("directory " + dir.resolve("models/clip").toAbsolutePath());
    assertThat(hub.origin()).isEqualTo("hub Xenova/clip-vit-base-patch32@" + COMMIT);
    // Without a cache the digest is the same.
    assertThat(identity(dir.resolve("models/clip"), null).fingerprint()).isEqualTo(a.fingerprint());
  }

  @Test
  void oneChangedByteOfAWeightOrAnotherParameterGivesAnotherFingerprint() throws IOException {
    Path cache = dir.resolve("digests.tsv");
    ModelIdentity original = identity(model(dir.resolve("a/clip")), cache);
    Path copy = model(dir.resolve("b/clip"));
    byte[] changed = weights.clone();
    changed[123_456] ^= 1;
    Files.write(copy.resolve("onnx/vision_model.onnx"), changed);
    assertThat(identity(copy, cache).fingerprint()).isNotEqualTo(original.fingerprint());

    ModelIdentity otherOutput = ModelFingerprint.builder()
        .file("vision-graph", dir.resolve("a/clip/onnx/vision_model.onnx"))
        .file("tokenizer", dir.resolve("a/clip/tokenizer.json"))
        .parameter("recipe", "openai-clip-224").parameter("normalize", false).parameter("output", "image_embeds")
        .cacheFile(cache).build();
    assertThat(otherOutput.fingerprint()).isNotEqualTo(original.fingerprint());
  }

  /**
   * The cache is keyed by path, size and modification time: a file whose bytes changed behind the cache's back,
   * with size and time kept, still gives the recorded digest (so it was not read again); touching it makes it
   * hashed again.
   */
  @Test
  void theCacheSparesReadingAnUnchangedFileAndAChangedTimeReadsItAgain() throws IOException {
    Path cache = dir.resolve("c/digests.tsv");
    Path root = model(dir.resolve("clip"));
    Path graph = root.resolve("onnx/vision_model.onnx");
    FileTime time = Files.getLastModifiedTime(graph);
    ModelIdentity first = identity(root, cache);
    assertThat(Files.readString(cache)).contains(graph.toRealPath().toString());

    byte[] changed = weights.clone();
    changed[0] ^= 1;
    Files.write(graph, changed);
    Files.setLastModifiedTime(graph, time);
    assertThat(identity(root, cache).fingerprint()).as("digest taken from the cache").isEqualTo(first.fingerprint());
    assertThat(identity(root, null).fingerprint()).as("hashed without the cache").isNotEqualTo(first.fingerprint());

    Files.setLastModifiedTime(graph, FileTime.fromMillis(time.toMillis() + 5_000));
    assertThat(identity(root, cache).fingerprint()).as("a new time reads the file again")
        .isNotEqualTo(first.fingerprint()).isEqualTo(identity(root, null).fingerprint());
  }

  @Test
  void aDamagedCacheFileOnlyCostsAReHash() throws IOException {
    Path cache = dir.resolve("digests.tsv");
    Path root = model(dir.resolve("clip"));
    ModelIdentity expected = identity(root, null);
    Files.writeString(cache, "garbage\nmore\tgarbage\n\u0000\u0001");
    assertThat(identity(root, cache).fingerprint()).isEqualTo(expected.fingerprint());
    assertThat(Files.readAllLines(cache)).allMatch(l -> l.matches(".*\\t\\d+\\t\\d+\\t[0-9a-f]{64}"));
  }

  @Test
  void concurrentUpdatesKeepTheCacheReadable() throws Exception {
    Path cache = dir.resolve("digests.tsv");
    List<Path> roots = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Path root = Files.createDirectories(dir.resolve("m" + i));
      Files.writeString(root.resolve("model.onnx"), "weights " + i);
      roots.add(root);
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> digests = new ArrayList<>();
      for (Path root : roots) {
        digests.add(pool.submit(() -> ModelFingerprint.fileDigest(root.resolve("model.onnx"), cache)));
      }
      for (int i = 0; i < roots.size(); i++) {
        assertThat(digests.get(i).get()).isEqualTo(ModelFingerprint.fileDigest(roots.get(i).resolve("model.onnx"),
            null));
      }
    } finally {
      pool.shutdown();
    }
    assertThat(Files.readAllLines(cache)).hasSize(8);
  }

  @Test
  void aMissingFileSaysWhichOne() {
    Path missing = dir.resolve("nowhere/model.onnx");
    assertThatThrownBy(() -> ModelFingerprint.builder().file("graph", missing).cacheFile(null).build())
        .isInstanceOf(ModelException.class).hasMessageContaining(missing.toString());
  }

  @Test
  void anEmbedderWithoutContentFingerprintIsKnownByItsModelId() {
    ModelIdentity id = ModelIdentity.ofModelId("my-model");
    assertThat(id.fingerprint()).isEqualTo("model-id:my-model");
    assertThat(id.fromContent()).isFalse();
    assertThat(id.origin()).isEqualTo("my-model");
  }
}
