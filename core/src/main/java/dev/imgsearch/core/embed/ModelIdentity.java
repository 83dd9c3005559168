package dev.imgsearch.core.embed;

import java.util.Objects;

/**
 * What made an embedder's vectors, as an index manifest records it: a {@link #fingerprint()} that two embedders
 * share exactly when they make the same vectors, and a readable {@link #origin()} that says where the model came
 * from (for messages only: the same model from two places has two origins and one fingerprint).
 *
 * <p>The embedders of {@code imgsearch-embedders-onnx} and {@code -djl} compute the fingerprint from content when
 * they load: a SHA-256 over the graph files, the tokenizer, the preprocessing recipe, pooling, normalisation and
 * output name ({@code dev.imgsearch.embedders.ModelFingerprint}), written {@code sha256:<hex>}. An embedder that
 * does not override {@link Embedder#identity()} is identified by its model id ({@link #ofModelId}), written
 * {@code model-id:<id>}, as before fingerprints existed.
 *
 * @param fingerprint {@code sha256:<64 hex digits>} for a content fingerprint, {@code model-id:<id>} otherwise
 * @param origin where the model came from, e.g. {@code hub Xenova/clip-vit-base-patch32@<commit>} or
 *     {@code directory /models/clip}
 */
public record ModelIdentity(String fingerprint, String origin) {
  /** The prefix of a fingerprint computed from content. */
  public static final String CONTENT = "sha256:";
  /** The prefix of a fingerprint that is only a model id. */
  public static final String MODEL_ID = "model-id:";

  public ModelIdentity {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(origin, "origin");
  }

  /** The identity of an embedder known by its model id only: fingerprint {@code model-id:<id>}, origin the id. */
  public static ModelIdentity ofModelId(String modelId) {
    Objects.requireNonNull(modelId, "modelId");
    return new ModelIdentity(MODEL_ID + modelId, modelId);
  }

  /** Whether the fingerprint was computed from the model's content (not only its id). */
  public boolean fromContent() {
    return fingerprint.startsWith(CONTENT);
  }

  /** The fingerprint shortened for messages: {@code sha256:} and the first 12 hex digits. */
  public String shortFingerprint() {
    return fromContent() && fingerprint.length() > CONTENT.length() + 12
        ? fingerprint.substring(0, CONTENT.length() + 12) : fingerprint;
  }
}
