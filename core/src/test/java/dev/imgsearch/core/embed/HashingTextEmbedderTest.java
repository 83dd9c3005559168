package dev.imgsearch.core.embed;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.testing.TestVectors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Runs {@link EmbedderContract} on the test embedder, and checks that it behaves like a text embedding. */
class HashingTextEmbedderTest extends EmbedderContract<HashingTextEmbedder, String> {

  @Override
  protected HashingTextEmbedder createEmbedder() {
    return new HashingTextEmbedder();
  }

  @Override
  protected List<String> sampleInputs() {
    return List.of("a photo of a cat", "a photo of a dog", "Ein rotes Auto", "", "一只猫");
  }

  @Override
  protected List<float[]> embedBatch(HashingTextEmbedder e, List<String> inputs) {
    return e.embedTexts(inputs);
  }

  @Override
  protected float[] embedOne(HashingTextEmbedder e, String input) {
    return e.embedText(input);
  }

  @Test
  void similarTextsAreCloserThanUnrelatedOnes() {
    float[] cat = embedder.embedText("a photo of a cat");
    float[] cats = embedder.embedText("a photo of two cats");
    float[] car = embedder.embedText("Ein rotes Auto");
    assertThat(TestVectors.cosine(cat, cats)).isGreaterThan(TestVectors.cosine(cat, car));
  }
}
