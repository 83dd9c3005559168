package dev.imgsearch.djl;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.embedders.ModelSource;
import dev.imgsearch.embedders.ModelSourceBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What every DJL embedder builder takes: where the model comes from and the overrides of what the model directory
 * says ({@link ModelSourceBuilder}, exactly as {@code imgsearch-embedders-onnx} takes them), a DJL model-zoo URL as
 * one more source, the engine, how many predictors may run at once, and DJL's model-loading options. A model
 * directory holds {@code onnx/*.onnx} for ONNX Runtime or {@code torchscript/*.pt} (or {@code *.pt} at the top) for
 * PyTorch, with {@code tokenizer.json} and {@code preprocessor_config.json}; from the Hub, only the graphs of the
 * engine's format and the files next to them that this embedder needs are downloaded. A variant selects
 * {@code model_<variant>.onnx} or {@code model_<variant>.pt}. Choosing any source forgets the one chosen before.
 *
 * @param <B> the concrete builder
 */
public abstract class DjlModelBuilder<B extends DjlModelBuilder<B>> extends ModelSourceBuilder<B> {
  String modelUrl;
  DjlEngine engine;
  int maxPredictors = Math.max(1, Runtime.getRuntime().availableProcessors());
  Integer threads;
  final Map<String, String> options = new LinkedHashMap<>();

  DjlModelBuilder() {}

  /**
   * A DJL model-zoo URL, as {@code Criteria.optModelUrls} takes it: {@code file:///models/resnet50.zip}, a local
   * directory ({@code file:///models/resnet50/}), an {@code https://} archive, or a {@code djl://} zoo address.
   * DJL fetches it (archives are unpacked into DJL's cache, {@code DJL_CACHE_DIR}); with offline mode on, only
   * local and already-cached URLs work. For the image-only families the URL goes to DJL's model loader as it is
   * ({@code modelName(...)} names the file inside); for CLIP and Chinese-CLIP it must hold a model directory
   * ({@code vision_model} + {@code text_model}, or {@code model}, of the engine's format at its top, with
   * {@code tokenizer.json}). Replaces any source chosen before.
   */
  public B modelUrl(String url) {
    Objects.requireNonNull(url, "url");
    clearSources();
    this.modelUrl = url;
    return self();
  }

  @Override
  protected final void clearAddedSources() {
    modelUrl = null;
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

  /** The model settings, for the embedders of this package. */
  ModelSource source() {
    return modelSource();
  }

  DjlEngine engineOr(String fileName) {
    if (engine != null) {
      return engine;
    }
    return fileName == null ? DjlEngine.defaultEngine()
        : DjlEngine.forFile(fileName).orElseGet(DjlEngine::defaultEngine);
  }
}
