package dev.imgsearch.pipeline;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.core.store.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Zero-shot classification with a CLIP-like model, as CLIP and Chinese-CLIP do it: each label is put into a
 * template ({@code "a photo of a {}."}) and embedded once; an image's probabilities are the softmax over the
 * labels of {@link MultimodalEmbedder#logitScale()} times the cosine similarity of image and label, as
 * {@code model.get_similarity(image, text).softmax(dim=-1)} computes them in the references. Immutable and
 * thread-safe (as the embedder is). {@link ImageIndex#classify} uses it.
 *
 * <pre>{@code
 * ZeroShotClassifier pokemon = ZeroShotClassifier.of(chineseClip, List.of("杰尼龟", "妙蛙种子", "小火龙", "皮卡丘"), "{}");
 * List<LabelProbability> p = pokemon.classify(ImageInput.of(Path.of("pokemon.jpeg")));
 * }</pre>
 */
public final class ZeroShotClassifier {
  /** The placeholder for the label in a template. */
  public static final String PLACEHOLDER = "{}";

  private final MultimodalEmbedder embedder;
  private final List<String> labels;
  private final List<float[]> labelVectors;

  private ZeroShotClassifier(MultimodalEmbedder embedder, List<String> labels, List<float[]> labelVectors) {
    this.embedder = embedder;
    this.labels = labels;
    this.labelVectors = labelVectors;
  }

  /**
   * A classifier among labels: embeds {@code template} with each label in place of {@code {}}.
   *
   * @param template e.g. {@code "a photo of a {}."}; {@code "{}"} uses the labels as they are
   */
  public static ZeroShotClassifier of(MultimodalEmbedder embedder, List<String> labels, String template) {
    Objects.requireNonNull(embedder, "embedder");
    if (labels == null || labels.isEmpty()) {
      throw new InvalidInputException("Zero-shot classification needs at least one label; pass the class names.");
    }
    if (template == null || !template.contains(PLACEHOLDER)) {
      throw new InvalidInputException("Template '" + template + "' has no '{}' for the label; use e.g. "
          + "\"a photo of a {}.\" or \"{}\".");
    }
    List<String> texts = new ArrayList<>(labels.size());
    for (String label : labels) {
      texts.add(template.replace(PLACEHOLDER, label));
    }
    return new ZeroShotClassifier(embedder, List.copyOf(labels), List.copyOf(embedder.embedTexts(texts)));
  }

  /** The labels, in order. */
  public List<String> labels() {
    return labels;
  }

  /** Classifies an image (decoded with {@link dev.imgsearch.image.ImageDecoder#standard()}). */
  public List<LabelProbability> classify(ImageInput image) {
    return classify(embedder.embedImage(image));
  }

  /**
   * Classifies an image given by its embedding from the same model (e.g. a vector stored in an index).
   *
   * @return one probability per label, in label order, summing to 1
   */
  public List<LabelProbability> classify(float[] imageVector) {
    if (imageVector.length != embedder.dimension()) {
      throw new InvalidInputException("The image vector has " + imageVector.length + " values but model '"
          + embedder.modelId() + "' makes " + embedder.dimension() + "; embed the image with the same model.");
    }
    double scale = embedder.logitScale();
    double[] logits = new double[labels.size()];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      logits[i] = scale * MetricType.COSINE.score(imageVector, labelVectors.get(i));
      max = Math.max(max, logits[i]);
    }
    double sum = 0;
    for (int i = 0; i < logits.length; i++) {
      logits[i] = Math.exp(logits[i] - max);
      sum += logits[i];
    }
    List<LabelProbability> out = new ArrayList<>(labels.size());
    for (int i = 0; i < logits.length; i++) {
      out.add(new LabelProbability(labels.get(i), logits[i] / sum));
    }
    return List.copyOf(out);
  }
}
