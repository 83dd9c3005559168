package dev.imgsearch.core.pipeline;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.embed.MultimodalEmbedder;
import dev.imgsearch.core.image.ImageDecoder;
import dev.imgsearch.core.image.ImageInput;
import dev.imgsearch.core.store.MetricType;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Zero-shot classification with a CLIP-like model, as CLIP and Chinese-CLIP do it: each label is put into a
 * template ({@code "a photo of a {}."}), the texts and the image are embedded, their cosine similarities are
 * multiplied by the model's {@link MultimodalEmbedder#logitScale()} and turned into probabilities by a softmax.
 * Thread-safe when the embedder is.
 *
 * <pre>{@code
 * new ZeroShotClassifier(chineseClip).classify(ImageInput.of(Path.of("pokemon.jpeg")),
 *     List.of("杰尼龟", "妙蛙种子", "小火龙", "皮卡丘"), "{}");
 * }</pre>
 */
public final class ZeroShotClassifier {
  /** The placeholder for the label in a template. */
  public static final String PLACEHOLDER = "{}";

  private final MultimodalEmbedder embedder;
  private final ImageDecoder decoder;

  /** A classifier decoding with {@link ImageDecoder#standard()}. */
  public ZeroShotClassifier(MultimodalEmbedder embedder) {
    this(embedder, ImageDecoder.standard());
  }

  public ZeroShotClassifier(MultimodalEmbedder embedder, ImageDecoder decoder) {
    this.embedder = Objects.requireNonNull(embedder, "embedder");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
  }

  /** Classifies an image among labels used as they are (template {@code "{}"}). */
  public List<LabelProbability> classify(ImageInput image, List<String> labels) {
    return classify(image, labels, PLACEHOLDER);
  }

  /**
   * Classifies an image among labels.
   *
   * @param template a text with {@code {}} where the label goes, e.g. {@code "a photo of a {}."}
   * @return one probability per label, in the order of {@code labels}
   */
  public List<LabelProbability> classify(ImageInput image, List<String> labels, String template) {
    check(labels, template);
    float[] v = embedder.embedPixels(List.of(embedder.recipe().apply(decoder.decode(image)))).get(0);
    return classify(v, labels, template);
  }

  /** Classifies an image given by its embedding (e.g. a vector stored in an index). */
  public List<LabelProbability> classify(float[] imageVector, List<String> labels, String template) {
    check(labels, template);
    if (imageVector.length != embedder.dimension()) {
      throw new InvalidInputException("The image vector has " + imageVector.length + " values but model '"
          + embedder.modelId() + "' makes " + embedder.dimension() + "; embed the image with the same model.");
    }
    List<String> texts = new ArrayList<>(labels.size());
    for (String label : labels) {
      texts.add(template.replace(PLACEHOLDER, label));
    }
    List<float[]> textVectors = embedder.embedTexts(texts);
    double scale = embedder.logitScale();
    double[] logits = new double[labels.size()];
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < logits.length; i++) {
      logits[i] = scale * MetricType.COSINE.score(imageVector, textVectors.get(i));
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

  private static void check(List<String> labels, String template) {
    if (labels == null || labels.isEmpty()) {
      throw new InvalidInputException("Zero-shot classification needs at least one label; pass the class names.");
    }
    if (template == null || !template.contains(PLACEHOLDER)) {
      throw new InvalidInputException("Template '" + template + "' has no '{}' for the label; use e.g. "
          + "\"a photo of a {}.\" or \"{}\".");
    }
  }
}
