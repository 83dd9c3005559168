package dev.imgsearch.djl;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.image.ImageRecipe;
import dev.imgsearch.core.model.HubClient;
import dev.imgsearch.embedders.ModelDirectory;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What every DJL embedder builder takes: where the model comes from (a local model directory in the Hugging Face
 * layout, a single model file, a DJL model-zoo URL, or a Hugging Face Hub repository downloaded once into the
 * cache, exactly as {@code imgsearch-embedders-onnx} does it), the engine, how many predictors may run at once,
 * and overrides of what the model directory says.
 *
 * @param <B> the concrete builder
 */
public abstract class DjlModelBuilder<B extends DjlModelBuilder<B>> {
  Path directory;
  Path modelFile;
  String modelUrl;
  String modelName;
  String repoId;
  String revision;
  HubClient hub;
  DjlEngine engine;
  int maxPredictors = Math.max(1, Runtime.getRuntime().availableProcessors());
  Integer threads;
  final Map<String, String> options = new LinkedHashMap<>();
  String modelId;
  ImageRecipe recipe;
  String variant = "";

  DjlModelBuilder() {}

  @SuppressWarnings("unchecked")
  final B self() {
    return (B) this;
  }

  final void clearSource() {
    directory = null;
    modelFile = null;
    modelUrl = null;
    repoId = null;
  }

  /**
   * A local model directory in the Hugging Face layout: {@code onnx/*.onnx} for ONNX Runtime,
   * {@code torchscript/*.pt} (or {@code *.pt} at the top) for PyTorch, {@code tokenizer.json},
   * {@code preprocessor_config.json}.
   */
  public B modelDirectory(Path directory) {
    clearSource();
    this.directory = Objects.requireNonNull(directory, "directory");
    return self();
  }

  /**
   * A DJL model-zoo URL, as {@code Criteria.optModelUrls} takes it: {@code file:///models/resnet50.zip}, a local
   * directory ({@code file:///models/resnet50/}), an {@code https://} archive, or a {@code djl://} zoo address.
   * DJL fetches it (archives are unpacked into DJL's cache, {@code DJL_CACHE_DIR}); with offline mode on, only
   * local and already-cached URLs work. For the image-only families the URL goes to DJL's model loader as it is
   * ({@code modelName(...)} names the file inside); for CLIP and Chinese-CLIP it must hold a model directory
   * ({@code vision_model} + {@code text_model}, or {@code model}, of the engine's format at its top, with
   * {@code tokenizer.json}).
   */
  public B modelUrl(String url) {
    clearSource();
    this.modelUrl = Objects.requireNonNull(url, "url");
    return self();
  }

  /**
   * A Hugging Face Hub repository, e.g. {@code fromHub("Xenova/clip-vit-base-patch32", "main")}: only the files
   * this embedder needs (the graphs of the engine's format, {@code tokenizer.json}, the configs) are downloaded,
   * once, into the hub cache by core's {@link HubClient} ({@code HF_ENDPOINT} selects a mirror,
   * {@code HF_HUB_OFFLINE=1} the cache only).
   */
  public B fromHub(String repoId, String revision) {
    clearSource();
    this.repoId = Objects.requireNonNull(repoId, "repoId");
    this.revision = revision == null ? "main" : revision;
    return self();
  }

  /** The hub client used by {@link #fromHub} (default: {@link HubClient#fromEnvironment()}). */
  public B hub(HubClient hub) {
    this.hub = Objects.requireNonNull(hub, "hub");
    return self();
  }

  /**
   * The engine (default: from the model file's extension, else ONNX Runtime when it is on the class path, else
   * PyTorch).
   */
  public B engine(DjlEngine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
    return self();
  }

  /**
   * How many DJL predictors may run at once (default: the number of processors). DJL predictors are not
   * thread-safe: each concurrent caller gets its own; callers beyond this limit wait for one to come back.
   */
  public B maxPredictors(int maxPredictors) {
    if (maxPredictors < 1) {
      throw new InvalidInputException("maxPredictors is " + maxPredictors + "; it must be at least 1.");
    }
    this.maxPredictors = maxPredictors;
    return self();
  }

  /**
   * Threads one inference may use: ONNX Runtime's intra-op threads of this model. LibTorch's thread pool is
   * process-wide and set by DJL's system property {@code ai.djl.pytorch.num_threads} before the engine starts.
   */
  public B threads(int threads) {
    if (threads < 1) {
      throw new InvalidInputException("threads is " + threads + "; it must be at least 1.");
    }
    this.threads = threads;
    return self();
  }

  /** A DJL model-loading option passed to {@code Criteria.optOption} (e.g. ONNX Runtime's {@code optLevel}). */
  public B option(String key, String value) {
    options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
    return self();
  }

  /** The id stored in index manifests (default: the repository id, the directory or the file name). */
  public B modelId(String modelId) {
    this.modelId = Objects.requireNonNull(modelId, "modelId");
    return self();
  }

  /** The preprocessing recipe, replacing the one {@code preprocessor_config.json} or the family gives. */
  public B recipe(ImageRecipe recipe) {
    this.recipe = Objects.requireNonNull(recipe, "recipe");
    return self();
  }

  /** Which export to load: {@code ""} for {@code model.onnx} (default), {@code "fp16"} for {@code model_fp16.onnx}. */
  public B variant(String variant) {
    this.variant = Objects.requireNonNull(variant, "variant");
    return self();
  }

  DjlEngine engineOr(String fileName) {
    if (engine != null) {
      return engine;
    }
    return fileName == null ? DjlEngine.defaultEngine()
        : DjlEngine.forFile(fileName).orElseGet(DjlEngine::defaultEngine);
  }

  String modelIdOr(ModelDirectory dir) {
    return ModelDirectory.modelId(modelId, repoId, dir);
  }
}
