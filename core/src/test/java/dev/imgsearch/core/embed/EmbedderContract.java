package dev.imgsearch.core.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.testing.TestVectors;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link Embedder} of the SDK passes: extend it in the embedder's test class, make the embedder
 * and say how to call it on sample inputs.
 *
 * <pre>{@code
 * class ClipTextTest extends EmbedderContract<OnnxContrastiveEmbedder, String> {
 *   protected OnnxContrastiveEmbedder createEmbedder() { return OnnxEmbedders.clip().modelDirectory(dir).build(); }
 *   protected List<String> sampleInputs() { return List.of("a cat", "a dog", "a red car"); }
 *   protected List<float[]> embedBatch(OnnxContrastiveEmbedder e, List<String> in) { return e.embedTexts(in); }
 *   protected float[] embedOne(OnnxContrastiveEmbedder e, String in) { return e.embedText(in); }
 * }
 * }</pre>
 *
 * <p>It checks the dimension, finite values, unit norm (±1e-4) when the embedder says it normalises, that a batch
 * gives the same vectors as single calls (cosine ≥ 0.9999), that results are deterministic within and across
 * instances, that distinct inputs give distinct vectors, concurrent use from several threads, use after close
 * ({@link ClosedException}) and that an empty batch gives an empty list.
 *
 * @param <E> the embedder type
 * @param <I> the input type ({@code String} for text, {@code ImageInput} or preprocessed pixels for images)
 */
public abstract class EmbedderContract<E extends Embedder, I> {
  /** The least cosine similarity between two embeddings of the same input. */
  protected static final double SAME_INPUT_COSINE = 0.9999;
  /** The allowed deviation of a vector's L2 norm from 1 for a normalising embedder. */
  protected static final double NORM_TOLERANCE = 1e-4;

  /** The embedder under test, made before each test and closed after it. */
  protected E embedder;

  /** A new embedder; called once per test, and again where a test needs a second instance. */
  protected abstract E createEmbedder();

  /** At least three inputs that differ in content. */
  protected abstract List<I> sampleInputs();

  /** Embeds inputs in one batch call (e.g. {@code embedTexts}). */
  protected abstract List<float[]> embedBatch(E embedder, List<I> inputs);

  /** Embeds one input with the single-input call (e.g. {@code embedText}). */
  protected abstract float[] embedOne(E embedder, I input);

  /** Threads used by the concurrency test. */
  protected int threads() {
    return 4;
  }

  @BeforeEach
  void createTheEmbedder() {
    embedder = createEmbedder();
  }

  @AfterEach
  void closeTheEmbedder() {
    embedder.close();
  }

  private List<I> inputs() {
    List<I> inputs = sampleInputs();
    assertThat(inputs).as("sampleInputs() must give at least three inputs").hasSizeGreaterThanOrEqualTo(3);
    return inputs;
  }

  static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  private static void assertSameVectors(List<float[]> actual, List<float[]> expected, String what) {
    assertThat(actual).as(what).hasSameSizeAs(expected);
    for (int i = 0; i < expected.size(); i++) {
      assertThat(actual.get(i)).as("%s: input %d", what, i).hasSameSizeAs(expected.get(i));
      assertThat(TestVectors.cosine(actual.get(i), expected.get(i))).as("%s: cosine of input %d", what, i)
          .isGreaterThanOrEqualTo(SAME_INPUT_COSINE);
    }
  }

  @Test
  void describesItself() {
    assertThat(embedder.modelId()).isNotBlank();
    assertThat(embedder.dimension()).isPositive();
    assertThat(embedder.metric()).isNotNull();
  }

  @Test
  void vectorsHaveTheDeclaredDimensionAndFiniteValues() {
    List<float[]> vectors = embedBatch(embedder, inputs());
    assertThat(vectors).hasSize(inputs().size());
    for (float[] v : vectors) {
      assertThat(v).hasSize(embedder.dimension());
      for (float x : v) {
        assertThat(Float.isFinite(x)).as("every value is finite").isTrue();
      }
      assertThat(norm(v)).as("a vector is not all zeros").isPositive();
    }
  }

