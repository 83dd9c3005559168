package dev.imgsearch.spark;

import java.io.Serializable;

/**
 * Called on the executors after each batch a task has upserted: for progress reporting of your own, and for tests
 * that inject failures (throwing from it fails the task attempt, which Spark retries). Runs on task threads.
 */
@FunctionalInterface
public interface PartitionHook extends Serializable {
  /** Does nothing. */
  PartitionHook NONE = (partition, attempt, rows) -> {};

  /**
   * @param partition the task's partition
   * @param attempt the task's attempt number (0 first)
   * @param rowsWritten rows this attempt has upserted so far
   */
  void afterUpsert(int partition, int attempt, long rowsWritten);
}
