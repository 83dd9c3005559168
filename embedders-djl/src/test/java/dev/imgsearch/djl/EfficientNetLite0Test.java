package dev.imgsearch.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.core.testing.TestVectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * EfficientNet-Lite0 with its real ImageNet weights through DJL (ONNX Runtime engine): the converted directory
 * that test.sh's set-up writes into {@code .cache/models} (system property {@code quality.cache}) gives the Python
 * reference's embeddings of scikit-image's sample photos ({@code reference.py embed}). Skipped when the set-up has
 * not run, failed instead with {@code -Dquality.required=true} (test.sh).
 */
class EfficientNetLite0Test {

  @Test
  void djlOnnxRuntimeGivesThePythonReferenceEmbeddings() throws IOException {
    Path cache = Path.of(System.getProperty("quality.cache", "../.cache"));
    Path model = cache.resolve("models/efficientnet-lite0");
    Path samples = cache.resolve("datasets/efficientnet-lite0/samples");
    Path reference = cache.resolve("reference/efficientnet-lite0/embeddings.json");
    if (!Files.isRegularFile(model.resolve("onnx/model.onnx")) || !Files.isDirectory(samples)
        || !Files.isRegularFile(reference)) {
      String message = "no converted EfficientNet-Lite0, sample photos or reference under " + cache + ": run ./test.sh";
      if (Boolean.getBoolean("quality.required")) {
        fail(message);
      }
      Assumptions.abort(message);
    }
    Map<String, float[]> want = new TreeMap<>();
    JsonObject ref = JsonParser.parseString(Files.readString(reference, StandardCharsets.UTF_8)).getAsJsonObject();
    for (JsonElement e : ref.getAsJsonArray("images")) {
      JsonObject image = e.getAsJsonObject();
      want.put(image.get("sha256").getAsString(), TestVectors.littleEndianFloats(image.get("embedding").getAsString()));
    }
    List<Path> photos;
    try (Stream<Path> s = Files.list(samples)) {
      photos = s.sorted().toList();
    }
    assertThat(photos).hasSizeGreaterThanOrEqualTo(5);
    try (DjlFeatureEmbedder embedder = DjlEmbedders.efficientNetLite0().modelDirectory(model)
        .engine(DjlEngine.ONNX_RUNTIME).build()) {
      assertThat(embedder.dimension()).isEqualTo(1280);
      assertThat(embedder.metric()).isEqualTo(MetricType.COSINE);
      List<float[]> got = embedder.embedImages(photos.stream().map(ImageInput::of).toList());
      for (int i = 0; i < photos.size(); i++) {
        float[] expected = want.get(sha256(photos.get(i)));
        assertThat(expected).as("reference embedding of %s", photos.get(i)).isNotNull();
        assertThat(TestVectors.cosine(got.get(i), expected)).as("%s", photos.get(i).getFileName())
            .isGreaterThanOrEqualTo(photos.get(i).toString().endsWith(".jpg") ? 0.999 : 0.9999);
      }
    }
  }

  private static String sha256(Path file) throws IOException {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
