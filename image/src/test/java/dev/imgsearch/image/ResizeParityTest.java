package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.Gson;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pillow's {@code Image.resize} alone, byte for byte: upscaling, downscaling, one axis only, extreme ratios, every
 * filter, and the modes with special handling (RGBA and LA premultiplied, P forced to NEAREST, L single-channel).
 * The references are made by image/src/test/python/make_preprocess_reference.py.
 */
class ResizeParityTest {
  private static final JsonObject MANIFEST = load();

  private static JsonObject load() {
    try {
      return new Gson().fromJson(Files.readString(TestImages.resource("/preprocess-reference/manifest.json")),
          JsonObject.class);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Stream<String> cases() {
    List<String> names = new ArrayList<>();
    for (JsonElement e : MANIFEST.getAsJsonArray("resize")) {
      names.add(e.getAsJsonObject().get("pixels").getAsString());
    }
    return names.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void resizeIsBitExact(String file) throws IOException {
    JsonObject c = null;
    for (JsonElement e : MANIFEST.getAsJsonArray("resize")) {
      if (e.getAsJsonObject().get("pixels").getAsString().equals(file)) {
        c = e.getAsJsonObject();
      }
    }
    assertThat(c).isNotNull();
    PillowImage source =
        PillowImage.of(ImageDecoder.standard().decode(ImageInput.of(TestImages.path(c.get("image").getAsString()))));
    assertThat(source.mode.name()).isEqualTo(c.get("mode").getAsString());
    PillowImage actual = source.resize(c.get("width").getAsInt(), c.get("height").getAsInt(),
        Resampling.valueOf(c.get("filter").getAsString()));
    PillowImage expected =
        PillowImage.of(ImageIO.read(TestImages.resource("/preprocess-reference/" + file).toFile()));
    assertThat(actual.width).isEqualTo(expected.width);
    assertThat(actual.height).isEqualTo(expected.height);
    assertThat(actual.mode.bands).isEqualTo(expected.mode.bands);
    int differing = 0;
    int maxDiff = 0;
    for (int i = 0; i < actual.data.length; i++) {
      int d = Math.abs((actual.data[i] & 0xFF) - (expected.data[i] & 0xFF));
      differing += d == 0 ? 0 : 1;
      maxDiff = Math.max(maxDiff, d);
    }
    assertThat(differing).as("bytes differing from Pillow (max difference %d)", maxDiff).isZero();
  }
}
