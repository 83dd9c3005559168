package dev.imgsearch.onnx.session;

import ai.onnxruntime.OnnxJavaType;
import java.util.Arrays;

/**
 * The name, element type and shape of one input or output of an ONNX graph, as the graph declares them.
 * A dimension of {@code -1} is symbolic (dynamic), such as the batch size.
 */
public record TensorSpec(String name, OnnxJavaType type, long[] shape) {

  public TensorSpec {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The number of dimensions. */
  public int rank() {
    return shape.length;
  }

  /** Dimension {@code i}, or -1 when it is symbolic. */
  public long dim(int i) {
    return shape[i];
  }

  /** The product of the dimensions after the first (batch) one, or -1 when any of them is symbolic. */
  public long elementsPerItem() {
    long n = 1;
    for (int i = 1; i < shape.length; i++) {
      if (shape[i] < 0) {
        return -1;
      }
      n *= shape[i];
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorSpec t && t.name.equals(name) && t.type == type && Arrays.equals(t.shape, shape);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + ":" + type + Arrays.toString(shape);
  }
}
