package dev.imgsearch.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonObject;
import dev.imgsearch.image.PixelEmbedder;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.image.Resampling;
import dev.imgsearch.pipeline.LabelProbability;
import dev.imgsearch.pipeline.ZeroShotClassifier;
import dev.imgsearch.core.testing.TestVectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Java embeddings equal the Python reference pipeline's (core's Pillow + numpy reference preprocessing, then
 * onnxruntime-python on the same ONNX file; src/test/python/reference_embeddings.py) on core's committed test
 * images: cosine ≥ 0.9999 for PNG and the other lossless formats and ≥ 0.999 for JPEG, per family (lossy WebP,
 * outside the targets, is reported and held to ≥ 0.99). The minimum cosine
 * per family and format goes to target/parity-report.txt. Each family also shows that the threshold is
 * discriminating: a plausible preprocessing mistake (wrong resize filter, crop or no crop) falls below it.
 */
class ParityTest {
  private static final JsonObject REFERENCE = TestModels.json("reference/embeddings.json");
  private static final Map<String, Double> REPORT = new TreeMap<>();
  private static final Map<String, Double> WRONG = new TreeMap<>();

  @Test
  void clip() {
    checkImages("clip", TestModels::clip,
        ImageRecipe.chineseClip(224)); // the mistake: no centre crop
    try (OnnxContrastiveEmbedder clip = TestModels.clip()) {
      checkTexts("clip", clip);
      checkZeroShot("clip", clip, 100f);
    }
  }

  @Test
  void chineseClip() {
    checkImages("chinese-clip", TestModels::chineseClip,
        ImageRecipe.openAiClip(224)); // the mistake: crop instead of a straight resize
    try (OnnxContrastiveEmbedder cn = TestModels.chineseClip()) {
      checkTexts("chinese-clip", cn);
      checkZeroShot("chinese-clip", cn, (float) Math.exp(4.0));
    }
  }

