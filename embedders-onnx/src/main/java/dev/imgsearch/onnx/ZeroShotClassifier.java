package dev.imgsearch.onnx;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.core.image.ImageInput;
import java.util.ArrayList;
import java.util.List;

/**
 * Zero-shot image classification with a CLIP-like model: each label is put into a prompt template and embedded
 * once; an image's probabilities are the softmax over the labels of {@code logitScale * cosine(image, label)},
 * as {@code model.get_similarity(image, text)} followed by {@code softmax(dim=-1)} computes them in the references.
 * Immutable and thread-safe (as thread-safe as the embedder).
 */
public final class ZeroShotClassifier {
  private final MultimodalEmbedder embedder;
  private final List<String> labels;
  private final List<float[]> labelVectors;

  private ZeroShotClassifier(MultimodalEmbedder embedder, List<String> labels, List<float[]> labelVectors) {
    this.embedder = embedder;
    this.labels = labels;
    this.labelVectors = labelVectors;
  }

  /**
   * Embeds the prompts of the labels.
   *
   * @param template a prompt with {@code {}} where the label goes, e.g. {@code "a photo of a {}"}; {@code "{}"}
   *     uses the label as it is
   */
  public static ZeroShotClassifier of(MultimodalEmbedder embedder, List<String> labels, String template) {
    if (labels == null || labels.isEmpty()) {
      throw new InvalidInputException("Zero-shot classification needs at least one label; pass a list of labels.");
    }
    if (template == null || !template.contains("{}")) {
      throw new InvalidInputException("The prompt template '" + template + "' has no {} for the label; use e.g. "
          + "\"a photo of a {}\" or \"{}\".");
    }
    List<String> prompts = labels.stream().map(l -> template.replace("{}", l)).toList();
    return new ZeroShotClassifier(embedder, List.copyOf(labels), embedder.embedTexts(prompts));
  }

  public List<String> labels() {
    return labels;
  }

  /** Probabilities of the labels (in label order, summing to 1) for an image. */
  public List<Float> classify(ImageInput image) {
    return classify(embedder.embedImage(image));
  }

  /** Probabilities of the labels for an image embedding made by the same embedder. */
  public List<Float> classify(float[] imageEmbedding) {
    double scale = embedder.logitScale();
    double[] logits = new double[labelVectors.size()];
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < logits.length; j++) {
      logits[j] = scale * cosine(imageEmbedding, labelVectors.get(j));
      max = Math.max(max, logits[j]);
    }
    double sum = 0;
    for (int j = 0; j < logits.length; j++) {
      logits[j] = Math.exp(logits[j] - max);
      sum += logits[j];
    }
    List<Float> probabilities = new ArrayList<>(logits.length);
    for (double l : logits) {
      probabilities.add((float) (l / sum));
    }
    return probabilities;
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
  }
}
