package dev.imgsearch.pipeline;

import dev.imgsearch.core.store.QueryRequest;
import dev.imgsearch.core.store.Row;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The end of a run with {@linkplain IndexSource#sync() sync}: deletes the rows of the source the run did not see. */
final class SyncPass {
  private static final Logger LOG = LoggerFactory.getLogger(SyncPass.class);
  private static final int PAGE = 1024;

  private SyncPass() {}

  /**
   * Pages through the source's rows by id and deletes those of images the run did not see, except under items
   * the source could not list; returns how many were deleted.
   */
  static long run(RunState run) {
    String key = run.source.key();
    long removed = 0;
    Object after = null;
    List<Object> doomed = new ArrayList<>();
    while (true) {
      List<Row> page = run.store().query(QueryRequest.builder(run.collection())
          .filter(StoreFilters.sourceAfter(IndexFields.SOURCE, key, run.settings.idField(), after))
          .outputFields(run.settings.pathField()).limit(PAGE).build());
      for (Row r : page) {
        String id = run.settings.idOf(r);
        if (!run.seen(id) && !run.underUnlisted(String.valueOf(r.get(run.settings.pathField())))) {
          doomed.add(run.settings.key(id));
        }
        after = run.settings.key(id);
      }
      if (doomed.size() >= PAGE || (page.size() < PAGE && !doomed.isEmpty())) {
        run.store().delete(run.collection(), doomed);
        removed += doomed.size();
        doomed.clear();
      }
      if (page.size() < PAGE) {
        break;
      }
    }
    if (removed > 0) {
      LOG.info("Sync of '{}' removed {} rows of deleted or excluded images", key, removed);
    }
    return removed;
  }
}
