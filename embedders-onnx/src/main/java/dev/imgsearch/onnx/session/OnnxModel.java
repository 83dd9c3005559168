package dev.imgsearch.onnx.session;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.platform.Fp16Conversions;
import dev.imgsearch.core.ClosedException;
import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.core.ModelException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX graph loaded into an ONNX Runtime session, with its declared inputs and outputs, run with plain Java
 * arrays. Inputs are converted to the element type the graph declares (float32 or float16; int64 or int32), and
 * outputs come back as float32 whatever their type, so fp16 and int8-quantised exports work unchanged.
 *
 * <p>Thread-safe: {@link #run} may be called from several threads at once (ONNX Runtime sessions are), and
 * {@link #close()} waits for runs in progress. Every native tensor is closed before {@code run} returns. The
 * process-wide {@link OrtEnvironment} is shared by every session and deliberately left open.
 */
public final class OnnxModel implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

  private final Path file;
  private final OrtEnvironment env;
  private final OrtSession session;
  private final Map<String, TensorSpec> inputs;
  private final Map<String, TensorSpec> outputs;
  private final ReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed;

  private OnnxModel(Path file, OrtEnvironment env, OrtSession session) throws OrtException {
    this.file = file;
    this.env = env;
    this.session = session;
    this.inputs = specs(session.getInputInfo());
    this.outputs = specs(session.getOutputInfo());
  }

  /** Loads an ONNX file (with its external-data files beside it, if any). */
  public static OnnxModel load(Path file, OnnxOptions options) {
    if (!Files.isRegularFile(file)) {
      throw new ModelException("ONNX model file " + file + " does not exist. Pass the path of an .onnx file, "
          + "or a model directory in the Hugging Face layout (onnx/model.onnx ...).");
    }
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions sessionOptions = options.toSessionOptions()) {
      OrtSession session = env.createSession(file.toAbsolutePath().toString(), sessionOptions);
      try {
        OnnxModel model = new OnnxModel(file, env, session);
        LOG.debug("Loaded {} with {}: inputs {}, outputs {}", file, options, model.inputs.values(),
            model.outputs.values());
        return model;
      } catch (OrtException | RuntimeException e) {
        session.close();
        throw e;
      }
    } catch (OrtException e) {
      throw new ModelException("ONNX Runtime could not load " + file + " (" + e.getMessage() + "). Check that "
          + "the file is a complete ONNX model (re-download it) and that its opset is supported by ONNX Runtime "
          + "1.29.", e);
    }
  }

  /** The file this model was loaded from. */
  public Path file() {
    return file;
  }

  /** The graph's inputs, in declaration order. */
  public Map<String, TensorSpec> inputs() {
    return inputs;
  }

  /** The graph's outputs, in declaration order. */
  public Map<String, TensorSpec> outputs() {
    return outputs;
  }

  /**
   * Runs the graph.
   *
   * @param feeds one value per graph input, by input name
   * @param wanted the outputs to return
   * @return the wanted outputs, by name, as float32
   */
  public Map<String, Output> run(Map<String, Input> feeds, Set<String> wanted) {
    lock.readLock().lock();
    try {
      if (closed) {
        throw new ClosedException("ONNX model " + file);
      }
      Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
      try {
        for (Map.Entry<String, Input> feed : feeds.entrySet()) {
          TensorSpec spec = inputs.get(feed.getKey());
          if (spec == null) {
            throw new InvalidInputException("ONNX model " + file + " has no input named '" + feed.getKey()
                + "'; its inputs are " + inputs.keySet() + ".");
          }
          tensors.put(feed.getKey(), feed.getValue().toTensor(env, spec));
        }
        try (OrtSession.Result result = session.run(tensors, wanted)) {
          Map<String, Output> out = new LinkedHashMap<>();
          for (Map.Entry<String, OnnxValue> entry : result) {
            out.put(entry.getKey(), Output.of((OnnxTensor) entry.getValue()));
          }
          return out;
        }
      } catch (OrtException e) {
        throw new ModelException("ONNX Runtime failed to run " + file + " (" + e.getMessage() + "). Check that "
            + "the model's inputs are " + inputs.values() + ".", e);
      } finally {
        tensors.values().forEach(OnnxTensor::close);
      }
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Releases the native session; waits for runs in progress. Idempotent. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        session.close();
      }
    } catch (OrtException e) {
      LOG.warn("Closing the ONNX Runtime session of {} failed: {}", file, e.getMessage());
    } finally {
      lock.writeLock().unlock();
    }
  }

  private static Map<String, TensorSpec> specs(Map<String, NodeInfo> infos) {
    Map<String, TensorSpec> specs = new LinkedHashMap<>();
    for (NodeInfo info : infos.values()) {
      if (info.getInfo() instanceof TensorInfo t) {
        specs.put(info.getName(), new TensorSpec(info.getName(), t.type, t.getShape()));
      }
    }
    return Collections.unmodifiableMap(specs);
  }

  /** A value for one graph input: numbers in row-major order and a shape. */
  public static final class Input {
    private final float[] floats;
    private final long[] longs;
    private final long[] shape;

    private Input(float[] floats, long[] longs, long[] shape) {
      this.floats = floats;
      this.longs = longs;
      this.shape = shape.clone();
    }

    /** Floating-point values, sent as the float type the graph declares. The array is not copied. */
    public static Input floats(float[] values, long... shape) {
      return new Input(values, null, shape);
    }

    /** Integer values (token ids, masks), sent as the integer type the graph declares. Not copied. */
    public static Input longs(long[] values, long... shape) {
      return new Input(null, values, shape);
    }

    OnnxTensor toTensor(OrtEnvironment env, TensorSpec spec) throws OrtException {
      OnnxJavaType type = spec.type();
      if (floats != null) {
        return switch (type) {
          case FLOAT -> OnnxTensor.createTensor(env, FloatBuffer.wrap(floats), shape);
          case FLOAT16 -> OnnxTensor.createTensor(env,
              Fp16Conversions.convertFloatBufferToFp16Buffer(FloatBuffer.wrap(floats)), shape, OnnxJavaType.FLOAT16);
          case BFLOAT16 -> OnnxTensor.createTensor(env,
              Fp16Conversions.convertFloatBufferToBf16Buffer(FloatBuffer.wrap(floats)), shape, OnnxJavaType.BFLOAT16);
          default -> throw mismatch(spec, "floating-point values");
        };
      }
      return switch (type) {
        case INT64 -> OnnxTensor.createTensor(env, LongBuffer.wrap(longs), shape);
        case INT32 -> {
          int[] ints = new int[longs.length];
          for (int i = 0; i < ints.length; i++) {
            ints[i] = Math.toIntExact(longs[i]);
          }
          yield OnnxTensor.createTensor(env, IntBuffer.wrap(ints), shape);
        }
        default -> throw mismatch(spec, "integer values");
      };
    }

    private static ModelException mismatch(TensorSpec spec, String what) {
      return new ModelException("ONNX input " + spec + " does not take " + what + ". The model does not have "
          + "the signature this embedder expects; name the right input in the builder or use another export.");
    }
  }

  /** One output: float32 values in row-major order and the shape ONNX Runtime returned. */
  public record Output(float[] values, long[] shape) {

    static Output of(OnnxTensor tensor) {
      TensorInfo info = tensor.getInfo();
      long[] shape = info.getShape();
      float[] values;
      switch (info.type) {
        case FLOAT -> {
          FloatBuffer buffer = tensor.getFloatBuffer();
          values = new float[buffer.remaining()];
          buffer.get(values);
        }
        case FLOAT16 -> values = toArray(Fp16Conversions.convertFp16BufferToFloatBuffer(tensor.getShortBuffer()));
        case BFLOAT16 -> values = toArray(Fp16Conversions.convertBf16BufferToFloatBuffer(tensor.getShortBuffer()));
        case DOUBLE -> {
          var buffer = tensor.getDoubleBuffer();
          values = new float[buffer.remaining()];
          for (int i = 0; i < values.length; i++) {
            values[i] = (float) buffer.get(i);
          }
        }
        default -> throw new ModelException("ONNX output " + info + " is not a floating-point tensor; name the "
            + "embedding output in the builder.");
      }
      return new Output(values, shape);
    }

    private static float[] toArray(FloatBuffer buffer) {
      float[] values = new float[buffer.remaining()];
      buffer.get(values);
      return values;
    }

    /** Splits the output along its first (batch) dimension into one array per item. */
    public List<float[]> rows() {
      int n = (int) shape[0];
      int per = n == 0 ? 0 : values.length / n;
      List<float[]> rows = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        float[] row = new float[per];
        System.arraycopy(values, i * per, row, 0, per);
        rows.add(row);
      }
      return rows;
    }
  }
}
