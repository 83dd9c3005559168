package dev.imgsearch.embedders;

import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.embedders.hub.HubClient;
import dev.imgsearch.embedders.ModelDirectory.Format;
import java.nio.file.Path;
import java.util.List;

/**
 * The model settings an embedder builder collected ({@link ModelSourceBuilder}), as one immutable value that the
 * embedder reads while it is built. At most one of {@code directory}, {@code repoId} and {@code modelFile} is set
 * (sources a module adds, such as DJL's model URL, stay in that module's builder); a setting not given is null,
 * except {@code variant}, which is {@code ""} for the plain export.
 *
 * @param directory the local model directory, or null
 * @param repoId the Hugging Face Hub repository, or null
 * @param revision the repository's revision (branch, tag or commit) when {@code repoId} is set
 * @param hub the hub client, or null for {@link HubClient#fromEnvironment()}
 * @param modelFile the single graph file, or null
 * @param modelId the id to record in index manifests, or null to derive it from the source
 * @param recipe the preprocessing recipe replacing the model's or the family's, or null
 * @param variant the export to load: {@code ""}, {@code "fp16"}, {@code "quantized"} ...
 */
public record ModelSource(Path directory, String repoId, String revision, HubClient hub, Path modelFile,
    String modelId, ImageRecipe recipe, String variant) {

  /** Takes a null variant as the plain export ({@code ""}). */
  public ModelSource {
    variant = variant == null ? "" : variant;
  }

  /**
   * The model directory: the local one, else the hub snapshot after downloading the files the embedder needs (see
   * {@link ModelDirectory#resolve}).
   *
   * @param bases the graph names to look for, e.g. {@code vision_model}, {@code text_model}, {@code model}
   * @param text whether the embedder needs {@code tokenizer.json}
   * @param format the graph format the engine loads
   */
  public ModelDirectory resolve(List<String> bases, boolean text, Format format) {
    return ModelDirectory.resolve(directory, repoId, revision, hub, bases, variant, text, format);
  }

  /** The id to record for a model loaded from {@code dir}: the explicit one, else the repository id, else its name. */
  public String modelIdOr(ModelDirectory dir) {
    return ModelDirectory.modelId(modelId, repoId, dir);
  }

  /** The id to record for a model that is no directory: the explicit one, else {@code name} (a file name, a URL). */
  public String modelIdOr(String name) {
    return modelId != null ? modelId : name;
  }
}
