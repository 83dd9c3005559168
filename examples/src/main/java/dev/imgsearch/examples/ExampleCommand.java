package dev.imgsearch.examples;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every example has: its output streams (picocli's, so a test can capture them) and the environment it reads
 * hub settings from ({@code HF_ENDPOINT}, {@code HF_HOME}, {@code HF_HUB_OFFLINE}, {@code HF_TOKEN}).
 */
abstract class ExampleCommand implements Callable<Integer> {
  /** {@code === title ===}, as hello_milvus.py's {@code fmt}. */
  static final String SECTION = "%n=== %-30s ===%n%n";

  @Spec
  CommandSpec spec;

  private final Map<String, String> environment;

  ExampleCommand(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  Map<String, String> environment() {
    return environment;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  void section(String title) {
    out().printf(SECTION, title);
    out().flush();
  }

  @Override
  public final Integer call() throws Exception {
    try {
      run();
      return 0;
    } finally {
      out().flush();
      err().flush();
    }
  }

  /** The walkthrough's steps. */
  abstract void run() throws Exception;
}
