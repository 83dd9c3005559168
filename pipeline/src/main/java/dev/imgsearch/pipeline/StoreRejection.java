package dev.imgsearch.pipeline;

import dev.imgsearch.core.InvalidInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an {@link InvalidInputException} a store threw for a batch of rows: which row it names, and what to put
 * in the report of the image that row belongs to. The stores name the row the way {@code SchemaChecks} does
 * ({@code "Row 3 of the batch for collection 'images' Vector field 'vector' has dimension 12 but got ..."}); a
 * store that names no row is handled by the writer, which then writes the rows one by one.
 */
final class StoreRejection {
  /** "Row N " and, as the shared store checks write it, "of the batch for collection '...' ". */
  private static final Pattern ROW = Pattern.compile("^Row (\\d{1,9}) (?:of the batch for collection '[^']*' )?");

  private StoreRejection() {}

  /** The index of the row the message names, or -1 when it names none within a batch of {@code size} rows. */
  static int rowOf(InvalidInputException e, int size) {
    Matcher m = ROW.matcher(String.valueOf(e.getMessage()));
    if (!m.find()) {
      return -1;
    }
    int row = Integer.parseInt(m.group(1));
    return row < size ? row : -1;
  }

  /** Whether the store refused the vector (wrong dimension, not finite, missing) rather than another value. */
  static IndexFailure.Cause causeOf(InvalidInputException e) {
    return causeOf(e, IndexFields.VECTOR);
  }

  /** {@link #causeOf(InvalidInputException)} for a collection whose vector field is {@code vectorField}. */
  static IndexFailure.Cause causeOf(InvalidInputException e, String vectorField) {
    Pattern field = Pattern.compile("(?i)\\bfield '" + Pattern.quote(vectorField) + "'");
    return field.matcher(String.valueOf(e.getMessage())).find() ? IndexFailure.Cause.INVALID_VECTOR
        : IndexFailure.Cause.INVALID_METADATA;
  }

  /**
   * The report's message for the image of a refused row: the store's reason without the row's position in the
   * batch (the report names the image itself).
   */
  static String messageOf(InvalidInputException e) {
    return messageOf(e, IndexFields.VECTOR);
  }

  /** {@link #messageOf(InvalidInputException)} for a collection whose vector field is {@code vectorField}. */
  static String messageOf(InvalidInputException e, String vectorField) {
    String m = String.valueOf(e.getMessage());
    Matcher row = ROW.matcher(m);
    String reason = row.find() ? m.substring(row.end()) : m;
    if (!reason.isEmpty() && Character.isLowerCase(reason.charAt(0))) {
      reason = "it " + reason; // "has no value for field ..." reads as a sentence about the row
    }
    return causeOf(e, vectorField) == IndexFailure.Cause.INVALID_VECTOR
        ? "the store refused the model's vector for it: " + reason
        : "the store refused its row: " + reason;
  }
}
