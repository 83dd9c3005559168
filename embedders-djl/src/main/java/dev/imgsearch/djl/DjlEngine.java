package dev.imgsearch.djl;

import ai.djl.engine.Engine;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.embedders.ModelDirectory.Format;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DJL engines the embedders run on. An application picks engines through its dependencies (see the module's
 * README): each engine's jars, its native library included, come from Maven Central, and nothing is downloaded at
 * run time. Loading this class turns DJL's offline mode on ({@code ai.djl.offline=true}) unless the application
 * set {@code ai.djl.offline} or {@code DJL_OFFLINE} itself, so a missing native library is an error that names
 * the artifact to add, never a download.
 */
public enum DjlEngine {
  /** PyTorch (LibTorch) running TorchScript files ({@code .pt}). */
  PYTORCH("PyTorch", Format.TORCHSCRIPT, "ai.djl.pytorch:pytorch-engine, ai.djl.pytorch:pytorch-jni (2.7.1-"
      + "<djl version>) and the LibTorch binaries ai.djl.pytorch:pytorch-native-cpu:2.7.1 with the classifier of "
      + "this platform (e.g. linux-x86_64)"),
  /** ONNX Runtime running ONNX files ({@code .onnx}). */
  ONNX_RUNTIME("OnnxRuntime", Format.ONNX, "ai.djl.onnxruntime:onnxruntime-engine and "
      + "com.microsoft.onnxruntime:onnxruntime");

  private static final Logger LOG = LoggerFactory.getLogger(DjlEngine.class);
  private static final AtomicBoolean OPENMP_ADVISED = new AtomicBoolean();

  static {
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  private final String djlName;
  private final Format format;
  private final String artifacts;

  DjlEngine(String djlName, Format format, String artifacts) {
    this.djlName = djlName;
    this.format = format;
    this.artifacts = artifacts;
  }

  /** DJL's name of the engine ({@code Criteria.optEngine}). */
  public String djlName() {
    return djlName;
  }

  /** The model file format this engine runs. */
  public Format format() {
    return format;
  }

  /** The Maven artifacts the engine needs on the class path. */
  public String artifacts() {
    return artifacts;
  }

  /** Whether the engine's Java classes are on the class path (its native library is only checked on first use). */
  public boolean onClassPath() {
    return Engine.getAllEngines().contains(djlName);
  }

  /**
   * The engine, started (native library loaded) if needed.
   *
   * @throws ModelException naming the artifacts to add when the engine or its native library is missing
   */
  public Engine start() {
    if (!onClassPath()) {
      throw new ModelException("The DJL " + djlName + " engine is not on the class path. Add " + artifacts
          + " to the application's dependencies (see the embedders-djl README for the Maven snippet).");
    }
    if (this == PYTORCH && OPENMP_ADVISED.compareAndSet(false, true)) {
      openMpAdvice(System.getenv()).ifPresent(LOG::info);
    }
    try {
      return Engine.getEngine(djlName);
    } catch (ExceptionInInitializerError e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      if (this == ONNX_RUNTIME && String.valueOf(cause.getMessage()).contains("already exists")) {
        throw new ModelException("DJL's ONNX Runtime engine cannot start: another library (e.g. "
            + "imgsearch-embedders-onnx) created ONNX Runtime's process-wide environment first, and DJL insists on "
            + "creating it. Build a DJL ONNX Runtime embedder (or call DjlEngine.ONNX_RUNTIME.start()) before any "
            + "other ONNX Runtime use in the JVM.", cause);
      }
      throw new ModelException("The DJL " + djlName + " engine failed to start (" + cause.getMessage() + "). Check "
          + "that " + artifacts + " are on the class path, for this platform.", cause);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new ModelException("The DJL " + djlName + " engine could not load its native library (" + e.getMessage()
          + "). With DJL's offline mode on, nothing is downloaded: add " + artifacts + " to the application's "
          + "dependencies, for this platform (" + System.getProperty("os.name") + ", " + System.getProperty("os.arch")
          + ").", e);
    }
  }

  /**
   * Advice for a process whose environment leaves LibTorch's OpenMP threads spinning after each run (libgomp's
   * default): they then take the cores that decode the next batch (measured: the whole path of CLIP ViT-B/32 on DJL's
   * PyTorch engine at 0.88x of embedders-onnx, 0.96x with {@code OMP_WAIT_POLICY=PASSIVE}). OpenMP reads the
   * variable when LibTorch loads, so only the launch environment can set it.
   */
  static Optional<String> openMpAdvice(Map<String, String> environment) {
    if (environment.containsKey("OMP_WAIT_POLICY")) {
      return Optional.empty();
    }
    return Optional.of("LibTorch's OpenMP threads spin-wait between runs and take CPU from image decoding; for "
        + "throughput, launch the JVM with the environment variable OMP_WAIT_POLICY=PASSIVE.");
  }

  /** The engine that runs files with this extension ({@code .pt}, {@code .onnx}). */
  static Optional<DjlEngine> forFile(String fileName) {
    for (DjlEngine e : values()) {
      if (fileName.endsWith(e.format.extension())) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The engine to use when the builder names none and the model does not tell: ONNX Runtime, else PyTorch. */
  static DjlEngine defaultEngine() {
    for (DjlEngine e : new DjlEngine[] {ONNX_RUNTIME, PYTORCH}) {
      if (e.onClassPath()) {
        return e;
      }
    }
    LOG.debug("No DJL engine on the class path");
    throw new ModelException("No DJL engine is on the class path. Add the PyTorch engine (" + PYTORCH.artifacts
        + ") or the ONNX Runtime engine (" + ONNX_RUNTIME.artifacts + "); see the embedders-djl README.");
  }
}
