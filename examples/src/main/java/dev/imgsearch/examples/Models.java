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
 * {@code org/name} (optionally {@code @revision}) comes from the Hugging Face Hub (once, into the cache). Errors
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

  OnnxFeatureEmbedder resnet50(String model) {
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

  OnnxFeatureEmbedder vgg16(String model) {
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
          + "Face Hub id (org/name). Check the path, or give a hub id such as " + CLIP + ".");
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
