package dev.imgsearch.embedders;

import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.embed.ModelIdentity;
import dev.imgsearch.core.store.MetricType;
import dev.imgsearch.image.ImagePreprocessor;
import dev.imgsearch.image.ImageRecipe;
import dev.imgsearch.image.PixelEmbedder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * What the embedder of any {@link ModelFamily} is, whatever runs its model: a runtime loads the graphs and hands
 * over an image {@link Tower}; this class gives the {@link PixelEmbedder} around it (the family's metric,
 * normalisation as the settings say, the {@link ImagePreprocessor} made of the builder's decoder and executor and the
 * model's recipe, closing every native resource once, refusing calls after {@link #close()}). The image-only
 * embedders of the runtimes extend it; the contrastive ones extend {@link ContrastiveFamilyEmbedder}.
 * Thread-safe when the tower is.
 */
public abstract class FamilyEmbedder implements PixelEmbedder {
  private final ModelFamily family;
  private final String modelId;
  private final ImageRecipe recipe;
  private final ImagePreprocessor preprocessor;
  private final boolean normalize;
  private final Tower<float[]> images;
  private final int dimension;
  private final ModelIdentity identity;
  private final List<AutoCloseable> resources;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * One tower of a loaded model: embeds a batch in one call, one vector (pooled, not yet normalised) per input,
   * in input order.
   *
   * @param <T> what the tower takes: preprocessed pixels ({@code float[]}) or texts
   */
  @FunctionalInterface
  public interface Tower<T> {
    /** The vectors of {@code batch}, one per element; never called with an empty batch. */
    List<float[]> embed(List<T> batch);
  }

  /**
   * What a runtime loaded for the image side.
   *
   * @param modelId the id to record in index manifests
   * @param recipe the preprocessing recipe the tower expects
   * @param images the image tower
   * @param dimension the vector size
   * @param resources what the embedder owns (sessions, models, predictors, tokenizers), in the order they were
   *     opened; closed in reverse by {@link #close()}, each once
   * @param identity the model's fingerprint and origin ({@link EmbedderSettings#identity}), or null to identify
   *     it by its model id only
   */
  public record Loaded(String modelId, ImageRecipe recipe, Tower<float[]> images, int dimension,
      List<AutoCloseable> resources, ModelIdentity identity) {

    /** What a runtime loaded, identified by its model id only. */
    public Loaded(String modelId, ImageRecipe recipe, Tower<float[]> images, int dimension,
        List<AutoCloseable> resources) {
      this(modelId, recipe, images, dimension, resources, null);
    }
  }

  /** For the embedders of the runtime modules; closes {@code loaded}'s resources if it throws. */
  protected FamilyEmbedder(EmbedderSettings settings, Loaded loaded) {
    this.family = settings.family();
    this.modelId = loaded.modelId();
    this.recipe = loaded.recipe();
    this.preprocessor = settings.preprocessor(recipe);
    this.normalize = settings.normalize();
    this.images = loaded.images();
    this.dimension = loaded.dimension();
    this.identity = loaded.identity() != null ? loaded.identity() : ModelIdentity.ofModelId(modelId);
    this.resources = List.copyOf(loaded.resources());
  }

  /**
   * Runs {@code load} with a list to which it adds each native resource it opens; when it throws, closes those
   * (last opened first) before rethrowing, so that a failed build leaks nothing.
   */
  protected static <T> T opening(Function<List<AutoCloseable>, T> load) {
    List<AutoCloseable> owned = new ArrayList<>();
    try {
      return load.apply(owned);
    } catch (RuntimeException | Error e) {
      NativeResources.closeAll(owned);
      throw e;
    }
  }

  /** Adds {@code resource} to {@code owned} and returns it. */
  protected static <T extends AutoCloseable> T keep(T resource, List<AutoCloseable> owned) {
    owned.add(resource);
    return resource;
  }

  /** The family this embedder runs. */
  public ModelFamily family() {
    return family;
  }

  @Override
  public String modelId() {
    return modelId;
  }

  /** The fingerprint of the model's files and settings, computed when it loaded, and where it came from. */
  @Override
  public ModelIdentity identity() {
    return identity;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public boolean normalized() {
    return normalize;
  }

  @Override
  public MetricType metric() {
    return family.metric();
  }

  @Override
  public ImageRecipe recipe() {
    return recipe;
  }

  @Override
  public ImagePreprocessor preprocessor() {
    return preprocessor;
  }

  /**
   * {@inheritDoc}
   *
   * @throws InvalidInputException when an array is null or not of {@code recipe().tensorSize()} values
   */
  @Override
  public List<float[]> embedPixels(List<float[]> pixels) {
    checkOpen();
    int size = recipe.tensorSize();
    for (int i = 0; i < pixels.size(); i++) {
      float[] p = pixels.get(i);
      if (p == null || p.length != size) {
        throw new InvalidInputException("Image " + i + " of the batch has " + (p == null ? "no" : p.length)
            + " values; this model needs " + size + " (3x" + recipe.height() + "x" + recipe.width() + " CHW, made "
            + "by the embedder's recipe()).");
      }
    }
    return embed(images, pixels);
  }

  /** Throws {@link ClosedException} once the embedder is closed. */
  protected final void checkOpen() {
    if (closed.get()) {
      throw new ClosedException(family.displayName() + " embedder " + modelId);
    }
  }

  /** Runs {@code tower} on an open embedder, normalising as the settings say. */
  protected final <T> List<float[]> embed(Tower<T> tower, List<T> batch) {
    checkOpen();
    if (batch.isEmpty()) {
      return List.of();
    }
    List<float[]> vectors = tower.embed(batch);
    return normalize ? Vectors.normaliseAll(vectors) : vectors;
  }

  /** Closes every native resource, once; later calls throw {@link ClosedException}. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      NativeResources.closeAll(resources);
    }
  }

  /** What {@link #toString()} shows besides the model id and dimension (a runtime adds its engine). */
  protected String describe() {
    return "recipe=" + recipe.id() + ", normalized=" + normalize;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "{" + modelId + ", dimension=" + dimension + ", " + describe() + "}";
  }
}
