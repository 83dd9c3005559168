package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageInput;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PillowImageTest {

  @ParameterizedTest
  @ValueSource(strings = {"small_50x37.png", "rgba_320x240.png", "gray_257x193.png", "palette_200x150.png",
      "gray_alpha_160x120.png", "cmyk_240x180.jpg"})
  void resizeAndCropEqualsResizeThenCrop(String name) {
    PillowImage image = PillowImage.of(ImageDecoder.standard().decode(ImageInput.of(TestImages.path(name))));
    Random random = new Random(name.hashCode());
    for (Resampling filter : Resampling.values()) {
      for (int i = 0; i < 6; i++) {
        int w = 1 + random.nextInt(2 * image.width);
        int h = 1 + random.nextInt(2 * image.height);
        if (i == 0) {
          w = image.width; // one axis unchanged
        }
        int cw = 1 + random.nextInt(w);
        int ch = 1 + random.nextInt(h);
        int left = random.nextInt(w - cw + 1);
        int top = random.nextInt(h - ch + 1);
        PillowImage expected = image.resize(w, h, filter).crop(left, top, cw, ch);
        PillowImage actual = image.resizeAndCrop(w, h, filter, left, top, cw, ch);
        assertThat(actual.data).as("%s %dx%d crop %dx%d+%d+%d", filter, w, h, cw, ch, left, top)
            .isEqualTo(expected.data);
        assertThat(actual.mode).isEqualTo(image.mode);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 127, 128, 254, 255})
  void premultiplyAndBackMatchPillowsIntegerArithmetic(int alpha) {
    // MULDIV255 is (a * b + 127) / 255 rounded; un-premultiplying divides by alpha and clips
    for (int v = 0; v < 256; v++) {
      int pre = PillowImage.mulDiv255(v, alpha);
      assertThat(pre).isEqualTo((int) Math.round(v * alpha / 255.0 - 1e-9)).isBetween(0, 255);
    }
  }
}
