package dev.imgsearch.embedders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.image.ImageRecipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model settings every embedder builder shares: one source at a time, read as one immutable value. */
class ModelSourceBuilderTest {
  @TempDir Path tmp;

  /** A builder that adds a source of its own, as the DJL module adds a model URL. */
  static final class UrlBuilder extends ModelSourceBuilder<UrlBuilder> {
    String url;

    UrlBuilder url(String url) {
      clearSources();
      this.url = url;
      return self();
    }

    @Override
    protected void clearAddedSources() {
      url = null;
    }

    @Override
    public UrlBuilder modelFile(Path file) {
      return super.modelFile(file);
    }

    ModelSource source() {
      return modelSource();
    }
  }

  @Test
  void theLastSourceChosenWins() {
    Path dir = tmp.resolve("clip");
    Path file = tmp.resolve("resnet50.onnx");
    ModelSource hub = new UrlBuilder().modelDirectory(dir).fromHub("Xenova/clip-vit-base-patch32", null).source();
    assertThat(hub.repoId()).isEqualTo("Xenova/clip-vit-base-patch32");
    assertThat(hub.revision()).isEqualTo("main");
    assertThat(hub.directory()).isNull();

    ModelSource local = new UrlBuilder().fromHub("a/b", "v1").modelFile(file).modelDirectory(dir).source();
    assertThat(local.directory()).isEqualTo(dir);
    assertThat(local.repoId()).isNull();
    assertThat(local.revision()).isNull();
    assertThat(local.modelFile()).isNull();

    ModelSource single = new UrlBuilder().modelDirectory(dir).modelFile(file).source();
    assertThat(single.modelFile()).isEqualTo(file);
    assertThat(single.directory()).isNull();
  }

  @Test
  void aSourceASubclassAddsIsForgottenWhenAnotherIsChosenAndTheOtherWayRound() {
    UrlBuilder b = new UrlBuilder().url("file:///models/resnet50.zip").fromHub("a/b", "main");
    assertThat(b.url).isNull();
    assertThat(b.source().repoId()).isEqualTo("a/b");

    b.modelFile(tmp.resolve("m.pt")).url("djl://ai.djl.pytorch/resnet");
    assertThat(b.url).isEqualTo("djl://ai.djl.pytorch/resnet");
    assertThat(b.source().modelFile()).isNull();
    assertThat(b.source().repoId()).isNull();
  }

  @Test
  void aMissingArgumentLeavesTheChosenSourceAlone() {
    Path dir = tmp.resolve("clip");
    UrlBuilder b = new UrlBuilder().modelDirectory(dir);
    assertThatThrownBy(() -> b.fromHub(null, "main")).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("repoId");
    assertThatThrownBy(() -> b.modelFile(null)).isInstanceOf(NullPointerException.class);
    assertThat(b.source().directory()).isEqualTo(dir);
  }

  @Test
  void theSettingsAreASnapshotWithTheirDefaults() {
    UrlBuilder b = new UrlBuilder().modelDirectory(tmp);
    ModelSource before = b.source();
    assertThat(before.variant()).isEmpty();
    assertThat(before.recipe()).isNull();
    assertThat(before.modelId()).isNull();

    b.variant("fp16").recipe(ImageRecipe.kerasVgg16()).modelId("mine");
    assertThat(before.variant()).isEmpty();
    ModelSource after = b.source();
    assertThat(after.variant()).isEqualTo("fp16");
    assertThat(after.recipe()).isEqualTo(ImageRecipe.kerasVgg16());
    assertThat(after.modelId()).isEqualTo("mine");
    assertThat(new ModelSource(null, null, null, null, null, null, null, null).variant()).isEmpty();
  }

  @Test
  void theModelIdIsTheExplicitOneElseTheRepositoryElseTheSourcesName() throws IOException {
    ModelDirectory dir = ModelDirectory.of(Files.createDirectories(tmp.resolve("chinese-clip")));
    assertThat(new UrlBuilder().modelDirectory(dir.root()).source().modelIdOr(dir)).isEqualTo("chinese-clip");
    assertThat(new UrlBuilder().fromHub("OFA-Sys/cn-clip", "main").source().modelIdOr(dir))
        .isEqualTo("OFA-Sys/cn-clip");
    assertThat(new UrlBuilder().fromHub("OFA-Sys/cn-clip", "main").modelId("x").source().modelIdOr(dir))
        .isEqualTo("x");
    assertThat(new UrlBuilder().modelFile(Path.of("resnet50.onnx")).source().modelIdOr("resnet50.onnx"))
        .isEqualTo("resnet50.onnx");
    assertThat(new UrlBuilder().modelId("y").source().modelIdOr("resnet50.onnx")).isEqualTo("y");
  }
}
