package dev.imgsearch.embedders;

/** How a spatial feature map {@code [N, C, H, W]} becomes one vector of C values per image. */
public enum Pooling {
  /** The mean over H and W (torchvision ResNet's average pooling). */
  AVERAGE,
  /** The maximum over H and W (Keras {@code pooling="max"}). */
  MAX
}
