package dev.imgsearch.examples;

import dev.imgsearch.core.ImageSearchException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Runs an example's command line: picocli parses the options, and a failure of the SDK is printed as one paragraph
 * (its message says what was wrong and what to do) without a stack trace, with exit status 1. Wrong options give
 * picocli's usage message and status 2; anything else (a bug) its stack trace and status 3.
 */
public final class Cli {
  /** Exit status of a failure the SDK reported ({@link ImageSearchException}) or an I/O failure. */
  public static final int FAILED = 1;
  /** Exit status of an unexpected exception. */
  public static final int BUG = 3;
  private static final int WIDTH = 100;

  private Cli() {}

  /** The command line of an example command, with the examples' error handling. */
  public static CommandLine commandLine(Object command) {
    CommandLine line = new CommandLine(command);
    line.setExecutionExceptionHandler((e, cl, parsed) -> {
      PrintWriter err = cl.getErr();
      if (e instanceof ImageSearchException || e instanceof UncheckedIOException) {
        err.println(wrap("Error: " + e.getMessage(), WIDTH));
        err.flush();
        return FAILED;
      }
      err.println("Unexpected error (please report it with this trace):");
      e.printStackTrace(err);
      err.flush();
      return BUG;
    });
    return line;
  }

  /** Runs a command with the arguments of {@code main} and exits the JVM with its status. */
  public static void main(Object command, String[] args) {
    int status = commandLine(command).execute(args);
    System.exit(status);
  }

  /** A paragraph broken into lines of at most {@code width} characters at spaces. */
  static String wrap(String text, int width) {
    StringBuilder out = new StringBuilder();
    int lineStart = 0;
    for (String word : text.replaceAll("\\s+", " ").strip().split(" ")) {
      int lineLength = out.length() - lineStart;
      if (lineLength > 0 && lineLength + 1 + word.length() > width) {
        out.append(System.lineSeparator());
        lineStart = out.length();
      } else if (lineLength > 0) {
        out.append(' ');
      }
      out.append(word);
    }
    return out.toString();
  }
}
