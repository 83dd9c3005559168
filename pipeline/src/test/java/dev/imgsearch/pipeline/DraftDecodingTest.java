package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageIndex.Builder#draftDecoding(boolean)}: off by default; on, a large JPEG is decoded at a reduced size
 * before the recipe (image queries too), giving vectors close to, but not the same as, the exact ones.
 */
class DraftDecodingTest {
  @TempDir
  Path dir;

  @Test
  void draftDecodingIsOptInAndGivesVectorsCloseToTheExactOnes() {
    Path photo = TestFiles.write(dir.resolve("photos/big.jpg"), noisyQuadrants(1600, 1200));
    ColorEmbedder embedder = new ColorEmbedder();
    try (InMemoryVectorStore store = new InMemoryVectorStore()) {
      IndexSettings exact = IndexSettings.of(ImageIndex.builder().embedder(embedder).store(store).collection("a"));
      IndexSettings draft = IndexSettings.of(ImageIndex.builder().embedder(embedder).store(store).collection("b")
          .draftDecoding(true));
      assertThat(exact.preprocessor().draft()).isFalse();
      assertThat(draft.preprocessor().draft()).isTrue();
      float[] e = embedder.embedPixels(List.of(exact.preprocessor().apply(ImageInput.of(photo)))).get(0);
      float[] d = embedder.embedPixels(List.of(draft.preprocessor().apply(ImageInput.of(photo)))).get(0);
      assertThat(d).isNotEqualTo(e);
      assertThat(dot(e, d)).isGreaterThan(0.999);

      try (ImageIndex index = ImageIndex.builder().embedder(embedder).store(store).collection("photos")
          .draftDecoding(true).build()) {
        assertThat(index.index(IndexSource.directory(dir.resolve("photos")).build()).indexed()).isEqualTo(1);
        List<ImageHit> hits = index.search(Query.image(photo).topK(1).build());
        assertThat(hits).singleElement().satisfies(h -> {
          assertThat(h.path()).endsWith("big.jpg");
          assertThat(h.score()).isGreaterThan(0.99999f); // the query is preprocessed as the index was
        });
      }
    }
  }

  private static BufferedImage noisyQuadrants(int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(7);
    int[] colours = {0xD03020, 0x20A040, 0x3050C0, 0xE0C030};
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int c = colours[(y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1)];
        int n = random.nextInt(61) - 30;
        int r = clamp((c >> 16 & 255) + n);
        int g = clamp((c >> 8 & 255) + n);
        int b = clamp((c & 255) + n);
        img.setRGB(x, y, r << 16 | g << 8 | b);
      }
    }
    return img;
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
