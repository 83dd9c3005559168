package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.VectorStore;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.awt.Color;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vectors are checked once, by the store: the pipeline hands the model's vectors on as they are, and maps the
 * store's refusal of a row to the image it belongs to, whether the store names the row, names none, or names the
 * wrong one.
 */
class RefusedRowsTest {
  private static final int IMAGES = 12;
  /** The images whose vectors the model gets wrong: a NaN, and one value too few. */
  private static final List<String> BAD = List.of("img-03.png", "img-08.png");

  @TempDir Path dir;
  private final List<Integer> upsertSizes = new CopyOnWriteArrayList<>();
  private final List<Integer> dimensionsSeen = new CopyOnWriteArrayList<>();

  /** The in-memory store, recording what it is given and passing its refusals through {@code message}. */
  private VectorStore store(InMemoryVectorStore real, UnaryOperator<String> message) {
    return (VectorStore) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {VectorStore.class},
        (proxy, method, args) -> {
          if (method.getName().equals("upsert") && "refused".equals(args[0])) {
            @SuppressWarnings("unchecked")
            List<Row> rows = (List<Row>) args[1];
            upsertSizes.add(rows.size());
            rows.forEach(r -> dimensionsSeen.add(r.vector(IndexFields.VECTOR).length));
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            if (e.getCause() instanceof InvalidInputException refused) {
              throw new InvalidInputException(message.apply(refused.getMessage()));
            }
            throw e.getCause();
          }
        });
  }

  private IndexReport indexWith(UnaryOperator<String> message) {
    for (int i = 0; i < IMAGES; i++) {
      TestFiles.quadrants(dir.resolve(String.format("img-%02d.png", i)), new Color(i * 20, 30, 250 - i * 20),
          Color.WHITE, new Color(0, i * 20, 0), Color.BLACK);
    }
    ColorEmbedder embedder = new ColorEmbedder();
    float[] nanImage = embedder.embedImage(dev.imgsearch.core.embed.ImageInput.of(dir.resolve(BAD.get(0))));
    float[] shortImage = embedder.embedImage(dev.imgsearch.core.embed.ImageInput.of(dir.resolve(BAD.get(1))));
    embedder.changeImageVectors(v -> {
      if (Arrays.equals(v, nanImage)) {
        float[] nan = v.clone();
        nan[0] = Float.NaN;
        return nan;
      }
      return Arrays.equals(v, shortImage) ? Arrays.copyOf(v, 11) : v;
    });
    try (InMemoryVectorStore real = new InMemoryVectorStore();
        ImageIndex index = ImageIndex.builder().embedder(embedder).store(store(real, message)).collection("refused")
            .vectorIndex(IndexSpec.flat()).batchSize(IMAGES).upsertBatchSize(IMAGES).parallelism(1).build()) {
      IndexReport r = index.index(IndexSource.directory(dir).build());
      assertThat(index.count()).as("every good image is written").isEqualTo(IMAGES - 2);
      assertThat(real.get("refused", BAD, List.of("*"))).isEmpty();
      assertThat(embedder.embedded()).as("each image is embedded once, retries or not").isEqualTo(IMAGES + 2);
      return r;
    }
  }

  private void assertReported(IndexReport r) {
    assertThat(r.indexed()).isEqualTo(IMAGES - 2);
    assertThat(r.failures()).extracting(f -> Path.of(f.item()).getFileName().toString())
        .containsExactlyInAnyOrderElementsOf(BAD);
    assertThat(r.failures()).extracting(IndexFailure::cause).containsOnly(IndexFailure.Cause.INVALID_VECTOR);
    assertThat(r.failures()).filteredOn(f -> f.item().endsWith(BAD.get(0))).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("NaN"));
    assertThat(r.failures()).filteredOn(f -> f.item().endsWith(BAD.get(1))).singleElement()
        .satisfies(f -> assertThat(f.message()).contains("dimension 12").contains("11 values"));
    // Nothing was refused before the store saw it: both bad vectors reached the store as the model made them.
    assertThat(dimensionsSeen).contains(11);
  }

  @Test
  void aStoreThatNamesTheRowCostsOneRetryPerBadRow() {
    IndexReport r = indexWith(m -> m);
    assertReported(r);
    // One batch of 12 refused for the first bad row, its row written alone, the 11 others refused for the
    // second, its row alone, then the 10 good ones.
    assertThat(upsertSizes).containsExactly(IMAGES, 1, IMAGES - 1, 1, IMAGES - 2);
  }

  @Test
  void aStoreThatNamesNoRowIsAnsweredRowByRow() {
    IndexReport r = indexWith(m -> m.replaceFirst("^Row \\d+ of the batch for collection '[^']*' ", ""));
    assertReported(r);
    assertThat(upsertSizes).first().isEqualTo(IMAGES);
    assertThat(upsertSizes.subList(1, upsertSizes.size())).hasSize(IMAGES).containsOnly(1);
  }

  @Test
  void aStoreThatNamesTheWrongRowCannotMakeAGoodImageFail() {
    IndexReport r = indexWith(m -> m.replaceFirst("^Row \\d+ ", "Row 0 "));
    assertReported(r);
  }
}
