package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.store.CollectionSpec;
import dev.imgsearch.core.store.IndexSpec;
import dev.imgsearch.core.store.Row;
import dev.imgsearch.core.store.spi.SchemaChecks;
import dev.imgsearch.core.store.spi.SchemaChecks.KeyRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading the store's refusal of a batch: the row it names, the cause, the message for the report. */
class StoreRejectionTest {
  private final CollectionSpec spec = ImageIndex.spec("images", new ColorEmbedder(), IndexSpec.flat());

  private Row row(String id, float[] vector) {
    return Row.builder().put(IndexFields.ID, id).put(IndexFields.PATH, "/" + id).put(IndexFields.SOURCE, "/")
        .put(IndexFields.FILE_SIZE, 1L).put(IndexFields.MODIFIED, 1L).put(IndexFields.CONTENT_HASH, "00")
        .put(IndexFields.VECTOR, vector).build();
  }

  /** What the shared store checks (used by the in-memory and Lucene stores) throw for a batch. */
  private InvalidInputException refusal(List<Row> rows) {
    try {
      SchemaChecks.checkRows(spec, rows, KeyRule.REQUIRED);
    } catch (InvalidInputException e) {
      return e;
    }
    throw new AssertionError("the rows were accepted");
  }

  @Test
  void findsTheRowAndTheCauseInTheSharedStoreChecksMessages() {
    float[] nan = new float[12];
    nan[5] = Float.NaN;
    InvalidInputException shortVector = refusal(List.of(row("a", new float[12]), row("b", new float[12]),
        row("c", new float[11])));
    assertThat(StoreRejection.rowOf(shortVector, 3)).isEqualTo(2);
    assertThat(StoreRejection.causeOf(shortVector)).isEqualTo(IndexFailure.Cause.INVALID_VECTOR);
    assertThat(StoreRejection.messageOf(shortVector))
        .startsWith("the store refused the model's vector for it: Vector field 'vector' has dimension 12 but got "
            + "a vector of 11 values").doesNotContain("Row 2").doesNotContain("collection 'images'");

    InvalidInputException notFinite = refusal(List.of(row("a", new float[12]), row("b", nan)));
    assertThat(StoreRejection.rowOf(notFinite, 2)).isEqualTo(1);
    assertThat(StoreRejection.causeOf(notFinite)).isEqualTo(IndexFailure.Cause.INVALID_VECTOR);
    assertThat(StoreRejection.messageOf(notFinite)).contains("NaN at index 5");

    InvalidInputException noVector = refusal(List.of(row("a", null)));
    assertThat(StoreRejection.causeOf(noVector)).isEqualTo(IndexFailure.Cause.INVALID_VECTOR);

    Row badMetadata = Row.builder().put(IndexFields.ID, "m").put(IndexFields.PATH, "/m").put(IndexFields.SOURCE, "/")
        .put(IndexFields.FILE_SIZE, "big").put(IndexFields.MODIFIED, 1L).put(IndexFields.CONTENT_HASH, "00")
        .put(IndexFields.VECTOR, new float[12]).build();
    InvalidInputException badSize = refusal(List.of(row("a", new float[12]), badMetadata));
    assertThat(StoreRejection.rowOf(badSize, 2)).isEqualTo(1);
    assertThat(StoreRejection.causeOf(badSize)).isEqualTo(IndexFailure.Cause.INVALID_METADATA);
    assertThat(StoreRejection.messageOf(badSize)).startsWith("the store refused its row: Field 'file_size'");

    // A collection in a tutorial's shape names its vector field otherwise.
    InvalidInputException tutorial = new InvalidInputException("Row 0 of the batch for collection 'image_search' "
        + "Vector field 'image_embedding' has dimension 2048 but got a vector of 12 values");
    assertThat(StoreRejection.causeOf(tutorial, "image_embedding")).isEqualTo(IndexFailure.Cause.INVALID_VECTOR);
    assertThat(StoreRejection.causeOf(tutorial)).isEqualTo(IndexFailure.Cause.INVALID_METADATA);
    assertThat(StoreRejection.messageOf(tutorial, "image_embedding"))
        .startsWith("the store refused the model's vector for it: Vector field 'image_embedding'");
  }

  @Test
  void readsRowsNamedWithoutTheBatchPhraseAndIgnoresWhatNamesNoRowOfTheBatch() {
    InvalidInputException milvusStyle = new InvalidInputException("Row 4 has field 'x', which collection 'images' "
        + "does not declare; remove it.");
    assertThat(StoreRejection.rowOf(milvusStyle, 5)).isEqualTo(4);
    assertThat(StoreRejection.messageOf(milvusStyle)).isEqualTo("the store refused its row: it has field 'x', which "
        + "collection 'images' does not declare; remove it.");
    assertThat(StoreRejection.rowOf(milvusStyle, 4)).as("beyond the batch").isEqualTo(-1);
    InvalidInputException noRow = new InvalidInputException("Vector field 'vector' has dimension 12 but got a vector "
        + "of 3 values; check that the embedder matches the collection.");
    assertThat(StoreRejection.rowOf(noRow, 5)).isEqualTo(-1);
    assertThat(StoreRejection.causeOf(noRow)).isEqualTo(IndexFailure.Cause.INVALID_VECTOR);
    assertThat(StoreRejection.rowOf(new InvalidInputException("Rows 1 to 3 are too large"), 5)).isEqualTo(-1);
  }
}
