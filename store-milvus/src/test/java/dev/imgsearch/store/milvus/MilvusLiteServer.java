package dev.imgsearch.store.milvus;

import io.milvus.v2.client.ConnectConfig;
import io.milvus.v2.client.MilvusClientV2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code milvus-lite server} process for the integration tests: bound to 127.0.0.1 on a free port, with its own
 * data directory, its output appended to a log file, and a health wait that connects a real client. It can be
 * stopped and started again on the same port and data directory (to test a server that goes away mid-run).
 *
 * <p>The Python interpreter comes from the project's virtual environment ({@code .venv/bin/python}, installed by
 * {@code pip install -r requirements-test.txt}); the {@code milvus-lite} script sits beside it.
 */
final class MilvusLiteServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MilvusLiteServer.class);

  private final Path python;
  private final Path dataDir;
  private final Path logFile;
  private final int port;
  private final Duration startTimeout;
  private Process process;

  private MilvusLiteServer(Path python, Path dataDir, Path logFile, int port, Duration startTimeout) {
    this.python = python;
    this.dataDir = dataDir;
    this.logFile = logFile;
    this.port = port;
    this.startTimeout = startTimeout;
  }

  /**
   * Starts a server on a free loopback port with a new data directory under {@code workDir}.
   *
   * @throws IllegalStateException when the server cannot be started; the message says why and what to do
   */
  static MilvusLiteServer start(Path python, Path workDir, String name, Duration startTimeout) {
    if (!Files.isExecutable(python)) {
      throw new IllegalStateException("No Python interpreter at " + python + " to run Milvus Lite. Install the test "
          + "server from the repository root: python3 -m venv .venv && .venv/bin/pip install -r requirements-test.txt"
          + " (or point -Dmilvus.python at a Python that has milvus-lite, or set MILVUS_URI to a running server).");
    }
    IllegalStateException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      int port = freePort();
      try {
        Files.createDirectories(workDir);
        Path dataDir = Files.createTempDirectory(workDir, name + "-data-");
        Path logFile = workDir.resolve(name + "-" + port + ".log");
        MilvusLiteServer server = new MilvusLiteServer(python, dataDir, logFile, port, startTimeout);
        server.startProcess();
        return server;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (IllegalStateException e) {
        // Most likely another process took the port between probing and binding: try another one.
        last = e;
        log.warn("Milvus Lite did not start on attempt {}: {}", attempt, e.getMessage());
      }
    }
    throw last;
  }

  /** The endpoint, {@code http://127.0.0.1:PORT}. */
  String uri() {
    return "http://127.0.0.1:" + port;
  }

  Path logFile() {
    return logFile;
  }

  Path dataDir() {
    return dataDir;
  }

  synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Stops the process (SIGTERM, then SIGKILL after 15 s); the data directory stays. */
  synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Kills the process at once (SIGKILL), as a crash would; the data directory stays. */
  synchronized void kill() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    process = null;
  }

  /** Starts the process again on the same port and data directory, and waits until it answers. */
  synchronized void restart() {
    stop();
    startProcess();
  }

  @Override
  public void close() {
    stop();
  }

  private synchronized void startProcess() {
    Path script = python.resolveSibling("milvus-lite");
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(script)) {
      command.add(script.toString());
    } else {
      command.add(python.toString());
      command.add("-m");
      command.add("milvus_lite");
    }
    command.addAll(List.of("server", "--data-dir", dataDir.toString(), "--host", "127.0.0.1",
        "--port", Integer.toString(port)));
    try {
      Files.writeString(logFile, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      pb.environment().put("PYTHONUNBUFFERED", "1");
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("Could not run " + command.get(0) + ": " + e.getMessage()
          + ". Install the test server: python3 -m venv .venv && .venv/bin/pip install -r requirements-test.txt", e);
    }
    awaitHealthy();
  }

  private void awaitHealthy() {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    String lastError = "no attempt";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("Milvus Lite exited with code " + process.exitValue() + " before it answered "
            + "on " + uri() + ". Its log, " + logFile + ", ends with:\n" + tail(logFile));
      }
      try {
        MilvusClientV2 client = new MilvusClientV2(ConnectConfig.builder().uri(uri()).connectTimeoutMs(1000).build());
        try {
          client.listCollections();
          log.info("Milvus Lite answers on {} (data {}, log {})", uri(), dataDir, logFile);
          return;
        } finally {
          client.close();
        }
      } catch (RuntimeException e) {
        lastError = e.toString();
      }
      sleep(250);
    }
    stop();
    throw new IllegalStateException("Milvus Lite did not answer on " + uri() + " within " + startTimeout.toSeconds()
        + " s (last error: " + lastError + "). Its log, " + logFile + ", ends with:\n" + tail(logFile));
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("No free loopback port for Milvus Lite", e);
    }
  }

  private static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for Milvus Lite", e);
    }
  }
}
