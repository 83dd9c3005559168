package dev.imgsearch.embedders;

import java.util.List;

/** The memory layout a graph takes images in; core's recipes make CHW arrays, Keras exports take HWC. */
public enum ImageLayout {
  /** {@code [N, 3, H, W]}, PyTorch and Hugging Face exports. */
  NCHW,
  /** {@code [N, H, W, 3]}, Keras exports. */
  NHWC;

  /** The shape of a batch of {@code rows} images. */
  public long[] shape(int rows, int height, int width) {
    return this == NCHW ? new long[] {rows, 3, height, width} : new long[] {rows, height, width, 3};
  }

  /**
   * Packs CHW arrays (as {@link dev.imgsearch.image.ImageRecipe#apply} makes them) into one batch of
   * {@code rows} images in this layout; rows past {@code chw.size()} stay zero (padding for fixed batch sizes).
   */
  public float[] pack(List<float[]> chw, int rows, int height, int width) {
    int per = 3 * height * width;
    int plane = height * width;
    float[] data = new float[rows * per];
    for (int i = 0; i < chw.size(); i++) {
      float[] image = chw.get(i);
      int base = i * per;
      if (this == NHWC) {
        for (int p = 0; p < plane; p++) {
          data[base + p * 3] = image[p];
          data[base + p * 3 + 1] = image[plane + p];
          data[base + p * 3 + 2] = image[2 * plane + p];
        }
      } else {
        System.arraycopy(image, 0, data, base, per);
      }
    }
    return data;
  }
}
