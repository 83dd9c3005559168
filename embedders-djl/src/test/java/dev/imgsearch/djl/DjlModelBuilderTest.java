package dev.imgsearch.djl;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** DJL's own source, the model-zoo URL, takes turns with the sources every embedder builder shares. */
class DjlModelBuilderTest {
  @Test
  void aModelUrlAndTheSharedSourcesReplaceEachOther() {
    String url = "file:///models/resnet50.zip";
    DjlResNet50Embedder.Builder b = DjlResNet50Embedder.builder().modelUrl(url).modelDirectory(Path.of("resnet50"));
    assertThat(b.modelUrl).isNull();
    assertThat(b.source().directory()).isEqualTo(Path.of("resnet50"));

    b.modelFile(Path.of("resnet50.pt"));
    assertThat(b.source().directory()).isNull();
    assertThat(b.source().modelFile()).isEqualTo(Path.of("resnet50.pt"));

    b.modelUrl(url);
    assertThat(b.modelUrl).isEqualTo(url);
    assertThat(b.source().modelFile()).isNull();

    DjlClipEmbedder.Builder clip = DjlClipEmbedder.builder().modelUrl(url).fromHub("Xenova/clip", "main");
    assertThat(clip.modelUrl).isNull();
    assertThat(clip.source().repoId()).isEqualTo("Xenova/clip");
  }
}
