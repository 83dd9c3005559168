package dev.imgsearch.spark;

import dev.imgsearch.core.store.VectorStore;
import java.io.Serializable;

/**
 * Where a job writes: opens a {@link VectorStore} on the driver (to create or check the collection) and on each
 * task (to look up and upsert). Serializable, so it travels with the tasks; {@link MilvusTarget} is the usual one.
 */
@FunctionalInterface
public interface StoreTarget extends Serializable {
  /** Opens a new store; the caller closes it. */
  VectorStore open();
}
