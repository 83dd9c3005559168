package dev.imgsearch.image;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A model's preprocessing: decoded image to the float32 CHW array the model takes. It reproduces the model's
 * reference pipeline, which for every supported family runs on Pillow, exactly: Pillow's modes (gray, palette, alpha,
 * CMYK), its resize filters with their antialiasing and fixed-point arithmetic (see {@link Resampling}),
 * torchvision's size and crop rounding, and the float32 arithmetic of {@code ToTensor}/{@code Normalize} or Keras'
 * {@code preprocess_input}. Parity is measured by {@code PreprocessParityTest} against Pillow 11.3 (lossless inputs
 * are bit-exact; JPEG inputs differ only by the JPEG decoder's rounding).
 *
 * <p>The steps, in order:
 * <ol>
 *   <li>optionally convert to RGB first ({@link Builder#convertToRgbFirst()}), as torchvision's ImageFolder loader
 *       and Keras' {@code load_img} do; otherwise the image is resized in its own mode and converted after cropping,
 *       as OpenAI CLIP and cn_clip do (this matters for palette images, which Pillow resizes with NEAREST, and for
 *       images with alpha, which Pillow resizes premultiplied);</li>
 *   <li>resize: the shortest side to a size, the long side to {@code int(size * long / short)} (torchvision's
 *       {@code Resize(int)}), or straight to a width and height;</li>
 *   <li>optionally centre crop, the offsets rounded as torchvision does ({@code int(round((h - ch) / 2.0))}, half to
 *       even);</li>
 *   <li>for each channel, {@code (value / divisor - mean) / std} in float32, channels in RGB or BGR order.</li>
 * </ol>
 *
 * <p>Deviations from Pillow, all for inputs the reference pipelines handle badly or rarely meet: 16-bit grayscale
 * keeps its high byte (Pillow clips the 16-bit value to 255); colour spaces other than gray, RGB and CMYK are
 * converted to sRGB by Java 2D. EXIF orientation is not applied, as Pillow's {@code Image.open} does not.
 *
 * <p>Immutable and thread-safe. Two recipes are equal when their {@link #id()}s are.
 */
public final class ImageRecipe {

  /** Channel order of the output tensor. */
  public enum ChannelOrder {
    /** Red, green, blue (PyTorch models). */
    RGB,
    /** Blue, green, red (Caffe-style models such as Keras' VGG16). */
    BGR
  }

  private static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
  private static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};
  private static final double[] IMAGENET_MEAN = {0.485, 0.456, 0.406};
  private static final double[] IMAGENET_STD = {0.229, 0.224, 0.225};
  private static final double[] CAFFE_MEAN_BGR = {103.939, 116.779, 123.68};

  private final String id;
  private final boolean convertFirst;
  private final int shortestSide;
  private final int resizeWidth;
  private final int resizeHeight;
  private final Resampling resampling;
  private final int cropWidth;
  private final int cropHeight;
  private final int width;
  private final int height;
  private final ChannelOrder order;
  /** lut[c][v]: output channel c's value for an 8-bit sample v, precomputed with the float32 formula. */
  private final float[][] lut;

  private ImageRecipe(Builder b, String id) {
    this.id = id;
    this.convertFirst = b.convertFirst;
    this.shortestSide = b.shortestSide;
    this.resizeWidth = b.resizeWidth;
    this.resizeHeight = b.resizeHeight;
    this.resampling = b.resampling;
    this.cropWidth = b.cropWidth;
    this.cropHeight = b.cropHeight;
    this.width = b.cropWidth > 0 ? b.cropWidth : b.resizeWidth;
    this.height = b.cropHeight > 0 ? b.cropHeight : b.resizeHeight;
    this.order = b.order;
    this.lut = new float[3][256];
    float divisor = (float) b.divisor;
    for (int c = 0; c < 3; c++) {
      // Python floats become float32 tensors (double rounded to float), then float32 arithmetic throughout.
      float mean = (float) b.mean[c];
      float std = (float) b.std[c];
      for (int v = 0; v < 256; v++) {
        lut[c][v] = ((float) v / divisor - mean) / std;
      }
    }
  }

  /**
   * OpenAI CLIP ({@code clip.load(...)} preprocess): the shortest side to {@code size} with BICUBIC in the image's
   * own mode, centre crop {@code size x size}, convert to RGB, {@code /255}, CLIP mean and std.
   */
  public static ImageRecipe openAiClip(int size) {
    return builder()
        .resizeShortestSide(size, Resampling.BICUBIC)
        .centerCrop(size, size)
        .normalize(255.0, CLIP_MEAN, CLIP_STD)
        .preset("openai-clip-" + size);
  }

  /**
   * Chinese-CLIP ({@code cn_clip.clip.utils.image_transform}): resize straight to {@code size x size} with BICUBIC
   * (no crop, the aspect ratio is not kept) in the image's own mode, convert to RGB, {@code /255}, CLIP mean and std.
   */
  public static ImageRecipe chineseClip(int size) {
    return builder()
        .resizeTo(size, size, Resampling.BICUBIC)
        .normalize(255.0, CLIP_MEAN, CLIP_STD)
        .preset("chinese-clip-" + size);
  }

  /**
   * torchvision ImageNet classifiers such as ResNet50 ({@code Resize(256)}, {@code CenterCrop(224)},
   * {@code ToTensor}, {@code Normalize} on {@code Image.open(p).convert("RGB")}): convert to RGB, the shortest side to
   * 256 with BILINEAR (antialiased), centre crop 224, {@code /255}, ImageNet mean and std.
   */
  public static ImageRecipe torchvisionResNet() {
    return builder()
        .convertToRgbFirst()
        .resizeShortestSide(256, Resampling.BILINEAR)
        .centerCrop(224, 224)
        .normalize(255.0, IMAGENET_MEAN, IMAGENET_STD)
        .preset("torchvision-imagenet-224");
  }

  /**
   * Keras VGG16 ({@code load_img(p, target_size=(224, 224))} then {@code vgg16.preprocess_input}): convert to RGB,
   * resize straight to 224x224 with NEAREST, channels to BGR, the caffe means subtracted, no scaling (values in
   * -124..152).
   */
  public static ImageRecipe kerasVgg16() {
    return builder()
        .convertToRgbFirst()
        .resizeTo(224, 224, Resampling.NEAREST)
        .normalize(1.0, CAFFE_MEAN_BGR, new double[] {1.0, 1.0, 1.0})
        .channelOrder(ChannelOrder.BGR)
        .preset("keras-vgg16-224");
  }

  /** A builder for another model's recipe. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A stable name of the recipe and its parameters, recorded in index manifests: the preset's name (which carries
   * its size), or for a built recipe its name followed by every parameter.
   */
  public String id() {
    return id;
  }

  /** Width of the output image, in pixels. */
  public int width() {
    return width;
  }

  /** Height of the output image, in pixels. */
  public int height() {
    return height;
  }

  /** Number of output channels: always 3. */
  public int channels() {
    return 3;
  }

  /** channels x height x width. */
  public int tensorSize() {
    return channels() * height * width;
  }

  /** Channel order of the output. */
  public ChannelOrder channelOrder() {
    return order;
  }

  /**
   * The smallest decoded size {@code {width, height}} that loses nothing the resize step keeps, for reduced-size
   * decoding ({@link ImageDecoder#decode(dev.imgsearch.core.embed.ImageInput, int, int)}): the resize's own target. For a shortest-side resize
   * to S that is S x S (whatever the orientation, the shorter side stays at least S, so the resize still shrinks or
   * keeps it); for a resize to W x H, W x H. The crop comes after the resize and needs nothing more.
   */
  int[] minimumDecodedSize() {
    return shortestSide > 0 ? new int[] {shortestSide, shortestSide} : new int[] {resizeWidth, resizeHeight};
  }

  /**
   * Preprocesses one decoded image into a new CHW float array of {@link #tensorSize()} values.
   *
   * @throws IllegalArgumentException if the image is so small that the resize would give a zero-sized side
   */
  public float[] apply(BufferedImage image) {
    float[] out = new float[tensorSize()];
    applyTo(image, out, 0);
    return out;
  }

  /** Preprocesses one image into {@code dest[offset .. offset + tensorSize())}, CHW, without allocating a result. */
  public void applyTo(BufferedImage image, float[] dest, int offset) {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(dest, "dest");
    if (offset < 0 || dest.length - offset < tensorSize()) {
      throw new IllegalArgumentException("dest has " + dest.length + " floats, " + (offset + tensorSize())
          + " are needed at offset " + offset + "; allocate tensorSize() floats per image");
    }
    writeTensor(preprocess(image), dest, offset);
  }

  /**
   * Preprocesses images into one float32 NCHW batch: image {@code i} at offset {@code i * tensorSize()}.
   */
  public float[] applyBatch(List<BufferedImage> images) {
    Objects.requireNonNull(images, "images");
    int size = tensorSize();
    float[] out = new float[Math.multiplyExact(images.size(), size)];
    for (int i = 0; i < images.size(); i++) {
      applyTo(images.get(i), out, i * size);
    }
    return out;
  }

  /** Resize, crop and RGB conversion, in the order of the reference pipeline; the result is RGB, width x height. */
  PillowImage preprocess(BufferedImage image) {
    int[] size = resizedSize(image.getWidth(), image.getHeight());
    PillowImage.Mode mode = PillowImage.modeOf(image);
    // Pillow resizes palette images with NEAREST, whatever the filter; converted to RGB first, they are RGB.
    boolean nearest = resampling == Resampling.NEAREST || (mode == PillowImage.Mode.P && !convertFirst);
    if (nearest) {
      // NEAREST only picks pixels, and mode conversions work pixel by pixel: read just the picked pixels.
      int[] window = cropWindow(size[0], size[1]);
      int[] xs = PillowResize.nearestIndices(image.getWidth(), size[0], window[0], window[2]);
      int[] ys = PillowResize.nearestIndices(image.getHeight(), size[1], window[1], window[3]);
      return PillowImage.sample(image, xs, ys).convertToRgb();
    }
    // Resizing gray or RGB before or after converting to RGB is the same (channels are independent): read the
    // image's buffer directly instead of copying it. CMYK must be converted first when the recipe says so.
    if (!convertFirst || mode == PillowImage.Mode.L || mode == PillowImage.Mode.RGB) {
      int[] window = cropWindow(size[0], size[1]);
      PillowImage direct = PillowImage.resizeAndCropInPlace(image, size[0], size[1], resampling, window[0],
          window[1], window[2], window[3]);
      if (direct != null) {
        return direct.convertToRgb();
      }
    }
    return preprocess(PillowImage.of(image));
  }

  /** Resize, crop and RGB conversion of already extracted pixels. */
  PillowImage preprocess(PillowImage image) {
    PillowImage img = convertFirst ? image.convertToRgb() : image;
    int[] size = resizedSize(img.width, img.height);
    int[] window = cropWindow(size[0], size[1]);
    img = img.resizeAndCrop(size[0], size[1], resampling, window[0], window[1], window[2], window[3]);
    return img.convertToRgb();
  }

  /** The size the resize step gives a w x h image. */
  private int[] resizedSize(int w, int h) {
    int newWidth = resizeWidth;
    int newHeight = resizeHeight;
    if (shortestSide > 0) {
      int shortSide = Math.min(w, h);
      int longSide = Math.max(w, h);
      // torchvision: new_long = int(requested * long / short), true division then truncation
      int newLong = (int) ((double) ((long) shortestSide * longSide) / shortSide);
      newWidth = w <= h ? shortestSide : newLong;
      newHeight = w <= h ? newLong : shortestSide;
    }
    if (newWidth < 1 || newHeight < 1) {
      throw new IllegalArgumentException("a " + w + "x" + h + " image would be resized to " + newWidth + "x"
          + newHeight + " by recipe " + id + "; use images at least a few pixels on each side");
    }
    return new int[] {newWidth, newHeight};
  }

  /**
   * The part of the resized image kept, as {left, top, width, height}: the centre crop, or everything. Only this part
   * is computed (bit-identical to resizing everything then cropping).
   */
  private int[] cropWindow(int newWidth, int newHeight) {
    if (cropWidth == 0) {
      return new int[] {0, 0, newWidth, newHeight};
    }
    if (cropWidth > newWidth || cropHeight > newHeight) {
      throw new IllegalArgumentException("recipe " + id + " crops " + cropWidth + "x" + cropHeight + " from a "
          + newWidth + "x" + newHeight + " image; resize to at least the crop size");
    }
    // torchvision CenterCrop: int(round((h - ch) / 2.0)), Python's round is half to even like Math.rint
    int top = (int) Math.rint((newHeight - cropHeight) / 2.0);
    int left = (int) Math.rint((newWidth - cropWidth) / 2.0);
    return new int[] {left, top, cropWidth, cropHeight};
  }

  private void writeTensor(PillowImage rgb, float[] dest, int offset) {
    int plane = width * height;
    byte[] px = rgb.data;
    float[] l0 = lut[0];
    float[] l1 = lut[1];
    float[] l2 = lut[2];
    // output channel c reads source channel src[c]
    int s0 = order == ChannelOrder.RGB ? 0 : 2;
    int s2 = 2 - s0;
    int o0 = offset;
    int o1 = offset + plane;
    int o2 = offset + 2 * plane;
    for (int p = 0, i = 0; p < plane; p++, i += 3) {
      dest[o0 + p] = l0[px[i + s0] & 0xFF];
      dest[o1 + p] = l1[px[i + 1] & 0xFF];
      dest[o2 + p] = l2[px[i + s2] & 0xFF];
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ImageRecipe && ((ImageRecipe) o).id.equals(id);
  }

  @Override
  public int hashCode() {
    return id.hashCode();
  }

  @Override
  public String toString() {
    return id;
  }

  /**
   * Builds a custom recipe. A resize is required, and the output must have a fixed size: either a crop, or a resize
   * to an exact width and height. Defaults: resize in the image's own mode then convert to RGB, no crop, RGB order.
   */
  public static final class Builder {
    private boolean convertFirst;
    private int shortestSide;
    private int resizeWidth;
    private int resizeHeight;
    private Resampling resampling;
    private int cropWidth;
    private int cropHeight;
    private double divisor = 255.0;
    private double[] mean = {0.0, 0.0, 0.0};
    private double[] std = {1.0, 1.0, 1.0};
    private ChannelOrder order = ChannelOrder.RGB;

    private Builder() {}

    /** Converts to RGB before resizing (Keras {@code load_img}, torchvision ImageFolder), not after cropping. */
    public Builder convertToRgbFirst() {
      this.convertFirst = true;
      return this;
    }

    /** Resizes the shortest side to {@code size}, keeping the aspect ratio as torchvision's {@code Resize(int)}. */
    public Builder resizeShortestSide(int size, Resampling filter) {
      requirePositive(size, "size");
      this.shortestSide = size;
      this.resizeWidth = 0;
      this.resizeHeight = 0;
      this.resampling = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /** Resizes to exactly {@code width x height}, not keeping the aspect ratio. */
    public Builder resizeTo(int width, int height, Resampling filter) {
      requirePositive(width, "width");
      requirePositive(height, "height");
      this.shortestSide = 0;
      this.resizeWidth = width;
      this.resizeHeight = height;
      this.resampling = Objects.requireNonNull(filter, "filter");
      return this;
    }

    /** Crops the centre {@code width x height} after resizing. */
    public Builder centerCrop(int width, int height) {
      requirePositive(width, "width");
      requirePositive(height, "height");
      this.cropWidth = width;
      this.cropHeight = height;
      return this;
    }

    /**
     * Each output value is {@code (sample / divisor - mean[c]) / std[c]} in float32, with {@code mean} and {@code std}
     * given per output channel (in BGR order when the channel order is BGR). {@code divisor} 255 with mean 0 and
     * std 1 is plain {@code ToTensor}; divisor 1 keeps 0..255 values.
     */
    public Builder normalize(double divisor, double[] mean, double[] std) {
      if (!(divisor > 0) || Double.isInfinite(divisor)) {
        throw new IllegalArgumentException("divisor must be a positive number, got " + divisor);
      }
      this.divisor = divisor;
      this.mean = threeFinite(mean, "mean");
      this.std = threeFinite(std, "std");
      for (double s : this.std) {
        if (s == 0.0) {
          throw new IllegalArgumentException("std must not contain 0, got " + Arrays.toString(std));
        }
      }
      return this;
    }

    /** Output channel order (default RGB). */
    public Builder channelOrder(ChannelOrder order) {
      this.order = Objects.requireNonNull(order, "order");
      return this;
    }

    /**
     * Builds the recipe; its {@link ImageRecipe#id()} is {@code name} followed by all parameters in brackets.
     *
     * @throws IllegalStateException if no resize was set or the output size is not fixed
     */
    public ImageRecipe build(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank; use a short name such as \"my-model-224\"");
      }
      return new ImageRecipe(checked(), name + "[" + parameters() + "]");
    }

    private Builder checked() {
      if (resampling == null) {
        throw new IllegalStateException("no resize set; call resizeShortestSide or resizeTo");
      }
      if (cropWidth == 0 && shortestSide > 0) {
        throw new IllegalStateException("resizeShortestSide gives images of varying size; add centerCrop, or use "
            + "resizeTo");
      }
      return this;
    }

    private ImageRecipe preset(String presetId) {
      return new ImageRecipe(checked(), presetId);
    }

    private String parameters() {
      StringBuilder s = new StringBuilder();
      s.append(convertFirst ? "rgb-first," : "");
      if (shortestSide > 0) {
        s.append("resize-short=").append(shortestSide);
      } else {
        s.append("resize=").append(resizeWidth).append('x').append(resizeHeight);
      }
      s.append(',').append(resampling.name().toLowerCase(Locale.ROOT));
      if (cropWidth > 0) {
        s.append(",crop=").append(cropWidth).append('x').append(cropHeight);
      }
      s.append(",div=").append(divisor)
          .append(",mean=").append(Arrays.toString(mean).replace(" ", ""))
          .append(",std=").append(Arrays.toString(std).replace(" ", ""))
          .append(',').append(order.name().toLowerCase(Locale.ROOT));
      return s.toString();
    }

    private static double[] threeFinite(double[] values, String what) {
      Objects.requireNonNull(values, what);
      if (values.length != 3) {
        throw new IllegalArgumentException(what + " needs 3 values (one per channel), got " + values.length);
      }
      for (double v : values) {
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException(what + " must be finite, got " + Arrays.toString(values));
        }
      }
      return values.clone();
    }

    private static void requirePositive(int value, String what) {
      if (value < 1) {
        throw new IllegalArgumentException(what + " must be at least 1, got " + value);
      }
    }
  }
}
