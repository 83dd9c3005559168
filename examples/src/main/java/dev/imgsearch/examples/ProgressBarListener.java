package dev.imgsearch.examples;

import dev.imgsearch.pipeline.IndexListener;
import dev.imgsearch.pipeline.IndexProgress;
import java.io.PrintWriter;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar for an indexing run (as the walkthroughs' tqdm bar), drawn by the progressbar library
 * from the {@link IndexListener} callbacks on one line of the given stream (standard error in the programs).
 * Close it when the run ends.
 */
final class ProgressBarListener implements IndexListener, AutoCloseable {
  private static final int WIDTH = 100;
  private final String task;
  private final PrintWriter out;
  private ProgressBar bar;

  ProgressBarListener(String task, PrintWriter out) {
    this.task = task;
    this.out = out;
  }

  @Override
  public void onProgress(IndexProgress p) {
    if (bar == null) {
      bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(p.total()).setStyle(ProgressBarStyle.ASCII)
          .setUnit(" images", 1).setUpdateIntervalMillis(200).showSpeed()
          .setConsumer(new DelegatingProgressBarConsumer(line -> {
            out.print('\r');
            out.print(line);
            out.flush();
          }, WIDTH)).build();
    }
    if (p.total() >= 0 && p.total() != bar.getMax()) {
      bar.maxHint(p.total());
    }
    bar.stepTo(p.done());
    bar.setExtraMessage(p.failed() > 0 ? ", " + p.failed() + " skipped" : "");
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      out.println();
      out.flush();
      bar = null;
    }
  }
}
