package dev.imgsearch.embedders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.store.MetricType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine-independent pieces both embedder modules use. */
class SharedPiecesTest {
  @TempDir Path tmp;

  @Test
  void layoutsPackChwImagesAndPadFixedBatches() {
    float[] a = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; // 3 x 2 x 2, CHW
    assertThat(ImageLayout.NCHW.pack(List.of(a), 2, 2, 2)).startsWith(a).hasSize(24).endsWith(0, 0, 0, 0);
    // HWC: pixel (0,0) = R1 G5 B9, pixel (0,1) = R2 G6 B10 ...
    assertThat(ImageLayout.NHWC.pack(List.of(a), 1, 2, 2)).containsExactly(1, 5, 9, 2, 6, 10, 3, 7, 11, 4, 8, 12);
    assertThat(ImageLayout.NHWC.shape(4, 224, 224)).containsExactly(4, 224, 224, 3);
    assertThat(ImageLayout.NCHW.shape(4, 224, 224)).containsExactly(4, 3, 224, 224);
  }

  @Test
  void spatialOutputsArePooledAndVectorsNormalised() {
    List<float[]> rows = Vectors.rows(new float[] {1, 3, 5, 7, -1, -2, -3, -4}, new long[] {1, 2, 2, 2});
    assertThat(Vectors.pool(rows, new long[] {1, 2, 2, 2}, Pooling.AVERAGE).get(0)).containsExactly(4f, -2.5f);
    assertThat(Vectors.pool(rows, new long[] {1, 2, 2, 2}, Pooling.MAX).get(0)).containsExactly(7f, -1f);
    assertThat(Vectors.pool(rows, new long[] {1, 8}, Pooling.MAX)).isSameAs(rows);
    assertThat(Vectors.normalise(new float[] {3, 4})).containsExactly(0.6f, 0.8f);
    assertThat(Vectors.normalise(new float[] {0, 0})).containsExactly(0f, 0f);
  }

  @Test
  void theLogitScaleIsReadOffLogits() {
    float[] image = {1, 0, 0};
    List<float[]> texts = List.of(new float[] {0.6f, 0.8f, 0}, new float[] {0, 1, 0});
    assertThat(Vectors.logitScale(image, texts, new float[] {0.6f * 54.6f, 0})).isCloseTo(54.6f, within(1e-3f));
    assertThat(Vectors.logitScale(image, List.of(new float[] {0, 1, 0}), new float[] {0})).isEqualTo(100f);
  }

  @Test
  void familiesDescribeTheReferenceExports() {
    assertThat(ModelFamily.CLIP.contextLength()).isEqualTo(77);
    assertThat(ModelFamily.CHINESE_CLIP.combinedInputs())
        .containsExactly("input_ids", "pixel_values", "attention_mask", "token_type_ids");
    assertThat(ModelFamily.VGG16.layout()).isEqualTo(ImageLayout.NHWC);
    assertThat(ModelFamily.RESNET50.normalized()).isFalse();
    assertThat(ModelFamily.RESNET50.metric()).isEqualTo(MetricType.L2);
    assertThat(ModelFamily.RESNET50.graphs()).containsExactly("model");
    assertThat(ModelFamily.CLIP.cleaner().apply("ＡＢＣ！")).isEqualTo("ABC!");
  }

  @Test
  void aModelDirectoryFindsGraphsOfEachFormat() throws IOException {
    Files.createDirectories(tmp.resolve("onnx"));
    Files.createDirectories(tmp.resolve("torchscript"));
    Files.writeString(tmp.resolve("onnx/model.onnx"), "x");
    Files.writeString(tmp.resolve("torchscript/model.pt"), "x");
    Files.writeString(tmp.resolve("vision_model_fp16.pt"), "x");
    ModelDirectory dir = ModelDirectory.of(tmp);
    assertThat(dir.onnx("model", "")).contains(tmp.resolve("onnx/model.onnx"));
    assertThat(dir.graph("model", "", ModelDirectory.Format.TORCHSCRIPT)).contains(tmp.resolve("torchscript/model.pt"));
    assertThat(dir.graph("vision_model", "fp16", ModelDirectory.Format.TORCHSCRIPT))
        .contains(tmp.resolve("vision_model_fp16.pt"));
    assertThat(dir.graph("text_model", "", ModelDirectory.Format.ONNX)).isEmpty();
    assertThat(ModelDirectory.select(List.of("config.json", "onnx/model.onnx", "torchscript/model.pt",
        "tokenizer.json"), List.of("model"), "", false, ModelDirectory.Format.TORCHSCRIPT))
        .containsExactly("config.json", "torchscript/model.pt");
    assertThat(ModelDirectory.modelId(null, null, dir)).isEqualTo(tmp.getFileName().toString());
    assertThatThrownBy(() -> ModelDirectory.of(tmp.resolve("missing"))).isInstanceOf(ModelException.class)
        .hasMessageContaining("does not exist");
    assertThatThrownBy(() -> ModelDirectory.resolve(null, null, null, null, List.of("model"), "", false,
        ModelDirectory.Format.ONNX)).isInstanceOf(InvalidInputException.class);
  }
}
