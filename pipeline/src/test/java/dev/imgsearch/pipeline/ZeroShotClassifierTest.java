package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.MetricType;
import java.awt.Color;
import java.util.List;
import org.junit.jupiter.api.Test;

class ZeroShotClassifierTest {
  private final ColorEmbedder embedder = new ColorEmbedder();

  @Test
  void isASoftmaxOfScaledCosineSimilaritiesInLabelOrder() {
    ImageInput image = ImageInput.of(ColorEmbedder.solid(new Color(200, 60, 40), 20, 20));
    List<String> labels = List.of("red", "green", "blue", "yellow");
    ZeroShotClassifier classifier = ZeroShotClassifier.of(embedder, labels, "a photo of a {} thing");
    assertThat(classifier.labels()).isEqualTo(labels);
    List<LabelProbability> p = classifier.classify(image);

    float[] v = embedder.embedImage(image);
    double[] logits = new double[4];
    double sum = 0;
    for (int i = 0; i < 4; i++) {
      logits[i] = 100 * MetricType.COSINE.score(v, embedder.embedText("a photo of a " + labels.get(i) + " thing"));
    }
    double max = java.util.Arrays.stream(logits).max().orElseThrow();
    for (int i = 0; i < 4; i++) {
      sum += Math.exp(logits[i] - max);
    }
    for (int i = 0; i < 4; i++) {
      assertThat(p.get(i).label()).isEqualTo(labels.get(i));
      assertThat(p.get(i).probability()).isCloseTo(Math.exp(logits[i] - max) / sum, within(1e-9));
    }
    assertThat(p.get(0).probability()).isGreaterThan(0.5);
  }

  @Test
  void classifiesWithChineseLabelsAndAStoredVector() {
    float[] green = embedder.embedImage(ImageInput.of(ColorEmbedder.solid(Color.GREEN, 8, 8)));
    List<LabelProbability> p = ZeroShotClassifier.of(embedder, List.of("红色", "绿色", "蓝色"), "{}").classify(green);
    assertThat(p.get(1).probability()).isGreaterThan(0.99);
    assertThat(p.stream().mapToDouble(LabelProbability::probability).sum()).isCloseTo(1, within(1e-12));
  }

  @Test
  void refusesNoLabelsATemplateWithoutPlaceholderAndAVectorOfAnotherModel() {
    assertThatThrownBy(() -> ZeroShotClassifier.of(embedder, List.of(), "{}"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("at least one label");
    assertThatThrownBy(() -> ZeroShotClassifier.of(embedder, List.of("red"), "a photo"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("{}");
    assertThatThrownBy(() -> ZeroShotClassifier.of(embedder, List.of("red"), "{}").classify(new float[5]))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("5 values");
  }
}
