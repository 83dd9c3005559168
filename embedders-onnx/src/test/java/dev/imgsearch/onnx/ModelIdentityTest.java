package dev.imgsearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.SchemaException;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.embed.ModelIdentity;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import dev.imgsearch.embedders.ModelFingerprint;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fingerprint an embedder computes when it loads: the same files from any folder or hub snapshot are one model
 * (whatever their model id), a one-byte weight change is another, and an index refuses another model by it.
 */
class ModelIdentityTest {
  private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  @TempDir Path dir;

  @BeforeEach
  void ownCache() {
    System.setProperty("imgsearch.cache.dir", dir.resolve("cache").toString());
  }

  @AfterEach
  void defaultCache() {
    System.clearProperty("imgsearch.cache.dir");
  }

  private static Path copy(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    return to;
  }

  private static OnnxContrastiveEmbedder clip(Path directory) {
    return OnnxEmbedders.clip().modelDirectory(directory).build();
  }

  @Test
  void theSameFilesFromTwoFoldersAndAHubSnapshotAreOneModel() throws IOException {
    Path a = copy(TestModels.model("clip"), dir.resolve("models/clip"));
    Path b = copy(TestModels.model("clip"), dir.resolve("downloads/clip-vit-base-patch32"));
    Path hub = copy(TestModels.model("clip"),
        dir.resolve("hf/hub/models--Xenova--clip-vit-base-patch32/snapshots/" + COMMIT));
    Path images = TestModels.testImages();
    try (OnnxContrastiveEmbedder first = clip(a); OnnxContrastiveEmbedder second = clip(b);
         OnnxContrastiveEmbedder third = clip(hub); InMemoryVectorStore store = new InMemoryVectorStore()) {
      ModelIdentity id = first.identity();
      assertThat(id.fromContent()).isTrue();
      assertThat(second.identity().fingerprint()).isEqualTo(id.fingerprint());
      assertThat(third.identity().fingerprint()).isEqualTo(id.fingerprint());
      assertThat(id.origin()).isEqualTo("directory " + a.toAbsolutePath());
      assertThat(third.identity().origin()).isEqualTo("hub Xenova/clip-vit-base-patch32@" + COMMIT);
      assertThat(first.modelId()).isNotEqualTo(second.modelId());
      // The committed model in its own folder too, and the fingerprint does not depend on the cache.
      try (OnnxContrastiveEmbedder committed = TestModels.clip()) {
        assertThat(committed.identity().fingerprint()).isEqualTo(id.fingerprint());
      }
      assertThat(ModelFingerprint.fileDigest(a.resolve("onnx/vision_model.onnx"), null))
          .isEqualTo(ModelFingerprint.fileDigest(hub.resolve("onnx/vision_model.onnx"), null));

      try (ImageIndex index = ImageIndex.builder().embedder(first).store(store).collection("images").build()) {
        index.index(IndexSource.directory(images).build());
      }
      long rows = store.count("images");
      for (OnnxContrastiveEmbedder same : new OnnxContrastiveEmbedder[] {second, third}) {
        try (ImageIndex index = ImageIndex.builder().embedder(same).store(store).collection("images").build()) {
          assertThat(index.index(IndexSource.directory(images).build()).unchanged()).isEqualTo(rows);
        }
      }
    }
  }

  @Test
  void aOneByteWeightChangeIsAnotherModelAndIsRefused() throws IOException {
    Path a = copy(TestModels.model("clip"), dir.resolve("a/clip"));
    Path changed = copy(TestModels.model("clip"), dir.resolve("b/clip"));
    Path graph = changed.resolve("onnx/vision_model.onnx");
    byte[] bytes = Files.readAllBytes(graph);
    bytes[bytes.length / 2] ^= 0x01; // the low bit of a byte inside the weights
    Files.write(graph, bytes);
    Path photo = TestModels.testImages().resolve("photo_640x480.jpg");
    try (OnnxContrastiveEmbedder original = clip(a); OnnxContrastiveEmbedder other = clip(changed);
         InMemoryVectorStore store = new InMemoryVectorStore()) {
      assertThat(other.modelId()).isEqualTo(original.modelId()).isEqualTo("clip");
      assertThat(other.embedImage(ImageInput.of(photo))).as("the change reaches the vectors")
          .isNotEqualTo(original.embedImage(ImageInput.of(photo)));
      assertThat(other.identity().fingerprint()).isNotEqualTo(original.identity().fingerprint());

      try (ImageIndex index = ImageIndex.builder().embedder(original).store(store).collection("images").build()) {
        index.index(IndexSource.directory(TestModels.testImages()).build());
      }
      long rows = store.count("images");
      assertThatThrownBy(() -> ImageIndex.builder().embedder(other).store(store).collection("images").build())
          .isInstanceOf(SchemaException.class).hasMessageContaining("built by another model")
          .hasMessageContaining("directory " + a.toAbsolutePath())
          .hasMessageContaining("directory " + changed.toAbsolutePath())
          .hasMessageContaining("ImageIndex.drop");
      assertThat(store.count("images")).isEqualTo(rows);
    }
  }

  @Test
  void aResNetOnAClipIndexIsAnotherModelNotAnotherLayout() {
    try (OnnxContrastiveEmbedder clip = TestModels.clip(); OnnxFeatureEmbedder resnet = TestModels.resnet50();
         InMemoryVectorStore store = new InMemoryVectorStore()) {
      ImageIndex.builder().embedder(clip).store(store).collection("images").build().close();
      assertThatThrownBy(() -> ImageIndex.builder().embedder(resnet).store(store).collection("images").build())
          .isInstanceOf(SchemaException.class).hasMessageContaining("built by another model")
          .hasMessageContaining("'clip'").hasMessageNotContaining("not an image index");
      assertThat(resnet.identity().fromContent()).isTrue();
    }
  }
}
