package dev.imgsearch.embedders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.embedders.ModelDirectory.Format;
import dev.imgsearch.embedders.ModelFamily.Kind;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.image.ImageRecipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options every runtime's builder shares: kind checks, defaults from the family, graph files located once. */
class EmbedderBuilderTest {
  @TempDir Path tmp;

  /** A runtime's builder, reduced to what the shared options need. */
  static final class TestBuilder extends EmbedderBuilder<TestBuilder, FamilyEmbedder> {
    TestBuilder(ModelFamily family, Kind kind) {
      super(family, kind, b -> {
        throw new UnsupportedOperationException("no runtime here");
      });
    }
  }

  @Test
  void aFamilyOfTheOtherKindIsRefusedWithTheFactoryToUse() {
    assertThatThrownBy(() -> new TestBuilder(ModelFamily.RESNET50, Kind.CONTRASTIVE))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("ResNet50 is image-only")
        .hasMessageContaining("features(ModelFamily.RESNET50)");
  }

  @Test
  void optionsOfTheOtherKindAreRefusedWhenSet() {
    TestBuilder resnet = new TestBuilder(ModelFamily.RESNET50, Kind.FEATURES);
    assertThatThrownBy(() -> resnet.contextLength(77)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("contrastive (text and image) families (CLIP, Chinese-CLIP)")
        .hasMessageContaining("ResNet50");
    assertThatThrownBy(() -> resnet.logitScale(100f)).isInstanceOf(InvalidInputException.class);
    TestBuilder clip = new TestBuilder(ModelFamily.CLIP, Kind.CONTRASTIVE);
    assertThatThrownBy(() -> clip.modelFile(Path.of("clip.onnx"))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("image-only families (ResNet50, VGG16)").hasMessageContaining("modelDirectory(path)");
    assertThatThrownBy(() -> clip.normalize(false)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> clip.outputName("x")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> clip.contextLength(1)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("at least 2");
  }

  @Test
  void settingsTakeTheFamilysDefaultsUnlessTheBuilderSaysOtherwise() {
    EmbedderSettings resnet = new TestBuilder(ModelFamily.RESNET50, Kind.FEATURES).settings();
    assertThat(resnet.normalize()).isFalse();
    assertThat(resnet.imageOutputs()).containsExactly("pooler_output", "output", "last_hidden_state");
    assertThat(resnet.layoutOr(null)).isEqualTo(ImageLayout.NCHW);
    assertThat(resnet.layoutOr(ImageLayout.NHWC)).isEqualTo(ImageLayout.NHWC);

    Executor direct = Runnable::run;
    ImageDecoder small = ImageDecoder.withMaxPixels(1000);
    EmbedderSettings vgg = new TestBuilder(ModelFamily.VGG16, Kind.FEATURES).normalize(false).outputName("f")
        .layout(ImageLayout.NCHW).inputName("images").decoder(small).preprocessExecutor(direct).settings();
    assertThat(vgg.normalize()).isFalse();
    assertThat(vgg.imageOutputs()).containsExactly("f");
    assertThat(vgg.layoutOr(ImageLayout.NHWC)).isEqualTo(ImageLayout.NCHW);
    assertThat(vgg.imageInput()).isEqualTo("images");
    assertThat(vgg.preprocessor(ImageRecipe.kerasVgg16()).decoder()).isSameAs(small);

    EmbedderSettings clip = new TestBuilder(ModelFamily.CLIP, Kind.CONTRASTIVE).contextLength(64).settings();
    assertThat(clip.normalize()).isTrue();
    assertThat(clip.tokens()).isEqualTo(64);
    assertThat(clip.logitScaleOr(() -> 42f)).isEqualTo(42f);
    assertThat(new TestBuilder(ModelFamily.CLIP, Kind.CONTRASTIVE).logitScale(50f).settings().logitScaleOr(() -> {
      throw new AssertionError("not measured when given");
    })).isEqualTo(50f);
  }

  @Test
  void graphFilesAreLocatedForEitherKind() throws IOException {
    Path clipDir = Files.createDirectories(tmp.resolve("clip/onnx"));
    Files.writeString(clipDir.resolve("model.onnx"), "x");
    var combined = new TestBuilder(ModelFamily.CLIP, Kind.CONTRASTIVE).modelDirectory(tmp.resolve("clip"))
        .settings().locate(Format.ONNX, "ONNX Runtime", "");
    assertThat(combined.combined()).isTrue();
    assertThat(combined.modelId()).isEqualTo("clip");
    assertThat(combined.recipe()).isEqualTo(ImageRecipe.openAiClip(224));
    Files.writeString(clipDir.resolve("vision_model.onnx"), "x");
    Files.writeString(clipDir.resolve("text_model.onnx"), "x");
    var towers = new TestBuilder(ModelFamily.CLIP, Kind.CONTRASTIVE).modelDirectory(tmp.resolve("clip"))
        .settings().locate(Format.ONNX, "ONNX Runtime", "");
    assertThat(List.of(towers.image().getFileName().toString(), towers.text().getFileName().toString()))
        .containsExactly("vision_model.onnx", "text_model.onnx");

    var file = new TestBuilder(ModelFamily.VGG16, Kind.FEATURES).modelFile(tmp.resolve("vgg.onnx")).modelId("v")
        .settings().locate(Format.ONNX, "ONNX Runtime", "");
    assertThat(file.directory()).isNull();
    assertThat(file.modelId()).isEqualTo("v");
    assertThat(file.recipe()).isEqualTo(ImageRecipe.kerasVgg16());
    assertThatThrownBy(() -> new TestBuilder(ModelFamily.RESNET50, Kind.FEATURES).modelDirectory(tmp.resolve("clip"))
        .settings().locate(Format.TORCHSCRIPT, "PyTorch", "; or pick another engine"))
        .isInstanceOf(ModelException.class).hasMessageContaining("torchscript/model.pt")
        .hasMessageContaining("PyTorch engine").hasMessageContaining("or pick another engine");
  }
}
