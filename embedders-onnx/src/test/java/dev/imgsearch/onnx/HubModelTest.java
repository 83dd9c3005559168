package dev.imgsearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.embedders.hub.HubClient;
import dev.imgsearch.embedders.hub.LocalHubServer;
import dev.imgsearch.core.testing.TestVectors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every family loads fromHub(...) through a local stand-in of the hub, and embeds as from the directory. */
class HubModelTest {
  private static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";
  @TempDir Path cache;
  private LocalHubServer server;
  private HubClient hub;

  @BeforeEach
  void setUp() {
    server = new LocalHubServer();
    for (String family : new String[] {"clip", "chinese-clip", "resnet50", "vgg16"}) {
      server.serve("tiny/" + family, COMMIT, TestModels.model(family));
    }
    hub = HubClient.builder(Map.of()).endpoint(server.endpoint()).cacheDirectory(cache).build();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  @Test
  void clipFromTheHubEmbedsLikeTheDirectory() {
    ImageInput image = ImageInput.of(TestModels.testImages().resolve("photo_640x480.jpg"));
    try (OnnxContrastiveEmbedder fromHub = OnnxEmbedders.clip().fromHub("tiny/clip", "main").hub(hub).build();
        OnnxContrastiveEmbedder local = TestModels.clip()) {
      assertThat(fromHub.modelId()).isEqualTo("tiny/clip");
      assertThat(TestVectors.cosine(fromHub.embedImage(image), local.embedImage(image))).isGreaterThan(0.999999);
      assertThat(TestVectors.cosine(fromHub.embedText("a dog"), local.embedText("a dog"))).isGreaterThan(0.999999);
    }
    Path snapshot = cache.resolve("models--tiny--clip/snapshots").resolve(COMMIT);
    assertThat(snapshot.resolve("onnx/vision_model.onnx")).exists();
    assertThat(snapshot.resolve("tokenizer.json")).exists();
    // offline, the same model comes from the cache alone
    server.close();
    HubClient offline = HubClient.builder(Map.of()).cacheDirectory(cache).offline(true).build();
    try (OnnxContrastiveEmbedder cached = OnnxEmbedders.clip().fromHub("tiny/clip", "main").hub(offline).build()) {
      assertThat(cached.dimension()).isEqualTo(512);
    }
  }

  @Test
  void theOtherFamiliesLoadFromTheHub() {
    ImageInput image = ImageInput.of(TestModels.testImages().resolve("rgba_320x240.png"));
    try (OnnxContrastiveEmbedder cn = OnnxEmbedders.chineseClip().fromHub("tiny/chinese-clip", "main").hub(hub).build();
        OnnxFeatureEmbedder resnet = OnnxEmbedders.resnet50().fromHub("tiny/resnet50", COMMIT).hub(hub).build();
        OnnxFeatureEmbedder vgg = OnnxEmbedders.vgg16().fromHub("tiny/vgg16", "main").hub(hub).build()) {
      assertThat(cn.embedText("皮卡丘")).hasSize(512);
      assertThat(resnet.embedImage(image)).hasSize(2048);
      assertThat(vgg.embedImage(image)).hasSize(512);
    }
    // image-only families fetch no tokenizer
    assertThat(cache.resolve("models--tiny--resnet50/snapshots").resolve(COMMIT).resolve("tokenizer.json"))
        .doesNotExist();
  }

  @Test
  void aRepositoryWithoutTheOnnxVariantSaysSo() {
    assertThatThrownBy(() -> OnnxEmbedders.vgg16().fromHub("tiny/vgg16", "main").variant("fp16").hub(hub).build())
        .isInstanceOf(ModelException.class).hasMessageContaining("none of the ONNX files");
  }

  @Test
  void aMissingDirectorySaysWhatToPass() {
    assertThatThrownBy(() -> OnnxEmbedders.clip().modelDirectory(cache.resolve("nope")).build())
        .isInstanceOf(ModelException.class).hasMessageContaining("does not exist")
        .hasMessageContaining("fromHub");
    assertThat(Files.exists(cache.resolve("nope"))).isFalse();
  }
}