  @Test
  void vectorsHaveUnitNormWhenTheEmbedderNormalises() {
    List<float[]> vectors = new ArrayList<>(embedBatch(embedder, inputs()));
    vectors.add(embedOne(embedder, inputs().get(0)));
    for (float[] v : vectors) {
      if (embedder.normalized()) {
        assertThat(norm(v)).isCloseTo(1.0, within(NORM_TOLERANCE));
      } else {
        assertThat(norm(v)).isPositive();
      }
    }
  }

  @Test
  void aBatchGivesTheSameVectorsAsSingleCalls() {
    List<I> inputs = inputs();
    List<float[]> batch = embedBatch(embedder, inputs);
    List<float[]> single = inputs.stream().map(i -> embedOne(embedder, i)).toList();
    assertSameVectors(batch, single, "batch vs single");
  }

  @Test
  void batchOrderIsPreserved() {
    List<I> inputs = inputs();
    List<float[]> forward = embedBatch(embedder, inputs);
    List<I> reversedInputs = new ArrayList<>(inputs);
    Collections.reverse(reversedInputs);
    List<float[]> backward = new ArrayList<>(embedBatch(embedder, reversedInputs));
    Collections.reverse(backward);
    assertSameVectors(backward, forward, "reversed batch");
  }

  @Test
  void isDeterministicWithinAndAcrossInstances() {
    List<I> inputs = inputs();
    List<float[]> first = embedBatch(embedder, inputs);
    assertSameVectors(embedBatch(embedder, inputs), first, "second call");
    E other = createEmbedder();
    try {
      assertThat(other.dimension()).isEqualTo(embedder.dimension());
      assertThat(other.modelId()).isEqualTo(embedder.modelId());
      assertSameVectors(embedBatch(other, inputs), first, "second instance");
    } finally {
      other.close();
    }
  }

  @Test
  void distinctInputsGiveDistinctVectors() {
    List<float[]> vectors = embedBatch(embedder, inputs());
    for (int i = 0; i < vectors.size(); i++) {
      for (int j = i + 1; j < vectors.size(); j++) {
        assertThat(TestVectors.cosine(vectors.get(i), vectors.get(j))).as("cosine of inputs %d and %d", i, j)
            .isLessThan(SAME_INPUT_COSINE);
      }
    }
  }

  @Test
  void concurrentUseGivesTheSameVectors() throws Exception {
    List<I> inputs = inputs();
    List<float[]> expected = embedBatch(embedder, inputs);
    int n = threads();
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<float[]>>> futures = new ArrayList<>();
      for (int t = 0; t < n; t++) {
        boolean batch = t % 2 == 0;
        futures.add(pool.submit(() -> {
          start.await();
          List<float[]> last = null;
          for (int round = 0; round < 3; round++) {
            last = batch ? embedBatch(embedder, inputs) : inputs.stream().map(i -> embedOne(embedder, i)).toList();
          }
          return last;
        }));
      }
      start.countDown();
      for (Future<List<float[]>> f : futures) {
        assertSameVectors(f.get(5, TimeUnit.MINUTES), expected, "concurrent call");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anEmptyBatchGivesAnEmptyList() {
    assertThat(embedBatch(embedder, List.of())).isEmpty();
  }

  @Test
  void useAfterCloseRaisesClosedException() {
    E own = createEmbedder();
    I input = inputs().get(0);
    own.close();
    own.close(); // closing twice does nothing
    assertThatThrownBy(() -> embedBatch(own, List.of(input))).isInstanceOf(ClosedException.class);
    assertThatThrownBy(() -> embedOne(own, input)).isInstanceOf(ClosedException.class);
    // Other instances are unaffected.
    assertThat(embedOne(embedder, input)).hasSize(embedder.dimension());
  }
}
