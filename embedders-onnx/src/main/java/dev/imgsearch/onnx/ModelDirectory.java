package dev.imgsearch.onnx;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.image.ImageRecipe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model directory in the Hugging Face ONNX layout: {@code onnx/*.onnx}, {@code tokenizer.json},
 * {@code preprocessor_config.json}, {@code config.json}. Also picks the files to fetch from a hub repository.
 */
final class ModelDirectory {
  private final Path root;

  ModelDirectory(Path root) {
    if (!Files.isDirectory(root)) {
      throw new ModelException("Model directory " + root + " does not exist. Pass a directory in the Hugging Face "
          + "ONNX layout (onnx/model.onnx or onnx/vision_model.onnx + onnx/text_model.onnx, tokenizer.json, "
          + "preprocessor_config.json, config.json), or use fromHub(repoId, revision).");
    }
    this.root = root;
  }

  Path root() {
    return root;
  }

  /** {@code onnx/<base><suffix>.onnx}, or {@code <base><suffix>.onnx} at the top, if either exists. */
  Optional<Path> onnx(String base, String variant) {
    String name = base + suffix(variant) + ".onnx";
    for (Path p : List.of(root.resolve("onnx").resolve(name), root.resolve(name))) {
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  Path tokenizer() {
    return root.resolve("tokenizer.json");
  }

  Optional<JsonObject> json(String name) {
    Path file = root.resolve(name);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject());
    } catch (IOException | RuntimeException e) {
      throw new ModelException("Cannot read " + file + " (" + e.getMessage() + "); it must be a JSON object. "
          + "Re-download the model or remove the file.", e);
    }
  }

  /** The files of a hub repository that an embedder needs, given its file list. */
  static List<String> select(List<String> repoFiles, List<String> onnxBases, String variant, boolean text) {
    List<String> wanted = new ArrayList<>();
    for (String f : List.of("config.json", "preprocessor_config.json")) {
      if (repoFiles.contains(f)) {
        wanted.add(f);
      }
    }
    if (text) {
      wanted.add("tokenizer.json");
    }
    for (String base : onnxBases) {
      String name = base + suffix(variant) + ".onnx";
      for (String candidate : List.of("onnx/" + name, name)) {
        if (repoFiles.contains(candidate)) {
          wanted.add(candidate);
          for (String f : repoFiles) { // external data: model.onnx_data, model.onnx.data, model.onnx_data_1 ...
            if (f.startsWith(candidate + "_data") || f.startsWith(candidate + ".data")) {
              wanted.add(f);
            }
          }
          break;
        }
      }
    }
    return wanted;
  }

  static String suffix(String variant) {
    return variant == null || variant.isEmpty() ? "" : "_" + variant;
  }

  /**
   * The recipe a {@code preprocessor_config.json} describes, for the CLIP families: CLIPImageProcessor (resize
   * the shortest side, centre crop) is OpenAI CLIP's recipe, ChineseCLIPImageProcessor with a height x width size
   * (resize straight to it) is Chinese-CLIP's. The normalisation constants must be CLIP's.
   */
  static Optional<ImageRecipe> recipeOf(JsonObject config, Path where) {
    String type = string(config, "image_processor_type").orElse(string(config, "feature_extractor_type").orElse(""));
    boolean chinese = type.startsWith("ChineseCLIP");
    if (!type.startsWith("CLIP") && !chinese) {
      return Optional.empty();
    }
    checkClipNormalisation(config, where);
    int resample = config.has("resample") ? config.get("resample").getAsInt() : 3;
    if (resample != 3) {
      throw unsupported(where, "resample " + resample + " (only 3, bicubic, as CLIP)");
    }
    JsonElement size = config.get("size");
    if (size == null) {
      throw unsupported(where, "no size");
    }
    if (size.isJsonPrimitive() || size.getAsJsonObject().has("shortest_edge")) {
      int edge = size.isJsonPrimitive() ? size.getAsInt() : size.getAsJsonObject().get("shortest_edge").getAsInt();
      int crop = cropOf(config).orElse(edge);
      boolean doCrop = !config.has("do_center_crop") || config.get("do_center_crop").getAsBoolean();
      if (chinese && !doCrop) {
        return Optional.of(ImageRecipe.chineseClip(edge));
      }
      if (!doCrop || crop != edge) {
        throw unsupported(where, "shortest edge " + edge + " with crop " + (doCrop ? crop : "none"));
      }
      return Optional.of(ImageRecipe.openAiClip(edge));
    }
    JsonObject hw = size.getAsJsonObject();
    int h = hw.get("height").getAsInt();
    int w = hw.get("width").getAsInt();
    if (h != w) {
      throw unsupported(where, "a non-square size " + w + "x" + h);
    }
    return Optional.of(ImageRecipe.chineseClip(h));
  }

  private static Optional<Integer> cropOf(JsonObject config) {
    JsonElement crop = config.get("crop_size");
    if (crop == null || crop.isJsonNull()) {
      return Optional.empty();
    }
    if (crop.isJsonPrimitive()) {
      return Optional.of(crop.getAsInt());
    }
    return Optional.of(crop.getAsJsonObject().get("height").getAsInt());
  }

  private static void checkClipNormalisation(JsonObject config, Path where) {
    double[] mean = {0.48145466, 0.4578275, 0.40821073};
    double[] std = {0.26862954, 0.26130258, 0.27577711};
    for (String key : List.of("image_mean", "image_std")) {
      if (!config.has(key)) {
        continue;
      }
      double[] expected = key.equals("image_mean") ? mean : std;
      var values = config.getAsJsonArray(key);
      for (int i = 0; i < 3; i++) {
        if (Math.abs(values.get(i).getAsDouble() - expected[i]) > 1e-6) {
          throw unsupported(where, key + " " + values);
        }
      }
    }
  }

  private static ModelException unsupported(Path where, String what) {
    return new ModelException(where + " asks for " + what + ", which is not one of the CLIP recipes. Pass the "
        + "recipe to the builder (recipe(ImageRecipe...)) to use this model.");
  }

  static Optional<String> string(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e.getAsString());
  }
}
