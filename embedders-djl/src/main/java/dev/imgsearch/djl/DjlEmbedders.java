package dev.imgsearch.djl;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.embedders.EmbedderBuilder;
import dev.imgsearch.embedders.FamilyEmbedder;
import dev.imgsearch.embedders.ModelFamily;
import dev.imgsearch.embedders.ModelFamily.Kind;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The embedders of every {@link ModelFamily} through DJL, on the PyTorch (TorchScript) or ONNX Runtime engine, one
 * builder per family with the same names as {@code dev.imgsearch.onnx.OnnxEmbedders}: {@link #clip()},
 * {@link #chineseClip()}, {@link #resnet50()}, {@link #vgg16()}, or {@link #family(ModelFamily)} for any family
 * (typed: {@link DjlContrastiveEmbedder#builder(ModelFamily)}, {@link DjlFeatureEmbedder#builder(ModelFamily)}).
 * The vectors equal {@code imgsearch-embedders-onnx}'s: the same recipes, tokenizers and post-processing.
 *
 * <p>A model directory holds {@code onnx/*.onnx} for ONNX Runtime or {@code torchscript/*.pt} (or {@code *.pt} at
 * the top) for PyTorch, with {@code tokenizer.json} and {@code preprocessor_config.json}; TorchScript graphs take
 * their inputs in the Hugging Face export's order and return a dict ({@code image_embeds} / {@code text_embeds}).
 * From the Hub, only the graphs of the engine's format and the files next to them are downloaded; a DJL model-zoo
 * URL is one more source.
 *
 * <pre>{@code
 * try (DjlContrastiveEmbedder clip = DjlEmbedders.clip().modelDirectory(Path.of("clip-vit-base-patch32"))
 *     .engine(DjlEngine.PYTORCH).build()) {
 *   float[] image = clip.embedImage(ImageInput.of(Path.of("dog.jpg")));
 *   float[] text = clip.embedText("a white dog");
 * }
 * // a model-zoo URL: an archive with resnet50.pt or resnet50.onnx at its top, unpacked into DJL's cache
 * DjlEmbedders.resnet50().modelUrl("file:///models/resnet50.zip").modelName("resnet50").build();
 * }</pre>
 */
public final class DjlEmbedders {
  private DjlEmbedders() {}

  /** OpenAI CLIP ("Text to Image Search with Milvus"), 77 tokens with CLIP's text cleaning, cosine. */
  public static Builder<DjlContrastiveEmbedder> clip() {
    return DjlContrastiveEmbedder.builder(ModelFamily.CLIP);
  }

  /** Chinese-CLIP ("Milvus的以文搜图", "玩转多模态搜索"), 52 BERT WordPiece tokens, cosine. */
  public static Builder<DjlContrastiveEmbedder> chineseClip() {
    return DjlContrastiveEmbedder.builder(ModelFamily.CHINESE_CLIP);
  }

  /** ResNet50 without its classifier ("Image Search with Milvus"): 2048-d, average-pooled, L2. */
  public static Builder<DjlFeatureEmbedder> resnet50() {
    return DjlFeatureEmbedder.builder(ModelFamily.RESNET50);
  }

  /** Keras VGG16 ("Milvus向量数据库之以图搜图"): 512-d, max-pooled, normalised, NHWC unless {@code layout(...)}. */
  public static Builder<DjlFeatureEmbedder> vgg16() {
    return DjlFeatureEmbedder.builder(ModelFamily.VGG16);
  }

  /**
   * The embedder of any family, for code that takes the family as a value; {@code DjlContrastiveEmbedder.builder}
   * and {@code DjlFeatureEmbedder.builder} give the typed builder of a kind.
   */
  public static Builder<? extends FamilyEmbedder> family(ModelFamily family) {
    return family.hasText() ? DjlContrastiveEmbedder.builder(family) : DjlFeatureEmbedder.builder(family);
  }

  /**
   * Builds a DJL embedder of one family: the options every runtime shares ({@link EmbedderBuilder}), a DJL
   * model-zoo URL as one more source, the engine, how many predictors may run at once, and DJL's model-loading
   * options. Choosing any source forgets the one chosen before. Not thread-safe.
   *
   * @param <E> the embedder it builds
   */
  public static final class Builder<E extends FamilyEmbedder> extends EmbedderBuilder<Builder<E>, E> {
    String modelUrl;
    String modelName;
    DjlEngine engine;
    int maxPredictors = Math.max(1, Runtime.getRuntime().availableProcessors());
    Integer threads;
    final Map<String, String> options = new LinkedHashMap<>();

    Builder(ModelFamily family, Kind kind, Function<Builder<E>, E> build) {
      super(family, kind, build);
    }

    /**
     * A DJL model-zoo URL, as {@code Criteria.optModelUrls} takes it: {@code file:///models/resnet50.zip}, a local
     * directory ({@code file:///models/resnet50/}), an {@code https://} archive, or a {@code djl://} zoo address.
     * DJL fetches it (archives are unpacked into DJL's cache, {@code DJL_CACHE_DIR}); with offline mode on, only
     * local and already-cached URLs work. For the image-only families the URL goes to DJL's model loader as it is
     * ({@link #modelName} names the file inside); for the contrastive ones it must hold a model directory
     * ({@code vision_model} + {@code text_model}, or {@code model}, of the engine's format at its top, with
     * {@code tokenizer.json}). Replaces any source chosen before.
     */
    public Builder<E> modelUrl(String url) {
      Objects.requireNonNull(url, "url");
      clearSources();
      this.modelUrl = url;
      return this;
    }

    @Override
    protected void clearAddedSources() {
      modelUrl = null;
    }

    /**
     * The model's name inside a {@link #modelUrl(String) model URL}: its file name without extension. Image-only
     * families only (a contrastive family's URL holds a model directory, whose graph names are fixed).
     */
    public Builder<E> modelName(String name) {
      if (family().hasText()) {
        throw new InvalidInputException("modelName(" + name + ") applies to the image-only families; a "
            + family().displayName() + " model URL holds a model directory (vision_model + text_model, or model). "
            + "Remove the call.");
      }
      this.modelName = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * The engine (default: from the model file's extension, else ONNX Runtime when it is on the class path, else
     * PyTorch).
     */
    public Builder<E> engine(DjlEngine engine) {
      this.engine = Objects.requireNonNull(engine, "engine");
      return this;
    }

    /**
     * How many DJL predictors may run at once (default: the number of processors). DJL predictors are not
     * thread-safe: each concurrent caller gets its own; callers beyond this limit wait for one to come back.
     */
    public Builder<E> maxPredictors(int maxPredictors) {
      if (maxPredictors < 1) {
        throw new InvalidInputException("maxPredictors is " + maxPredictors + "; it must be at least 1.");
      }
      this.maxPredictors = maxPredictors;
      return this;
    }

    /**
     * Threads one inference may use: ONNX Runtime's intra-op threads of this model. LibTorch's thread pool is
     * process-wide and set by DJL's system property {@code ai.djl.pytorch.num_threads} before the engine starts.
     */
    public Builder<E> threads(int threads) {
      if (threads < 1) {
        throw new InvalidInputException("threads is " + threads + "; it must be at least 1.");
      }
      this.threads = threads;
      return this;
    }

    /** A DJL model-loading option passed to {@code Criteria.optOption} (e.g. ONNX Runtime's {@code optLevel}). */
    public Builder<E> option(String key, String value) {
      options.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    DjlEngine engineOr(String fileName) {
      if (engine != null) {
        return engine;
      }
      return fileName == null ? DjlEngine.defaultEngine()
          : DjlEngine.forFile(fileName).orElseGet(DjlEngine::defaultEngine);
    }
  }
}
