package dev.imgsearch.embedders;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closing what an embedder owns (sessions, predictors, models, tokenizers): in the reverse of the order they were
 * opened, each object once even when listed twice (one ONNX file serving both towers), every one of them even when
 * another fails; a failure is logged, since the embedder is being discarded anyway.
 */
public final class NativeResources {
  private static final Logger LOG = LoggerFactory.getLogger(NativeResources.class);

  private NativeResources() {}

  /** Closes {@code resources}, the last opened first, each once. */
  public static void closeAll(List<? extends AutoCloseable> resources) {
    List<AutoCloseable> reversed = new ArrayList<>(resources);
    Collections.reverse(reversed);
    Set<AutoCloseable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (AutoCloseable r : reversed) {
      if (seen.add(r)) {
        try {
          r.close();
        } catch (Exception e) {
          LOG.warn("Closing {} failed: {}", r, e.getMessage());
        }
      }
    }
  }
}
