package dev.imgsearch.core.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Vector helpers the modules' tests share: the cosine of two vectors, and the float32 arrays that the reference
 * scripts write into JSON as base64 of little-endian bytes. Part of core's test-jar.
 */
public final class TestVectors {
  private TestVectors() {}

  /** The cosine of {@code a} and {@code b}, in double precision. */
  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na) / Math.sqrt(nb);
  }

  /** The float32 values of base64 text holding little-endian bytes (numpy's {@code tobytes()} on x86). */
  public static float[] littleEndianFloats(String base64) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(base64)).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[b.remaining() / 4];
    b.asFloatBuffer().get(v);
    return v;
  }
}
