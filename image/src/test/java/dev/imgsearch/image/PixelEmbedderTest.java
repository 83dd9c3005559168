package dev.imgsearch.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidImageException;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.image.Resampling;
import dev.imgsearch.core.store.MetricType;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** {@link PixelEmbedder#embedImages} through an {@link ImagePreprocessor}: in parallel, in order, first failure. */
class PixelEmbedderTest {

  /** Embeds a preprocessed image as the mean of each channel, and records the batches it is given. */
  static final class ChannelMeans implements PixelEmbedder {
    final ImageRecipe recipe = ImageRecipe.builder().resizeTo(8, 8, Resampling.BILINEAR).build("test-8");
    final ImagePreprocessor preprocessor = ImagePreprocessor.of(recipe);
    final List<Integer> batchSizes = new ArrayList<>();

    @Override
    public ImageRecipe recipe() {
      return recipe;
    }

    @Override
    public ImagePreprocessor preprocessor() {
      return preprocessor;
    }

    @Override
    public synchronized List<float[]> embedPixels(List<float[]> pixels) {
      batchSizes.add(pixels.size());
      List<float[]> out = new ArrayList<>();
      int plane = recipe.width() * recipe.height();
      for (float[] p : pixels) {
        float[] v = new float[3];
        for (int c = 0; c < 3; c++) {
          for (int i = 0; i < plane; i++) {
            v[c] += p[c * plane + i] / plane;
          }
        }
        out.add(v);
      }
      return out;
    }

    @Override
    public String modelId() {
      return "channel-means";
    }

    @Override
    public int dimension() {
      return 3;
    }

    @Override
    public boolean normalized() {
      return false;
    }

    @Override
    public MetricType metric() {
      return MetricType.L2;
    }

    @Override
    public void close() {}
  }

  private static BufferedImage solid(int rgb, int w, int h) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    return image;
  }

  @Test
  void aBatchIsOneEmbedPixelsCallInInputOrder() {
    ChannelMeans embedder = new ChannelMeans();
    List<ImageInput> inputs = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      inputs.add(ImageInput.of(solid((i * 6) << 16 | (255 - i) << 8 | 7, 20 + i, 30 + 2 * i)));
    }
    List<float[]> vectors = embedder.embedImages(inputs);
    assertThat(embedder.batchSizes).containsExactly(40);
    assertThat(vectors).hasSize(40);
    for (int i = 0; i < 40; i++) {
      float[] expected = embedder.embedPixels(List.of(embedder.recipe().apply(
          ImageDecoder.standard().decode(inputs.get(i))))).get(0);
      assertThat(vectors.get(i)).as("image %d", i).containsExactly(expected);
      assertThat(vectors.get(i)[0]).isEqualTo(i * 6 / 255f, org.assertj.core.data.Offset.offset(1e-6f));
    }
  }

  @Test
  void theFirstBadImageOfTheBatchIsReported() {
    ChannelMeans embedder = new ChannelMeans();
    List<ImageInput> inputs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      inputs.add(i == 5 || i == 9 ? ImageInput.of(("not an image " + i).getBytes(StandardCharsets.UTF_8))
          : ImageInput.of(solid(0x808080, 16, 16)));
    }
    Set<String> seen = ConcurrentHashMap.newKeySet();
    assertThatThrownBy(() -> embedder.embedImages(inputs))
        .isInstanceOfSatisfying(InvalidImageException.class, e -> {
          seen.add(e.source());
          assertThat(e.reason()).isEqualTo(InvalidImageException.Reason.UNSUPPORTED_FORMAT);
        });
    assertThat(seen).containsExactly(inputs.get(5).description());
    assertThat(embedder.batchSizes).isEmpty();
  }

  @Test
  void oneImageAndNoImages() {
    ChannelMeans embedder = new ChannelMeans();
    assertThat(embedder.embedImage(ImageInput.of(solid(0xFF0000, 9, 9)))).containsExactly(1f, 0f, 0f);
    assertThat(embedder.embedImages(List.of())).isEmpty();
  }
}
