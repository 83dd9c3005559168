package dev.imgsearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonParser;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.embedders.FamilyEmbedder;
import dev.imgsearch.embedders.ImageLayout;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.pipeline.ZeroShotClassifier;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.testing.TestVectors;
import dev.imgsearch.embedders.ModelDirectory;
import dev.imgsearch.onnx.session.OnnxOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the families declare, what the model directory decides, and how bad input is refused. */
class EmbedderBehaviourTest {

  @Test
  void familiesDeclareDimensionMetricAndNormalisationFromTheGraph() {
    try (OnnxContrastiveEmbedder clip = TestModels.clip(); OnnxContrastiveEmbedder cn = TestModels.chineseClip();
        OnnxFeatureEmbedder resnet = TestModels.resnet50(); OnnxFeatureEmbedder vgg = TestModels.vgg16()) {
      assertThat(List.of(clip.dimension(), cn.dimension(), resnet.dimension(), vgg.dimension()))
          .containsExactly(512, 512, 2048, 512);
      assertThat(List.of(clip.metric(), cn.metric(), resnet.metric(), vgg.metric()))
          .containsExactly(MetricType.COSINE, MetricType.COSINE, MetricType.L2, MetricType.L2);
      assertThat(List.of(clip.normalized(), cn.normalized(), resnet.normalized(), vgg.normalized()))
          .containsExactly(true, true, false, true);
      // preprocessor_config.json picks the reference recipes; the image-only families use theirs
      assertThat(clip.recipe()).isEqualTo(ImageRecipe.openAiClip(224));
      assertThat(cn.recipe()).isEqualTo(ImageRecipe.chineseClip(224));
      assertThat(resnet.recipe()).isEqualTo(ImageRecipe.torchvisionResNet());
      assertThat(vgg.recipe()).isEqualTo(ImageRecipe.kerasVgg16());
      assertThat(clip.tokenizer().contextLength()).isEqualTo(77);
      assertThat(cn.tokenizer().contextLength()).isEqualTo(52);
      assertThat(clip.modelId()).isEqualTo("clip");
    }
  }

  @Test
  void resnetCanNormaliseAndLoadFromOneFileWithOptions() {
    float[] pixels = TestModels.pixels(3 * 224 * 224, 9);
    OnnxOptions options = OnnxOptions.builder().intraOpThreads(1).optimization(OnnxOptions.Optimization.BASIC)
        .device(OnnxOptions.Device.CPU).build();
    try (OnnxFeatureEmbedder raw = TestModels.resnet50();
        OnnxFeatureEmbedder unit = OnnxEmbedders.resnet50().modelFile(TestModels.model("resnet50")
            .resolve("onnx/model.onnx")).normalize(true).options(options).modelId("resnet50-test").build()) {
      float[] a = raw.embedPixels(List.of(pixels)).get(0);
      float[] b = unit.embedPixels(List.of(pixels)).get(0);
      assertThat(unit.normalized()).isTrue();
      assertThat(unit.modelId()).isEqualTo("resnet50-test");
      assertThat(TestVectors.cosine(a, b)).isGreaterThan(0.99999);
      double norm = 0;
      for (float x : b) {
        norm += x * x;
      }
      assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }
  }

  @Test
  void theSpatialOutputIsPooledLikeThePooledOne() {
    float[] pixels = TestModels.pixels(3 * 224 * 224, 5);
    try (OnnxFeatureEmbedder pooled = TestModels.resnet50();
        OnnxFeatureEmbedder map = OnnxEmbedders.resnet50().modelDirectory(TestModels.model("resnet50"))
            .outputName("last_hidden_state").build()) {
      assertThat(map.dimension()).isEqualTo(2048);
      assertThat(TestVectors.cosine(pooled.embedPixels(List.of(pixels)).get(0), map.embedPixels(List.of(pixels))
          .get(0))).isGreaterThan(0.999999);
    }
  }

