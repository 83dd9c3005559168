package dev.imgsearch.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.imgsearch.core.ModelException;
import dev.imgsearch.embedders.Vectors;
import java.util.List;

/** A host-side tensor: float32 or int64 values in row-major order and a shape. */
record Tensor(float[] floats, long[] longs, long[] shape) {

  static Tensor floats(float[] values, long... shape) {
    return new Tensor(values, null, shape);
  }

  static Tensor longs(long[] values, long... shape) {
    return new Tensor(null, values, shape);
  }

  NDArray toNDArray(NDManager manager, String name) {
    NDArray array = floats != null ? manager.create(floats, new Shape(shape)) : manager.create(longs, new Shape(shape));
    array.setName(name);
    return array;
  }

  static Tensor of(NDArray array) {
    long[] shape = array.getShape().getShape();
    DataType type = array.getDataType();
    if (type == DataType.FLOAT32) {
      return floats(array.toFloatArray(), shape);
    }
    if (type == DataType.FLOAT64) {
      double[] d = array.toDoubleArray();
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return floats(f, shape);
    }
    throw new ModelException("Output '" + array.getName() + "' is " + type + ", not a float32 tensor; name the "
        + "embedding output in the builder (outputName(...)).");
  }

  /** One array per item of the first (batch) dimension. */
  List<float[]> rows() {
    return Vectors.rows(floats, shape);
  }
}
