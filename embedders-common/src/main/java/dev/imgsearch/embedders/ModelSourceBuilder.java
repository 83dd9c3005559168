package dev.imgsearch.embedders;

import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.embedders.hub.HubClient;
import java.nio.file.Path;
import java.util.Objects;

/**
 * What every embedder builder of the embedder modules takes about the model itself: where it comes from (a local
 * model directory in the Hugging Face layout, a Hugging Face Hub repository downloaded once into the cache, or, for
 * the families that load one graph, a single model file), the id recorded in index manifests, and overrides of what
 * the model directory says (the preprocessing recipe, the export variant). Each module's builder adds how the model
 * runs ({@code OnnxOptions} in {@code imgsearch-embedders-onnx}; engine, predictors, threads and a model-zoo URL in
 * {@code imgsearch-embedders-djl}).
 *
 * <p>One source at a time: choosing one ({@link #modelDirectory}, {@link #fromHub}, a model file, or a source a
 * subclass adds) forgets the one chosen before, so the last choice wins.
 *
 * <p>Subclasses read the settings as one immutable {@link ModelSource} ({@link #modelSource()}) and hand it to the
 * embedder they build.
 *
 * @param <B> the concrete builder
 */
public abstract class ModelSourceBuilder<B extends ModelSourceBuilder<B>> {
  private Path directory;
  private String repoId;
  private String revision;
  private HubClient hub;
  private Path modelFile;
  private String modelId;
  private ImageRecipe recipe;
  private String variant = "";

  /** For the builders of the embedder modules. */
  protected ModelSourceBuilder() {}

  /** This builder, as its concrete type. */
  @SuppressWarnings("unchecked")
  protected final B self() {
    return (B) this;
  }

  /**
   * A local model directory in the Hugging Face layout: the graphs in the folder of the format the engine loads
   * ({@code onnx/*.onnx}, or {@code torchscript/*.pt} for DJL's PyTorch engine) or at its top,
   * {@code tokenizer.json} (for text), {@code preprocessor_config.json}. Replaces any source chosen before.
   */
  public B modelDirectory(Path directory) {
    Objects.requireNonNull(directory, "directory");
    clearSources();
    this.directory = directory;
    return self();
  }

  /**
   * A Hugging Face Hub repository, e.g. {@code fromHub("Xenova/clip-vit-base-patch32", "main")} (a null revision
   * means {@code main}): only the files this embedder needs (its graphs in the format the engine loads,
   * {@code tokenizer.json}, the configs) are downloaded, once, into the hub cache by core's {@link HubClient}
   * ({@code HF_ENDPOINT} selects a mirror, {@code HF_HUB_OFFLINE=1} the cache only). Replaces any source chosen
   * before.
   */
  public B fromHub(String repoId, String revision) {
    Objects.requireNonNull(repoId, "repoId");
    clearSources();
    this.repoId = repoId;
    this.revision = revision == null ? "main" : revision;
    return self();
  }

  /** The hub client used by {@link #fromHub} (default: {@link HubClient#fromEnvironment()}). */
  public B hub(HubClient hub) {
    this.hub = Objects.requireNonNull(hub, "hub");
    return self();
  }

  /**
   * The id stored in index manifests (default: the repository id, else the name of the model directory or file,
   * or the model URL).
   */
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
   * {@code model_fp16.onnx}, {@code "quantized"} for {@code model_quantized.onnx}, and so on; the suffix goes
   * before the extension of the format the engine loads. Not used with a single model file.
   */
  public B variant(String variant) {
    this.variant = Objects.requireNonNull(variant, "variant");
    return self();
  }

  /**
   * A single graph file instead of a model directory, for the families that load one graph: their builders make
   * this public, saying which files their engines take. Replaces any source chosen before.
   */
  protected B modelFile(Path file) {
    Objects.requireNonNull(file, "file");
    clearSources();
    this.modelFile = file;
    return self();
  }

  /**
   * Forgets every source chosen so far, including those a subclass adds ({@link #clearAddedSources()}): the setter
   * of a source a subclass adds calls it before keeping the new one.
   */
  protected final void clearSources() {
    directory = null;
    repoId = null;
    revision = null;
    modelFile = null;
    clearAddedSources();
  }

  /** Forgets the sources a subclass adds (e.g. a model URL); called whenever a source is chosen. None here. */
  protected void clearAddedSources() {}

  /** The settings so far, as an immutable value for the embedder being built. */
  protected final ModelSource modelSource() {
    return new ModelSource(directory, repoId, revision, hub, modelFile, modelId, recipe, variant);
  }
}