  @Test
  void anyFamilyBuildsItsKindsClassAndTheBuilderChoosesDecoderAndExecutor() {
    AtomicInteger tasks = new AtomicInteger();
    Executor counting = r -> {
      tasks.incrementAndGet();
      r.run();
    };
    ImageDecoder decoder = ImageDecoder.withMaxPixels(10_000_000);
    List<ImageInput> images = List.of(ImageInput.of(TestModels.testImages().resolve("photo_640x480.jpg")),
        ImageInput.of(TestModels.testImages().resolve("rgba_320x240.png")));
    try (FamilyEmbedder vgg = OnnxEmbedders.family(ModelFamily.VGG16).modelDirectory(TestModels.model("vgg16"))
        .decoder(decoder).preprocessExecutor(counting).build();
        FamilyEmbedder clip = OnnxEmbedders.family(ModelFamily.CLIP).modelDirectory(TestModels.model("clip"))
            .build()) {
      assertThat(vgg).isInstanceOf(OnnxFeatureEmbedder.class);
      assertThat(clip).isInstanceOf(OnnxContrastiveEmbedder.class);
      assertThat(vgg.preprocessor().decoder()).isSameAs(decoder);
      assertThat(vgg.preprocessor().recipe()).isEqualTo(vgg.recipe());
      assertThat(vgg.embedImages(images)).hasSize(2);
      assertThat(tasks.get()).isEqualTo(2);
    }
    assertThatThrownBy(() -> OnnxContrastiveEmbedder.builder(ModelFamily.VGG16))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("features(ModelFamily.VGG16)");
    assertThatThrownBy(() -> OnnxEmbedders.resnet50().logitScale(100f)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void draftDecodingIsAnOptInOfTheBuilder() {
    // A 640x480 JPEG is at least twice VGG16's 224: with draft decoding it is decoded at 1/2 size first, so its
    // vector moves; a PNG has no draft, so its vector stays the exact one.
    List<ImageInput> images = List.of(ImageInput.of(TestModels.testImages().resolve("photo_640x480.jpg")),
        ImageInput.of(TestModels.testImages().resolve("rgba_320x240.png")));
    try (FamilyEmbedder exact = OnnxEmbedders.vgg16().modelDirectory(TestModels.model("vgg16")).build();
        FamilyEmbedder draft = OnnxEmbedders.vgg16().modelDirectory(TestModels.model("vgg16"))
            .draftDecoding(true).build()) {
      assertThat(exact.preprocessor().draft()).isFalse();
      assertThat(draft.preprocessor().draft()).isTrue();
      List<float[]> e = exact.embedImages(images);
      List<float[]> d = draft.embedImages(images);
      assertThat(d.get(0)).isNotEqualTo(e.get(0));
      assertThat(d.get(1)).isEqualTo(e.get(1));
    }
  }

  @Test
  void anExplicitLayoutReplacesTheOneReadOffTheGraph() {
    float[] pixels = TestModels.pixels(3 * 224 * 224, 4);
    try (var read = TestModels.vgg16(); var given = OnnxEmbedders.vgg16().modelDirectory(TestModels.model("vgg16"))
        .layout(ImageLayout.NHWC).build()) {
      assertThat(given.embedPixels(List.of(pixels)).get(0)).containsExactly(read.embedPixels(List.of(pixels)).get(0));
    }
    assertThatThrownBy(() -> OnnxEmbedders.vgg16().modelDirectory(TestModels.model("vgg16"))
        .layout(ImageLayout.NCHW).build()).isInstanceOf(ModelException.class);
  }

  @Test
  void wrongPixelArraysAreRefused() {
    try (OnnxFeatureEmbedder vgg = TestModels.vgg16()) {
      assertThatThrownBy(() -> vgg.embedPixels(List.of(new float[10]))).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("150528");
    }
  }

  @Test
  void aRecipeOfTheWrongSizeIsRefused() {
    assertThatThrownBy(() -> OnnxEmbedders.clip().modelDirectory(TestModels.model("clip"))
        .recipe(ImageRecipe.openAiClip(336)).build()).isInstanceOf(ModelException.class)
        .hasMessageContaining("336");
  }

  @Test
  void customPreprocessorConfigsBecomeCustomRecipes() {
    var config = JsonParser.parseString("{\"image_processor_type\": \"ConvNextImageProcessor\", \"size\": "
        + "{\"shortest_edge\": 256}, \"crop_size\": {\"height\": 224, \"width\": 224}, \"resample\": 2, "
        + "\"image_mean\": [0.485, 0.456, 0.406], \"image_std\": [0.229, 0.224, 0.225], "
        + "\"rescale_factor\": 0.00392156862745098}").getAsJsonObject();
    ImageRecipe recipe = ModelDirectory.recipeOf(config, Path.of("preprocessor_config.json")).orElseThrow();
    assertThat(recipe.width()).isEqualTo(224);
    assertThat(recipe.id()).startsWith("hf-shortest-256-crop-224");
    var lanczos = JsonParser.parseString("{\"size\": {\"height\": 224, \"width\": 224}, \"resample\": 1}")
        .getAsJsonObject();
    assertThatThrownBy(() -> ModelDirectory.recipeOf(lanczos, Path.of("p.json")))
        .isInstanceOf(ModelException.class).hasMessageContaining("resample 1");
  }

  @Test
  void zeroShotNeedsLabelsAndATemplate() {
    try (OnnxContrastiveEmbedder clip = TestModels.clip()) {
      assertThatThrownBy(() -> ZeroShotClassifier.of(clip, List.of(), "{}"))
          .isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> ZeroShotClassifier.of(clip, List.of("dog"), "a photo"))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("{}");
    }
  }
}
