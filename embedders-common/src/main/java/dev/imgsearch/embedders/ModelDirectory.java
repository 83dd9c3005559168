package dev.imgsearch.embedders;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.image.Resampling;
import dev.imgsearch.embedders.hub.HubClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model directory in the Hugging Face layout that ONNX exports use: {@code onnx/*.onnx}, {@code tokenizer.json},
 * {@code preprocessor_config.json}, {@code config.json}; TorchScript exports ({@code *.pt}) sit next to them, in
 * {@code torchscript/} or at the top. Also resolves a hub repository into such a directory (only the files an
 * embedder needs are downloaded, by core's {@link HubClient}) and reads the recipe a
 * {@code preprocessor_config.json} describes. Shared by every embedder module; immutable.
 */
public final class ModelDirectory {
  /** File formats of a model graph, each with its file extension and the sub-folder it may sit in. */
  public enum Format {
    /** ONNX ({@code onnx/<name>.onnx} or {@code <name>.onnx}). */
    ONNX(".onnx", "onnx"),
    /** TorchScript ({@code torchscript/<name>.pt} or {@code <name>.pt}). */
    TORCHSCRIPT(".pt", "torchscript");

    private final String extension;
    private final String folder;

    Format(String extension, String folder) {
      this.extension = extension;
      this.folder = folder;
    }

    /** The file extension, with its dot. */
    public String extension() {
      return extension;
    }

    /** The sub-folder of a model directory that holds files of this format. */
    public String folder() {
      return folder;
    }
  }

  private final Path root;

  private ModelDirectory(Path root) {
    if (!Files.isDirectory(root)) {
      throw new ModelException("Model directory " + root + " does not exist. Pass a directory in the Hugging Face "
          + "layout (onnx/model.onnx or onnx/vision_model.onnx + onnx/text_model.onnx, tokenizer.json, "
          + "preprocessor_config.json, config.json), or use fromHub(repoId, revision).");
    }
    this.root = root;
  }

  /** A local model directory; it must exist. */
  public static ModelDirectory of(Path root) {
    return new ModelDirectory(root);
  }

  /**
   * The model directory an embedder builder points at: the local {@code directory} when given, else the hub
   * snapshot of {@code repoId} at {@code revision} after downloading the files the embedder needs (see
   * {@link #select}).
   *
   * @param hub the hub client, or null for {@link HubClient#fromEnvironment()}
   * @param bases the graph names to look for, e.g. {@code vision_model}, {@code text_model}, {@code model}
   * @param text whether the embedder needs {@code tokenizer.json}
   */
  public static ModelDirectory resolve(Path directory, String repoId, String revision, HubClient hub,
      List<String> bases, String variant, boolean text, Format format) {
    if (directory != null) {
      return new ModelDirectory(directory);
    }
    if (repoId == null) {
      throw new InvalidInputException("No model given: call modelDirectory(path) or fromHub(repoId, revision) "
          + "before build().");
    }
    HubClient client = hub != null ? hub : HubClient.fromEnvironment();
    List<String> files = select(client.listFiles(repoId, revision).files(), bases, variant, text, format);
    if (files.stream().noneMatch(f -> f.endsWith(format.extension()))) {
      throw new ModelException("Repository " + repoId + " at " + revision + " has none of the " + format + " files "
          + bases + " (variant '" + variant + "') in " + format.folder() + "/ or at the top. Use a repository "
          + "with such an export (e.g. the Xenova/... ONNX exports), or export the model and pass it with "
          + "modelDirectory(path).");
    }
    return new ModelDirectory(client.download(repoId, revision, files));
  }

  /** The id an index manifest records: the explicit one, else the repository id, else the directory's name. */
  public static String modelId(String explicit, String repoId, ModelDirectory dir) {
    if (explicit != null) {
      return explicit;
    }
    if (repoId != null) {
      return repoId;
    }
    Path name = dir.root().toAbsolutePath().normalize().getFileName();
    return name == null ? dir.root().toString() : name.toString();
  }

  public Path root() {
    return root;
  }

  /** {@code onnx/<base><suffix>.onnx}, or {@code <base><suffix>.onnx} at the top, if either exists. */
  public Optional<Path> onnx(String base, String variant) {
    return graph(base, variant, Format.ONNX);
  }

  /** The graph file {@code <folder>/<base><suffix><extension>}, or {@code <base><suffix><extension>} at the top. */
  public Optional<Path> graph(String base, String variant, Format format) {
    String name = base + suffix(variant) + format.extension();
    for (Path p : List.of(root.resolve(format.folder()).resolve(name), root.resolve(name))) {
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  public Path tokenizer() {
    return root.resolve("tokenizer.json");
  }

  /** A JSON file of the directory ({@code config.json}, {@code preprocessor_config.json}), if it exists. */
  public Optional<JsonObject> json(String name) {
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

  /** The recipe of {@code preprocessor_config.json} when the directory has one that names a size. */
  public Optional<ImageRecipe> recipe() {
    return json("preprocessor_config.json").flatMap(c -> recipeOf(c, root.resolve("preprocessor_config.json")));
  }

  /** The ONNX files of a hub repository that an embedder needs, given its file list. */
  public static List<String> select(List<String> repoFiles, List<String> onnxBases, String variant, boolean text) {
    return select(repoFiles, onnxBases, variant, text, Format.ONNX);
  }

  /** The files of a hub repository that an embedder needs, given its file list and the graph format. */
  public static List<String> select(List<String> repoFiles, List<String> onnxBases, String variant, boolean text,
      Format format) {
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
      String name = base + suffix(variant) + format.extension();
      for (String candidate : List.of(format.folder() + "/" + name, name)) {
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

  /** {@code "_" + variant}, or nothing for the default variant. */
  public static String suffix(String variant) {
    return variant == null || variant.isEmpty() ? "" : "_" + variant;
  }

  /**
   * The recipe a {@code preprocessor_config.json} describes. When it is the OpenAI CLIP recipe (shortest side, centre
   * crop of the same size, bicubic, CLIP mean/std) or Chinese-CLIP's (straight to a square, bicubic, CLIP mean/std),
   * the reference recipe of that family is used (RGB conversion where the reference does it); any other
   * combination of size, crop, resample (nearest, bilinear, bicubic), rescale factor, mean and std is built as
   * it says.
   */
  public static Optional<ImageRecipe> recipeOf(JsonObject config, Path where) {
    String type = string(config, "image_processor_type").orElse(string(config, "feature_extractor_type").orElse(""));
    boolean chinese = type.startsWith("ChineseCLIP");
    JsonElement size = config.get("size");
    if (size == null || size.isJsonNull()) {
      return Optional.empty();
    }
    int resample = config.has("resample") ? config.get("resample").getAsInt() : 3;
    Resampling filter = switch (resample) {
      case 0 -> Resampling.NEAREST;
      case 2 -> Resampling.BILINEAR;
      case 3 -> Resampling.BICUBIC;
      default -> throw unsupported(where, "resample " + resample + " (supported: 0 nearest, 2 bilinear, 3 bicubic)");
    };
    boolean doCrop = !config.has("do_center_crop") || config.get("do_center_crop").getAsBoolean();
    boolean doNormalize = !config.has("do_normalize") || config.get("do_normalize").getAsBoolean();
    double rescale = config.has("rescale_factor") ? config.get("rescale_factor").getAsDouble() : 1 / 255.0;
    double[] mean = doNormalize ? triple(config, "image_mean", CLIP_MEAN) : new double[] {0, 0, 0};
    double[] std = doNormalize ? triple(config, "image_std", CLIP_STD) : new double[] {1, 1, 1};
    boolean clipNorm = doNormalize && close(mean, CLIP_MEAN) && close(std, CLIP_STD)
        && Math.abs(rescale * 255 - 1) < 1e-6;
    int crop = cropOf(config).orElse(-1);
    ImageRecipe.Builder b = ImageRecipe.builder();
    String name;
    if (size.isJsonPrimitive() && chinese || size.isJsonObject() && size.getAsJsonObject().has("height")) {
      int h = size.isJsonPrimitive() ? size.getAsInt() : size.getAsJsonObject().get("height").getAsInt();
      int w = size.isJsonPrimitive() ? h : size.getAsJsonObject().get("width").getAsInt();
      if (clipNorm && h == w && filter == Resampling.BICUBIC && (!doCrop || crop < 0 || crop == h)) {
        return Optional.of(ImageRecipe.chineseClip(h));
      }
      b.resizeTo(w, h, filter);
      name = "hf-resize-" + w + "x" + h;
    } else {
      int edge = size.isJsonPrimitive() ? size.getAsInt() : size.getAsJsonObject().get("shortest_edge").getAsInt();
      if (clipNorm && filter == Resampling.BICUBIC && doCrop && (crop < 0 || crop == edge)) {
        return Optional.of(ImageRecipe.openAiClip(edge));
      }
      if (!doCrop) {
        throw unsupported(where, "a shortest-edge resize without a crop (images of varying size)");
      }
      b.resizeShortestSide(edge, filter);
      name = "hf-shortest-" + edge;
    }
    if (doCrop && crop > 0) {
      b.centerCrop(crop, crop);
      name += "-crop-" + crop;
    }
    return Optional.of(b.convertToRgbFirst().normalize(1 / rescale, mean, std).build(name));
  }

  private static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
  private static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

  private static double[] triple(JsonObject config, String key, double[] fallback) {
    if (!config.has(key)) {
      return fallback;
    }
    var a = config.getAsJsonArray(key);
    return new double[] {a.get(0).getAsDouble(), a.get(1).getAsDouble(), a.get(2).getAsDouble()};
  }

  private static boolean close(double[] a, double[] b) {
    for (int i = 0; i < 3; i++) {
      if (Math.abs(a[i] - b[i]) > 1e-6) {
        return false;
      }
    }
    return true;
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

  private static ModelException unsupported(Path where, String what) {
    return new ModelException(where + " asks for " + what + ", which this SDK cannot reproduce. Pass the recipe "
        + "to the builder (recipe(ImageRecipe.builder()...)) to use this model.");
  }

  private static Optional<String> string(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? Optional.empty() : Optional.of(e.getAsString());
  }
}
