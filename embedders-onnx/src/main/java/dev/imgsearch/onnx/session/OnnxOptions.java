package dev.imgsearch.onnx.session;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;

/**
 * How ONNX Runtime runs a model: threads, graph optimisation and the execution provider. Immutable; make one with
 * {@link #builder()}, or use {@link #defaults()} (ONNX Runtime's thread defaults, all graph optimisations, CUDA when
 * the GPU runtime {@code com.microsoft.onnxruntime:onnxruntime_gpu} is on the class path and a GPU answers, else CPU).
 */
public final class OnnxOptions {

  /** Graph optimisation levels, as ONNX Runtime names them. */
  public enum Optimization {
    /** No graph optimisation. */
    NONE(OrtSession.SessionOptions.OptLevel.NO_OPT),
    /** Constant folding and redundant-node removal. */
    BASIC(OrtSession.SessionOptions.OptLevel.BASIC_OPT),
    /** BASIC plus node fusions. */
    EXTENDED(OrtSession.SessionOptions.OptLevel.EXTENDED_OPT),
    /** Every optimisation, including layout changes (the default). */
    ALL(OrtSession.SessionOptions.OptLevel.ALL_OPT);

    private final OrtSession.SessionOptions.OptLevel level;

    Optimization(OrtSession.SessionOptions.OptLevel level) {
      this.level = level;
    }
  }

  /** Where the model runs. */
  public enum Device {
    /** CUDA when the GPU runtime is on the class path, else CPU. */
    AUTO,
    /** Always the CPU. */
    CPU,
    /** A CUDA GPU; fails when the GPU runtime or the GPU is missing. */
    CUDA
  }

  private static final OnnxOptions DEFAULTS = builder().build();

  private final int intraOpThreads;
  private final int interOpThreads;
  private final Optimization optimization;
  private final Device device;
  private final int gpuDeviceId;
  private final boolean spinWait;

  private OnnxOptions(Builder b) {
    this.intraOpThreads = b.intraOpThreads;
    this.interOpThreads = b.interOpThreads;
    this.optimization = b.optimization;
    this.device = b.device;
    this.gpuDeviceId = b.gpuDeviceId;
    this.spinWait = b.spinWait;
  }

  /** ONNX Runtime's defaults: all optimisations, automatic thread counts, {@link Device#AUTO}. */
  public static OnnxOptions defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Threads used inside one operator; 0 lets ONNX Runtime choose (one per physical core). */
  public int intraOpThreads() {
    return intraOpThreads;
  }

  /** Threads used to run independent operators in parallel; 0 lets ONNX Runtime choose. */
  public int interOpThreads() {
    return interOpThreads;
  }

  public Optimization optimization() {
    return optimization;
  }

  public Device device() {
    return device;
  }

  public int gpuDeviceId() {
    return gpuDeviceId;
  }

  /**
   * Whether ONNX Runtime's intra-op threads spin-wait for work after a run (ONNX Runtime's
   * {@code session.intra_op.allow_spinning}). ONNX Runtime spins by default; this SDK does not, because between two
   * runs the same cores decode and preprocess the next images, and spinning threads would take that time from them.
   */
  public boolean spinWait() {
    return spinWait;
  }

  /** Whether these options put the model on a CUDA GPU in this process. */
  public boolean usesCuda() {
    return switch (device) {
      case CPU -> false;
      case CUDA -> true;
      case AUTO -> OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    };
  }

  /** Makes ONNX Runtime session options from these; the caller closes them. */
  OrtSession.SessionOptions toSessionOptions() {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    try {
      options.setOptimizationLevel(optimization.level);
      if (intraOpThreads > 0) {
        options.setIntraOpNumThreads(intraOpThreads);
      }
      if (interOpThreads > 0) {
        options.setInterOpNumThreads(interOpThreads);
      }
      options.addConfigEntry("session.intra_op.allow_spinning", spinWait ? "1" : "0");
      options.addConfigEntry("session.inter_op.allow_spinning", spinWait ? "1" : "0");
      if (usesCuda()) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
          throw new ModelException("CUDA was requested but this ONNX Runtime has no CUDA provider. Put "
              + "com.microsoft.onnxruntime:onnxruntime_gpu on the class path instead of onnxruntime, or use "
              + "Device.CPU.");
        }
        options.addCUDA(gpuDeviceId);
      }
      return options;
    } catch (OrtException e) {
      options.close();
      throw new ModelException("Could not set up ONNX Runtime (" + e.getMessage() + "). With Device.AUTO or "
          + "Device.CUDA, check the CUDA and cuDNN installation, or use Device.CPU.", e);
    }
  }

  @Override
  public String toString() {
    return "OnnxOptions{intraOpThreads=" + intraOpThreads + ", interOpThreads=" + interOpThreads
        + ", optimization=" + optimization + ", device=" + device + ", spinWait=" + spinWait + "}";
  }

  /** Builds {@link OnnxOptions}. */
  public static final class Builder {
    private int intraOpThreads;
    private int interOpThreads;
    private Optimization optimization = Optimization.ALL;
    private Device device = Device.AUTO;
    private int gpuDeviceId;
    private boolean spinWait;

    private Builder() {}

    /** Threads inside one operator (0: ONNX Runtime's default). */
    public Builder intraOpThreads(int threads) {
      this.intraOpThreads = nonNegative(threads, "intraOpThreads");
      return this;
    }

    /** Threads across operators (0: ONNX Runtime's default). */
    public Builder interOpThreads(int threads) {
      this.interOpThreads = nonNegative(threads, "interOpThreads");
      return this;
    }

    public Builder optimization(Optimization optimization) {
      this.optimization = java.util.Objects.requireNonNull(optimization, "optimization");
      return this;
    }

    public Builder device(Device device) {
      this.device = java.util.Objects.requireNonNull(device, "device");
      return this;
    }

    /** Which GPU to use with CUDA (default 0). */
    public Builder gpuDeviceId(int id) {
      this.gpuDeviceId = nonNegative(id, "gpuDeviceId");
      return this;
    }

    /**
     * Lets ONNX Runtime's threads spin-wait between runs (default {@code false}). Spinning saves a few microseconds
     * per operator when nothing else needs the cores, as when one thread calls the model in a tight loop on ready
     * tensors; turned off, the cores are free for decoding and preprocessing between batches.
     */
    public Builder spinWait(boolean spinWait) {
      this.spinWait = spinWait;
      return this;
    }

    public OnnxOptions build() {
      return new OnnxOptions(this);
    }

    private static int nonNegative(int value, String name) {
      if (value < 0) {
        throw new InvalidInputException(name + " is " + value + "; pass 0 (ONNX Runtime's default) or more.");
      }
      return value;
    }
  }
}
