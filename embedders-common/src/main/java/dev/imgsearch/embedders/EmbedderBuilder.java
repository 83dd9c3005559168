package dev.imgsearch.embedders;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.embedders.ModelFamily.Kind;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.image.ImagePreprocessor;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The options every embedder builder takes whatever runs the model, written once for both runtimes: where the model
 * comes from and what overrides the model directory ({@link ModelSourceBuilder}), the options of the contrastive
 * families (context length, logit scale), those of the image-only families (a single model file, the graph's input,
 * layout and output, normalisation), and how images are decoded before the model sees them (decoder, executor).
 * Each runtime's builder adds how the model runs ({@code OnnxEmbedders.Builder}: ONNX Runtime options;
 * {@code DjlEmbedders.Builder}: engine, predictors, threads, a model-zoo URL).
 *
 * <p>A builder is made for one {@link ModelFamily}; an option that the family's {@link Kind} has no use for is
 * refused when it is set, with an {@link InvalidInputException} that says which families take it.
 *
 * @param <B> the concrete builder
 * @param <E> the embedder it builds
 */
public abstract class EmbedderBuilder<B extends EmbedderBuilder<B, E>, E extends FamilyEmbedder>
    extends ModelSourceBuilder<B> {
  private final ModelFamily family;
  private final Function<B, E> build;
  private Integer contextLength;
  private Float logitScale;
  private String inputName;
  private String outputName;
  private ImageLayout layout;
  private Boolean normalize;
  private ImageDecoder decoder;
  private boolean draftDecoding;
  private Executor preprocessExecutor;

  /**
   * For the builders of the embedder modules: a builder of {@code family}'s embedder, for the embedder class of
   * {@code kind}, which {@code build} loads.
   *
   * @throws InvalidInputException when the family is of the other kind
   */
  protected EmbedderBuilder(ModelFamily family, Kind kind, Function<B, E> build) {
    this.family = Objects.requireNonNull(family, "family");
    this.build = Objects.requireNonNull(build, "build");
    if (family.kind() != kind) {
      throw new InvalidInputException(family.displayName() + " is " + family.kind() + ", not " + kind + "; build it "
          + "with " + (family.hasText() ? "contrastive" : "features") + "(ModelFamily." + family.name() + ") or "
          + "family(ModelFamily." + family.name() + ").");
    }
  }

  /** The family this builder builds an embedder of. */
  public final ModelFamily family() {
    return family;
  }

  /** Tokens per text (default: the family's, 77 for CLIP, 52 for Chinese-CLIP). Contrastive families only. */
  public B contextLength(int contextLength) {
    requireKind(Kind.CONTRASTIVE, "contextLength(" + contextLength + ")");
    if (contextLength < 2) {
      throw new InvalidInputException("contextLength is " + contextLength + "; it must be at least 2 (the start and "
          + "end tokens).");
    }
    this.contextLength = contextLength;
    return self();
  }

  /**
   * exp(logit_scale) for zero-shot classification (default: read off a combined graph's {@code logits_per_image},
   * else 100). Contrastive families only.
   */
  public B logitScale(float logitScale) {
    requireKind(Kind.CONTRASTIVE, "logitScale(" + logitScale + ")");
    this.logitScale = logitScale;
    return self();
  }

  /**
   * A single graph file instead of a model directory (the runtime's builder says which formats its engines take);
   * the family's recipe is used unless one is given. Image-only families only. Replaces any source chosen before.
   */
  @Override
  public B modelFile(Path file) {
    requireKind(Kind.FEATURES, "modelFile(" + file + ")");
    return super.modelFile(file);
  }

  /**
   * The graph's image input (default: the family's, else {@code pixel_values}, else the graph's one 4-d input).
   * Image-only families only.
   */
  public B inputName(String name) {
    requireKind(Kind.FEATURES, "inputName(" + name + ")");
    this.inputName = Objects.requireNonNull(name, "name");
    return self();
  }

  /** The graph's feature output (default: the family's usual names, else its only output). Image-only families only. */
  public B outputName(String name) {
    requireKind(Kind.FEATURES, "outputName(" + name + ")");
    this.outputName = Objects.requireNonNull(name, "name");
    return self();
  }

  /**
   * The image layout the graph takes (default: read off the graph where the runtime can, else the family's: NHWC
   * for Keras VGG16, NCHW for the others). Image-only families only.
   */
  public B layout(ImageLayout layout) {
    requireKind(Kind.FEATURES, "layout(" + layout + ")");
    this.layout = Objects.requireNonNull(layout, "layout");
    return self();
  }

  /**
   * Whether to L2-normalise the features (default: the family's; ResNet50's raw pooled feature is not normalised, as
   * the "Image Search with Milvus" tutorial stores it). Image-only families only: contrastive vectors are always
   * normalised.
   */
  public B normalize(boolean normalize) {
    requireKind(Kind.FEATURES, "normalize(" + normalize + ")");
    this.normalize = normalize;
    return self();
  }

  /** The decoder of {@code embedImages} (default {@link ImageDecoder#standard()}), e.g. with another pixel limit. */
  public B decoder(ImageDecoder decoder) {
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    return self();
  }

  /**
   * Draft decoding in {@code embedImages} (default off, opt-in): a JPEG at least twice as large as the recipe's
   * resize target is decoded at 1/2, 1/4 or 1/8 of its size in the DCT domain first, as Pillow's
   * {@code Image.draft} does ({@link ImagePreprocessor.Builder#draft(boolean)}). About 2x faster on phone photos;
   * the vectors are close to the exact ones but not equal (measured in benchmarks/README.md), so embed a whole
   * collection and its image queries with one setting. An {@code ImageIndex} decodes with its own setting
   * ({@code ImageIndex.Builder.draftDecoding}), as it does with its own decoder.
   */
  public B draftDecoding(boolean draftDecoding) {
    this.draftDecoding = draftDecoding;
    return self();
  }

  /**
   * Where {@code embedImages} decodes and preprocesses the images of a batch (default: the common fork-join pool).
   */
  public B preprocessExecutor(Executor executor) {
    this.preprocessExecutor = Objects.requireNonNull(executor, "executor");
    return self();
  }

  /**
   * Loads the model and builds the embedder.
   *
   * @throws dev.imgsearch.core.ModelException when the model cannot be found or loaded, saying what to pass
   * @throws InvalidInputException when no model source was given
   */
  public final E build() {
    return build.apply(self());
  }

  /** The settings so far, as one immutable value for the embedder being built. */
  public final EmbedderSettings settings() {
    return new EmbedderSettings(family, modelSource(), contextLength, logitScale, inputName, outputName, layout,
        normalize != null ? normalize : family.normalized(), decoder, draftDecoding, preprocessExecutor);
  }

  private void requireKind(Kind kind, String option) {
    if (family.kind() != kind) {
      throw new InvalidInputException(option + " applies to the " + kind + " families (" + kind.families() + "), "
          + "but this builder builds a " + family.displayName() + " embedder, which is " + family.kind() + ". "
          + "Remove the call" + (kind == Kind.FEATURES && family.hasText() ? "; a " + family.displayName()
          + " model is a directory with both towers and tokenizer.json (modelDirectory(path) or fromHub(repoId, "
          + "revision))." : "."));
    }
  }
}
