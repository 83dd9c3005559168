package dev.imgsearch.onnx;

import dev.imgsearch.core.image.ImageRecipe;
import dev.imgsearch.core.model.HubClient;
import dev.imgsearch.embedders.ModelDirectory;
import dev.imgsearch.embedders.ModelDirectory.Format;
import dev.imgsearch.onnx.session.OnnxOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What every ONNX embedder builder takes: where the model comes from (a local directory in the Hugging Face ONNX
 * layout, or a Hub repository downloaded once into the cache), ONNX Runtime options, and overrides of what the
 * model directory says.
 *
 * @param <B> the concrete builder
 */
public abstract class ModelBuilder<B extends ModelBuilder<B>> {
  Path directory;
  String repoId;
  String revision;
  HubClient hub;
  OnnxOptions options = OnnxOptions.defaults();
  String modelId;
  ImageRecipe recipe;
  String variant = "";

  ModelBuilder() {}

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** A local model directory ({@code onnx/*.onnx}, {@code tokenizer.json}, {@code preprocessor_config.json} ...). */
  public B modelDirectory(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory");
    this.repoId = null;
    return self();
  }

  /**
   * A Hugging Face Hub repository in the ONNX layout, e.g. {@code fromHub("Xenova/clip-vit-base-patch32",
   * "main")}: only the files this embedder needs are downloaded, once, into the hub cache (see {@link HubClient};
   * {@code HF_ENDPOINT} selects a mirror, {@code HF_HUB_OFFLINE=1} the cache only).
   */
  public B fromHub(String repoId, String revision) {
    this.repoId = Objects.requireNonNull(repoId, "repoId");
    this.revision = revision == null ? "main" : revision;
    this.directory = null;
    return self();
  }

  /** The hub client used by {@link #fromHub} (default: {@link HubClient#fromEnvironment()}). */
  public B hub(HubClient hub) {
    this.hub = Objects.requireNonNull(hub, "hub");
    return self();
  }

  /** ONNX Runtime settings: threads, optimisation, CPU or CUDA (default {@link OnnxOptions#defaults()}). */
  public B options(OnnxOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    return self();
  }

  /** The id stored in index manifests (default: the repository id, or the directory name). */
  public B modelId(String modelId) {
    this.modelId = Objects.requireNonNull(modelId, "modelId");
    return self();
  }

  /** The preprocessing recipe, replacing the one {@code preprocessor_config.json} or the family gives. */
  public B recipe(ImageRecipe recipe) {
    this.recipe = Objects.requireNonNull(recipe, "recipe");
    return self();
  }

  /**
   * Which export of the model to load: {@code ""} for {@code model.onnx} (default), {@code "fp16"} for
   * {@code model_fp16.onnx}, {@code "quantized"} for {@code model_quantized.onnx}, and so on.
   */
  public B variant(String variant) {
    this.variant = Objects.requireNonNull(variant, "variant");
    return self();
  }

  /** The model directory: the local one, or the hub snapshot after downloading the files needed. */
  ModelDirectory resolve(List<String> onnxBases, boolean text) {
    return ModelDirectory.resolve(directory, repoId, revision, hub, onnxBases, variant, text, Format.ONNX);
  }

  String modelIdOr(ModelDirectory dir) {
    return ModelDirectory.modelId(modelId, repoId, dir);
  }
}
