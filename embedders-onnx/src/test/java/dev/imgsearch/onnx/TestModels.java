package dev.imgsearch.onnx;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.core.testing.SourceTree;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The committed tiny models and reference outputs (made by src/test/python/regenerate.sh). */
final class TestModels {
  private TestModels() {}

  static Path resources() {
    try {
      return Path.of(TestModels.class.getResource("/models").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path model(String family) {
    return resources().resolve("models").resolve(family);
  }

  /** the image module's committed test images (image/src/test/resources/images), from the source tree. */
  static Path testImages() {
    return repoRoot().resolve("image/src/test/resources/images");
  }

  static Path coreResources() {
    return repoRoot().resolve("image/src/test/resources");
  }

  static Path repoRoot() {
    return SourceTree.root(resources());
  }

  static JsonObject json(String relative) {
    try {
      return JsonParser.parseString(Files.readString(resources().resolve(relative), StandardCharsets.UTF_8))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static OnnxContrastiveEmbedder clip() {
    return OnnxEmbedders.clip().modelDirectory(model("clip")).build();
  }

  static OnnxContrastiveEmbedder chineseClip() {
    return OnnxEmbedders.chineseClip().modelDirectory(model("chinese-clip")).build();
  }

  static OnnxFeatureEmbedder resnet50() {
    return OnnxEmbedders.resnet50().modelDirectory(model("resnet50")).build();
  }

  static OnnxFeatureEmbedder vgg16() {
    return OnnxEmbedders.vgg16().modelDirectory(model("vgg16")).build();
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
