package dev.imgsearch.embedders;

import dev.imgsearch.core.ModelException;
import dev.imgsearch.embedders.ModelDirectory.Format;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.image.ImagePreprocessor;
import dev.imgsearch.image.ImageRecipe;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * What an {@link EmbedderBuilder} collected, as one immutable value that a runtime reads while it loads the model;
 * the defaults of the family are applied by the accessors that take them into account.
 *
 * @param family the model family
 * @param source where the model comes from, with the recipe and variant overrides
 * @param contextLength tokens per text, or null for the family's
 * @param logitScale exp(logit_scale), or null to read it off the model
 * @param inputName the graph's image input, or null for the family's
 * @param outputName the graph's feature output, or null for the family's candidates
 * @param layout the graph's image layout, or null to read it off the graph or take the family's
 * @param normalize whether vectors are L2-normalised (always true for contrastive families)
 * @param decoder the image decoder, or null for {@link ImageDecoder#standard()}
 * @param draftDecoding whether large JPEGs are decoded at a reduced size first
 *     ({@link ImagePreprocessor.Builder#draft})
 * @param preprocessExecutor where images are decoded, or null for the common fork-join pool
 */
public record EmbedderSettings(ModelFamily family, ModelSource source, Integer contextLength, Float logitScale,
    String inputName, String outputName, ImageLayout layout, boolean normalize, ImageDecoder decoder,
    boolean draftDecoding, Executor preprocessExecutor) {

  /** Contrastive vectors are always normalised. */
  public EmbedderSettings {
    normalize = normalize || family.hasText();
  }

  /** Tokens per text: the builder's, else the family's. */
  public int tokens() {
    return contextLength != null ? contextLength : family.contextLength();
  }

  /** The image input: the builder's, else the family's. */
  public String imageInput() {
    return inputName != null ? inputName : family.imageInput();
  }

  /** The image layout: the builder's, else {@code fromGraph} (what the graph declares), else the family's. */
  public ImageLayout layoutOr(ImageLayout fromGraph) {
    return layout != null ? layout : fromGraph != null ? fromGraph : family.layout();
  }

  /** The image output candidates, in order of preference: the builder's one, else the family's. */
  public List<String> imageOutputs() {
    return outputName != null ? List.of(outputName) : family.imageOutputs();
  }

  /** The logit scale: the builder's, else what {@code measured} reads off the model. */
  public float logitScaleOr(Supplier<Float> measured) {
    return logitScale != null ? logitScale : measured.get();
  }

  /**
   * The recipe: the builder's, else (for the contrastive families, whose exports carry one) what
   * {@code preprocessor_config.json} in {@code directory} says, else the family's.
   *
   * @param directory the model directory, or null when the model is a single file
   */
  public ImageRecipe recipe(ModelDirectory directory) {
    if (source.recipe() != null) {
      return source.recipe();
    }
    return directory != null && family.hasText() ? directory.recipe().orElse(family.recipe()) : family.recipe();
  }

  /**
   * The identity of the model a runtime loaded from these files ({@link ModelFingerprint}): the contents of the graph
   * files (and of their external-data files, {@code <graph>_data} or {@code <graph>.data}, when present) and of the
   * tokenizer, and the parameters that shape the vectors besides the weights: the family's pooling and image
   * layout, the recipe, the output names, normalisation and the text context length. The origin is the hub
   * repository and commit, or the model directory (or file). Computed once, when the model loads; file digests are
   * cached by path, size and modification time.
   *
   * @param graphs the graph files loaded (one or two)
   * @param tokenizer the tokenizer.json loaded, or null
   * @param origin where the files came from (see {@link ModelFingerprint#originOf})
   */
  public dev.imgsearch.core.embed.ModelIdentity identity(List<Path> graphs, Path tokenizer, ImageRecipe recipe,
      Path origin) {
    ModelFingerprint.Builder b = ModelFingerprint.builder().origin(ModelFingerprint.originOf(origin));
    List<Path> distinct = graphs.stream().distinct().toList();
    for (int i = 0; i < distinct.size(); i++) {
      Path graph = distinct.get(i);
      String role = distinct.size() == 1 ? "graph" : i == 0 ? "image-graph" : "text-graph";
      b.file(role, graph);
      for (String suffix : List.of("_data", ".data")) {
        Path data = graph.resolveSibling(graph.getFileName() + suffix);
        if (java.nio.file.Files.isRegularFile(data)) {
          b.file(role + "-data", data);
        }
      }
    }
    if (tokenizer != null && java.nio.file.Files.isRegularFile(tokenizer)) {
      b.file("tokenizer", tokenizer);
      b.parameter("context-length", tokens());
    }
    return b.parameter("recipe", recipe.id()).parameter("pooling", family.pooling())
        .parameter("layout", String.valueOf(layout != null ? layout : family.layout()))
        .parameter("image-outputs", imageOutputs()).parameter("text-outputs", family.hasText()
            ? family.textOutputs() : List.of())
        .parameter("normalize", normalize).build();
  }

  /**
   * How {@code embedImages} decodes and preprocesses for {@code recipe}: the builder's decoder, draft decoding and
   * executor.
   */
  public ImagePreprocessor preprocessor(ImageRecipe recipe) {
    ImagePreprocessor.Builder b = ImagePreprocessor.builder(recipe).draft(draftDecoding);
    if (decoder != null) {
      b.decoder(decoder);
    }
    if (preprocessExecutor != null) {
      b.executor(preprocessExecutor);
    }
    return b.build();
  }

  /**
   * The graph files of the model in {@code format}: the single model file when one was given, else the model
   * directory's (the local one, or the hub snapshot after downloading what this family needs): {@code vision_model}
   * + {@code text_model} or one combined {@code model} for a contrastive family, {@code model} for an image-only
   * one.
   *
   * @param engine the engine's name for messages ("ONNX Runtime", "PyTorch")
   * @param advice what else to try when the directory lacks the files, or ""
   * @throws ModelException when the directory lacks the files
   */
  public ModelFiles locate(Format format, String engine, String advice) {
    if (source.modelFile() != null) {
      Path file = source.modelFile();
      return new ModelFiles(null, file, null, source.modelIdOr(String.valueOf(file.getFileName())), recipe(null));
    }
    ModelDirectory dir = source.resolve(family.graphs(), family.hasText(), format);
    String variant = source.variant();
    String id = source.modelIdOr(dir);
    Optional<Path> model = dir.graph(ModelFamily.MODEL_GRAPH, variant, format);
    String ext = ModelDirectory.suffix(variant) + format.extension();
    String folder = format.folder() + "/";
    if (family.hasText()) {
      Optional<Path> vision = dir.graph(ModelFamily.VISION_GRAPH, variant, format);
      Optional<Path> text = dir.graph(ModelFamily.TEXT_GRAPH, variant, format);
      if (vision.isPresent() && text.isPresent()) {
        return new ModelFiles(dir, vision.get(), text.get(), id, recipe(dir));
      }
      Path combined = model.orElseThrow(() -> new ModelException("Model directory " + dir.root() + " has neither "
          + folder + ModelFamily.VISION_GRAPH + ext + " + " + folder + ModelFamily.TEXT_GRAPH + ext + " nor " + folder
          + ModelFamily.MODEL_GRAPH + ext + " for the " + engine + " engine. Export the " + family.displayName()
          + " model into that layout (e.g. with optimum for ONNX)" + advice + "."));
      return new ModelFiles(dir, combined, combined, id, recipe(dir));
    }
    Path file = model.orElseThrow(() -> new ModelException("Model directory " + dir.root() + " has no " + folder
        + ModelFamily.MODEL_GRAPH + ext + " for the " + engine + " engine. Pass the file with modelFile(path), or put "
        + "it there" + advice + "."));
    return new ModelFiles(dir, file, null, id, recipe(dir));
  }

  /**
   * The graph files an embedder loads.
   *
   * @param directory the model directory, or null for a single model file
   * @param image the image (or only) graph
   * @param text the text graph (the image graph itself when it is combined), or null for an image-only family
   * @param modelId the id to record in index manifests
   * @param recipe the preprocessing recipe
   */
  public record ModelFiles(ModelDirectory directory, Path image, Path text, String modelId, ImageRecipe recipe) {
    /** Whether one graph holds both towers. */
    public boolean combined() {
      return image.equals(text);
    }

    /** Where the files came from: the model directory, else the single model file. */
    public Path origin() {
      return directory != null ? directory.root() : image;
    }
  }
}
