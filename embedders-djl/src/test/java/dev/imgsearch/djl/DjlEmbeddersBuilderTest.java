package dev.imgsearch.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** DJL's own source, the model-zoo URL, takes turns with the sources every embedder builder shares. */
class DjlEmbeddersBuilderTest {
  @Test
  void aModelUrlAndTheSharedSourcesReplaceEachOther() {
    String url = "file:///models/resnet50.zip";
    var b = DjlEmbedders.resnet50().modelUrl(url).modelDirectory(Path.of("resnet50"));
    assertThat(b.modelUrl).isNull();
    assertThat(b.settings().source().directory()).isEqualTo(Path.of("resnet50"));

    b.modelFile(Path.of("resnet50.pt"));
    assertThat(b.settings().source().directory()).isNull();
    assertThat(b.settings().source().modelFile()).isEqualTo(Path.of("resnet50.pt"));

    b.modelUrl(url);
    assertThat(b.modelUrl).isEqualTo(url);
    assertThat(b.settings().source().modelFile()).isNull();

    var clip = DjlEmbedders.clip().modelUrl(url).fromHub("Xenova/clip", "main");
    assertThat(clip.modelUrl).isNull();
    assertThat(clip.settings().source().repoId()).isEqualTo("Xenova/clip");
  }
}