  @Test
  void resnet50() {
    checkImages("resnet50", TestModels::resnet50, ImageRecipe.builder().convertToRgbFirst()
        .resizeShortestSide(224, Resampling.BILINEAR).centerCrop(224, 224)
        .normalize(255.0, new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225})
        .build("resnet-resize-224")); // the mistake: Resize(224) instead of Resize(256) before the 224 crop
  }

  @Test
  void vgg16() {
    checkImages("vgg16", TestModels::vgg16, ImageRecipe.builder().convertToRgbFirst()
        .resizeTo(224, 224, Resampling.BILINEAR).normalize(1.0, new double[] {103.939, 116.779, 123.68},
            new double[] {1, 1, 1}).channelOrder(ImageRecipe.ChannelOrder.BGR)
        .build("vgg-bilinear")); // the mistake: bilinear instead of nearest
  }

  private static void checkImages(String family, Supplier<? extends PixelEmbedder> factory, ImageRecipe wrong) {
    JsonObject images = REFERENCE.getAsJsonObject("families").getAsJsonObject(family).getAsJsonObject("images");
    assertThat(images.size()).isGreaterThanOrEqualTo(10);
    List<String> failures = new ArrayList<>();
    double worstWrong = 1;
    try (PixelEmbedder embedder = factory.get()) {
      assertThat(embedder.recipe().id()).isEqualTo(REFERENCE.getAsJsonObject("families").getAsJsonObject(family)
          .get("recipe").getAsString());
      for (String name : images.keySet()) {
        float[] expected = TestVectors.littleEndianFloats(images.get(name).getAsString());
        float[] actual = embedder.embedImage(ImageInput.of(TestModels.testImages().resolve(name)));
        assertThat(actual).hasSize(embedder.dimension()).hasSameSizeAs(expected);
        double cos = TestVectors.cosine(actual, expected);
        String format = format(name);
        REPORT.merge(family + " " + format, cos, Math::min);
        if (cos < threshold(name) && !format.equals("webp-lossy")) {
          failures.add(name + ": cosine " + cos);
        }
        float[] mistaken = embedder.embedPixels(List.of(wrong.apply(
            ImageDecoder.standard().decode(ImageInput.of(TestModels.testImages().resolve(name)))))).get(0);
        worstWrong = Math.min(worstWrong, TestVectors.cosine(mistaken, expected));
      }
    }
    WRONG.put(family, worstWrong);
    // Lossy WebP is outside the targets (PNG and JPEG): its decoders (libwebp in Pillow, TwelveMonkeys here)
    // differ slightly; measured and reported, held to a looser bound.
    REPORT.entrySet().stream().filter(e -> e.getKey().endsWith("webp-lossy"))
        .forEach(e -> assertThat(e.getValue()).as(e.getKey()).isGreaterThanOrEqualTo(0.99));
    assertThat(failures).as(family + " images below the parity target").isEmpty();
    assertThat(worstWrong).as(family + ": a preprocessing mistake must fall below the target").isLessThan(0.999);
  }

  private static void checkTexts(String family, MultimodalEmbedder embedder) {
    JsonObject texts = REFERENCE.getAsJsonObject("families").getAsJsonObject(family).getAsJsonObject("texts");
    List<String> keys = new ArrayList<>(texts.keySet());
    List<float[]> actual = embedder.embedTexts(keys);
    double min = 1;
    for (int i = 0; i < keys.size(); i++) {
      min = Math.min(min, TestVectors.cosine(actual.get(i), TestVectors.littleEndianFloats(texts.get(keys.get(i)).getAsString())));
    }
    REPORT.put(family + " text", min);
    assertThat(min).as(family + " text embeddings").isGreaterThanOrEqualTo(0.9999);
  }

  private static void checkZeroShot(String family, MultimodalEmbedder embedder, float scale) {
    JsonObject spec = REFERENCE.getAsJsonObject("families").getAsJsonObject(family).getAsJsonObject("zeroShot");
    assertThat(embedder.logitScale()).isCloseTo(scale, within(scale * 1e-4f));
    List<String> labels = new ArrayList<>();
    spec.getAsJsonArray("labels").forEach(e -> labels.add(e.getAsString()));
    ZeroShotClassifier classifier = ZeroShotClassifier.of(embedder, labels, spec.get("template").getAsString());
    List<Double> probs = classifier.classify(ImageInput.of(TestModels.testImages().resolve(
        spec.get("image").getAsString()))).stream().map(LabelProbability::probability).toList();
    var expected = spec.getAsJsonArray("probabilities");
    double maxDiff = 0;
    for (int i = 0; i < labels.size(); i++) {
      maxDiff = Math.max(maxDiff, Math.abs(probs.get(i) - expected.get(i).getAsDouble()));
    }
    REPORT.put(family + " zero-shot max |p - p_ref|", maxDiff);
    assertThat(probs.stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-5));
    assertThat(maxDiff).as(family + " zero-shot probabilities vs the reference softmax").isLessThan(2e-3);
  }

  private static String format(String name) {
    String ext = name.substring(name.lastIndexOf('.') + 1);
    if (name.startsWith("lossy")) {
      return "webp-lossy";
    }
    if (name.startsWith("lossless")) {
      return "webp-lossless";
    }
    return ext.equals("jpg") ? "jpeg" : ext;
  }

  private static double threshold(String name) {
    String f = format(name);
    return f.equals("jpeg") || f.equals("webp-lossy") ? 0.999 : 0.9999;
  }

  @AfterAll
  static void writeReport() throws IOException {
    StringBuilder sb = new StringBuilder("# Parity with the Python reference pipeline (tiny test models)\n"
        + "# minimum cosine per family and input format; targets: >= 0.9999 PNG (and other lossless formats),\n"
        + "# >= 0.999 JPEG; lossy WebP is reported (decoder differences), held to >= 0.99\n");
    REPORT.forEach((k, v) -> sb.append(k.contains("zero-shot") ? String.format("%-40s %.1e%n", k, v)
        : String.format("%-40s %.7f  (1 - cos = %.1e)%n", k, v, 1 - v)));
    sb.append("# minimum cosine when a plausible preprocessing mistake is made (must be below the target)\n");
    WRONG.forEach((k, v) -> sb.append(String.format("%-40s %.7f%n", k + " wrong-recipe", v)));
    Path out = Path.of("target", "parity-report.txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, sb.toString(), StandardCharsets.UTF_8);
  }
}
