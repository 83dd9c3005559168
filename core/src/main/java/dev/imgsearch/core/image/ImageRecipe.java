package dev.imgsearch.core.image;

import java.awt.image.BufferedImage;

/**
 * PLACEHOLDER — to be replaced by the preprocessing work (keep these public signatures).
 *
 * <p>A model's preprocessing: resize, crop, rescale, normalise, channel order, to a float32 CHW array.
 */
public final class ImageRecipe {
  private final String id;
  private final int width;
  private final int height;

  private ImageRecipe(String id, int width, int height) {
    this.id = id;
    this.width = width;
    this.height = height;
  }

  /** OpenAI CLIP: shortest side to {@code size} bicubic, centre crop, CLIP mean/std. */
  public static ImageRecipe openAiClip(int size) {
    return new ImageRecipe("openai-clip-" + size, size, size);
  }

  /** Chinese-CLIP: resize to size x size bicubic, CLIP mean/std. */
  public static ImageRecipe chineseClip(int size) {
    return new ImageRecipe("chinese-clip-" + size, size, size);
  }

  /** torchvision ResNet: resize 256 bilinear antialiased, centre crop 224, ImageNet mean/std. */
  public static ImageRecipe torchvisionResNet() {
    return new ImageRecipe("torchvision-imagenet-224", 224, 224);
  }

  /** Keras VGG16: 224x224 nearest, BGR, caffe means subtracted. */
  public static ImageRecipe kerasVgg16() {
    return new ImageRecipe("keras-vgg16-224", 224, 224);
  }

  /** A stable name of the recipe and its parameters, recorded in index manifests. */
  public String id() {
    return id;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public int channels() {
    return 3;
  }

  /** channels x height x width. */
  public int tensorSize() {
    return channels() * height * width;
  }

  /** Preprocesses one decoded image into a CHW float array of {@link #tensorSize()} values. */
  public float[] apply(BufferedImage image) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
