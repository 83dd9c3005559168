package dev.imgsearch.core.embed;

import java.util.List;

/** Embeds text. Thread-safe unless the implementation says otherwise (see {@link Embedder}). */
public interface TextEmbedder extends Embedder {

  /** Embeds one text. */
  default float[] embedText(String text) {
    return embedTexts(List.of(text)).get(0);
  }

  /**
   * Embeds texts in one batch; element {@code i} of the result embeds {@code texts.get(i)}. An empty list gives an
   * empty list.
   */
  List<float[]> embedTexts(List<String> texts);
}
