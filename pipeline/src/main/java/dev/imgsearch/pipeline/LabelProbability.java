package dev.imgsearch.pipeline;

import java.util.Objects;

/**
 * One label of a zero-shot classification and its probability; the probabilities of one classification sum to 1.
 *
 * @param label the label as given
 * @param probability in [0, 1]
 */
public record LabelProbability(String label, double probability) {
  public LabelProbability {
    Objects.requireNonNull(label, "label");
  }
}
