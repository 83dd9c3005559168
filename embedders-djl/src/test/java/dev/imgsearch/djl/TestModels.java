package dev.imgsearch.djl;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.core.testing.SourceTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/**
 * The committed tiny models (src/test/python/regenerate.sh: TorchScript and ONNX exports of the same weights) and
 * reference embeddings. A model directory is assembled under target/ from those graphs and embedders-onnx's
 * committed tokenizer.json (shared, not copied into this module).
 */
final class TestModels {
  static final String[] FAMILIES = {"clip", "chinese-clip", "resnet50", "vgg16"};

  private TestModels() {}

  static Path resources() {
    try {
      return Path.of(TestModels.class.getResource("/models").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The model directory of a family: torchscript/, onnx/, configs and tokenizer.json. */
  static synchronized Path model(String family) {
    Path dir = Path.of("target", "test-models", family).toAbsolutePath();
    try {
      if (!Files.isDirectory(dir)) {
        Path tmp = Files.createTempDirectory(Files.createDirectories(dir.getParent()), family);
        Path source = resources().resolve("models").resolve(family);
        try (Stream<Path> files = Files.walk(source)) {
          for (Path f : (Iterable<Path>) files::iterator) {
            Path target = tmp.resolve(source.relativize(f).toString());
            if (Files.isDirectory(f)) {
              Files.createDirectories(target);
            } else {
              Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
            }
          }
        }
        Path tokenizer = onnxModel(family).resolve("tokenizer.json");
        if (Files.exists(tokenizer)) {
          Files.copy(tokenizer, tmp.resolve("tokenizer.json"));
        }
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** embedders-onnx's committed model directory of a family (for its tokenizer.json). */
  static Path onnxModel(String family) {
    return repoRoot().resolve("embedders-onnx/src/test/resources/models").resolve(family);
  }

  static Path testImages() {
    return repoRoot().resolve("image/src/test/resources/images");
  }

  static Path repoRoot() {
    return SourceTree.root(resources());
  }

  static JsonObject reference() {
    try {
      return JsonParser.parseString(Files.readString(resources().resolve("reference/embeddings.json"),
          StandardCharsets.UTF_8)).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static DjlContrastiveEmbedder clip(DjlEngine engine) {
    return DjlEmbedders.clip().modelDirectory(model("clip")).engine(engine).maxPredictors(4).build();
  }

  static DjlContrastiveEmbedder chineseClip(DjlEngine engine) {
    return DjlEmbedders.chineseClip().modelDirectory(model("chinese-clip")).engine(engine).maxPredictors(4)
        .build();
  }

  static DjlFeatureEmbedder resnet50(DjlEngine engine) {
    return DjlEmbedders.resnet50().modelDirectory(model("resnet50")).engine(engine).maxPredictors(4).build();
  }

  static DjlFeatureEmbedder vgg16(DjlEngine engine) {
    return DjlEmbedders.vgg16().modelDirectory(model("vgg16")).engine(engine).maxPredictors(4).build();
  }

  /** Deterministic pseudo-images: smooth patterns in roughly the range the recipes produce. */
  static float[] pixels(int size, int seed) {
    float[] p = new float[size];
    java.util.Random r = new java.util.Random(seed);
    double fx = 0.001 + r.nextDouble() * 0.05;
    double phase = r.nextDouble() * 6;
    for (int i = 0; i < size; i++) {
      p[i] = (float) (Math.sin(i * fx + phase) + 0.3 * r.nextGaussian());
    }
    return p;
  }
}
