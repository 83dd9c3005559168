package dev.imgsearch.embedders;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.embedders.text.TextTokenizer;
import java.util.List;

/**
 * The embedder of a contrastive {@link ModelFamily} (CLIP, Chinese-CLIP), whatever runs its model: the image side of
 * {@link FamilyEmbedder} plus a text tower into the same space, L2-normalised, compared by the family's metric, with
 * the logit scale for zero-shot labels. The runtimes' contrastive embedders extend it. Thread-safe when the towers
 * are.
 */
public abstract class ContrastiveFamilyEmbedder extends FamilyEmbedder implements MultimodalEmbedder {
  private final TextTokenizer tokenizer;
  private final Tower<String> texts;
  private final float logitScale;

  /**
   * What a runtime loaded for the text side.
   *
   * @param tokenizer the tokenizer (also among the image side's resources)
   * @param texts the text tower
   * @param dimension its vector size, which must equal the image tower's
   * @param logitScale exp(logit_scale)
   */
  public record LoadedText(TextTokenizer tokenizer, Tower<String> texts, int dimension, float logitScale) {}

  /**
   * For the embedders of the runtime modules.
   *
   * @throws ModelException when the towers' dimensions differ (after closing the resources)
   */
  protected ContrastiveFamilyEmbedder(EmbedderSettings settings, Loaded image, LoadedText text) {
    super(settings, image);
    if (image.dimension() != text.dimension()) {
      close();
      throw new ModelException("The image embeddings of " + image.modelId() + " have " + image.dimension()
          + " dimensions but the text embeddings " + text.dimension() + "; the two towers do not belong to one "
          + "model. Put the vision and text graphs of one export together.");
    }
    this.tokenizer = text.tokenizer();
    this.texts = text.texts();
    this.logitScale = text.logitScale();
  }

  @Override
  public float logitScale() {
    return logitScale;
  }

  /** The tokenizer this embedder uses (context length, ids), for inspection and tests. */
  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /**
   * {@inheritDoc}
   *
   * @throws InvalidInputException when a text is null
   */
  @Override
  public List<float[]> embedTexts(List<String> batch) {
    checkOpen();
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i) == null) {
        throw new InvalidInputException("Text " + i + " of the batch is null; pass a string (it may be empty).");
      }
    }
    return embed(texts, batch);
  }
}
