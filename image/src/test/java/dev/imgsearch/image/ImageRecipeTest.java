package dev.imgsearch.image;

import dev.imgsearch.core.embed.ImageInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRecipeTest {

  @Test
  void presetsHaveStableIdsAndSizes() {
    assertThat(ImageRecipe.openAiClip(224).id()).isEqualTo("openai-clip-224");
    assertThat(ImageRecipe.openAiClip(336).id()).isEqualTo("openai-clip-336");
    assertThat(ImageRecipe.openAiClip(336).width()).isEqualTo(336);
    assertThat(ImageRecipe.chineseClip(224).id()).isEqualTo("chinese-clip-224");
    assertThat(ImageRecipe.torchvisionResNet().id()).isEqualTo("torchvision-imagenet-224");
    assertThat(ImageRecipe.kerasVgg16().id()).isEqualTo("keras-vgg16-224");
    for (ImageRecipe r : List.of(ImageRecipe.openAiClip(224), ImageRecipe.chineseClip(224),
        ImageRecipe.torchvisionResNet(), ImageRecipe.kerasVgg16())) {
      assertThat(r.width()).isEqualTo(224);
      assertThat(r.height()).isEqualTo(224);
      assertThat(r.channels()).isEqualTo(3);
      assertThat(r.tensorSize()).isEqualTo(3 * 224 * 224);
    }
    assertThat(ImageRecipe.kerasVgg16().channelOrder()).isEqualTo(ImageRecipe.ChannelOrder.BGR);
    assertThat(ImageRecipe.openAiClip(224)).isEqualTo(ImageRecipe.openAiClip(224))
        .hasSameHashCodeAs(ImageRecipe.openAiClip(224)).isNotEqualTo(ImageRecipe.chineseClip(224));
  }

  @Test
  void builtRecipeIdNamesEveryParameter() {
    ImageRecipe recipe = ImageRecipe.builder()
        .convertToRgbFirst()
        .resizeShortestSide(232, Resampling.BILINEAR)
        .centerCrop(224, 224)
        .normalize(255, new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225})
        .build("resnet50-v2");
    assertThat(recipe.id()).isEqualTo("resnet50-v2[rgb-first,resize-short=232,bilinear,crop=224x224,div=255.0,"
        + "mean=[0.485,0.456,0.406],std=[0.229,0.224,0.225],rgb]");
    ImageRecipe other = ImageRecipe.builder().resizeTo(64, 32, Resampling.NEAREST).build("tiny");
    assertThat(other.id()).isEqualTo("tiny[resize=64x32,nearest,div=255.0,mean=[0.0,0.0,0.0],std=[1.0,1.0,1.0],rgb]");
    assertThat(other.width()).isEqualTo(64);
    assertThat(other.height()).isEqualTo(32);
    assertThat(other.apply(solid(100, 50, new Color(255, 0, 51)))).hasSize(3 * 64 * 32);
  }

  @Test
  void builderRefusesIncompleteOrInvalidRecipes() {
    assertThatThrownBy(() -> ImageRecipe.builder().build("x")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("resize");
    assertThatThrownBy(() -> ImageRecipe.builder().resizeShortestSide(224, Resampling.BICUBIC).build("x"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("centerCrop");
    assertThatThrownBy(() -> ImageRecipe.builder().resizeTo(0, 5, Resampling.BICUBIC))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageRecipe.builder().normalize(255, new double[] {1, 2}, new double[] {1, 1, 1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3 values");
    assertThatThrownBy(() -> ImageRecipe.builder().normalize(255, new double[] {0, 0, 0}, new double[] {1, 0, 1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageRecipe.builder().normalize(0, new double[] {0, 0, 0}, new double[] {1, 1, 1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageRecipe.builder().resizeTo(5, 5, Resampling.NEAREST).build(" "))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void normalisesWithTheModelsConstants() {
    BufferedImage gray = solid(300, 200, new Color(128, 128, 128));
    float[] clip = ImageRecipe.openAiClip(224).apply(gray);
    assertThat(clip[0]).isCloseTo((128 / 255f - 0.48145466f) / 0.26862954f, within(1e-6f));
    assertThat(clip[224 * 224]).isCloseTo((128 / 255f - 0.4578275f) / 0.26130258f, within(1e-6f));
    assertThat(clip[2 * 224 * 224]).isCloseTo((128 / 255f - 0.40821073f) / 0.27577711f, within(1e-6f));
    float[] resnet = ImageRecipe.torchvisionResNet().apply(gray);
    assertThat(resnet[0]).isCloseTo((128 / 255f - 0.485f) / 0.229f, within(1e-6f));
  }

  @Test
  void vggIsBgrWithCaffeMeansAndNoScaling() {
    float[] vgg = ImageRecipe.kerasVgg16().apply(solid(50, 40, new Color(200, 100, 10)));
    int plane = 224 * 224;
    assertThat(vgg[0]).isEqualTo(10f - (float) 103.939); // blue first
    assertThat(vgg[plane]).isEqualTo(100f - (float) 116.779);
    assertThat(vgg[2 * plane + plane - 1]).isEqualTo(200f - (float) 123.68);
  }

  @Test
  void clipKeepsAspectRatioAndCropsTheCentre() {
    // 600x200: red up to x=150, green to x=450, blue after. Resized to 672x224, cropped at x=224..448: all green.
    BufferedImage image = new BufferedImage(600, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, 150, 200);
    g.setColor(Color.GREEN);
    g.fillRect(150, 0, 300, 200);
    g.setColor(Color.BLUE);
    g.fillRect(450, 0, 150, 200);
    g.dispose();
    float[] t = ImageRecipe.openAiClip(224).apply(image);
    int plane = 224 * 224;
    float greenHigh = (1f - (float) 0.4578275) / (float) 0.26130258;
    float redLow = (0f - (float) 0.48145466) / (float) 0.26862954;
    for (int x : new int[] {0, 112, 223}) {
      assertThat(t[plane + 112 * 224 + x]).as("green at x=%d", x).isEqualTo(greenHigh);
      assertThat(t[112 * 224 + x]).as("red at x=%d", x).isEqualTo(redLow);
    }
    // Chinese-CLIP squashes the whole image: all three bands are visible
    float[] cn = ImageRecipe.chineseClip(224).apply(image);
    assertThat(cn[112 * 224]).as("red at the left edge").isGreaterThan(1.5f);
    assertThat(cn[2 * plane + 112 * 224 + 223]).as("blue at the right edge").isGreaterThan(1.5f);
  }

  @Test
  void transparentPixelsDoNotBleedWhenResizing() {
    // Pillow resizes RGBA premultiplied: a fully transparent green half adds no green to the opaque red half
    BufferedImage image = new BufferedImage(400, 300, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 300; y++) {
      for (int x = 0; x < 400; x++) {
        image.setRGB(x, y, x < 200 ? 0xFFFF0000 : 0x0000FF00);
      }
    }
    float[] t = ImageRecipe.chineseClip(224).apply(image);
    int plane = 224 * 224;
    float zeroGreen = (0f - 0.4578275f) / 0.26130258f;
    for (int x = 100; x < 124; x++) { // around the border between the halves
      assertThat(t[plane + 100 * 224 + x]).as("green at x=%d", x).isEqualTo(zeroGreen);
    }
  }

  @Test
  void sameContentInDifferentBufferedImageTypesGivesTheSameTensor() {
    BufferedImage reference = ImageDecoder.standard().decode(ImageInput.of(TestImages.path("small_50x37.png")));
    ImageRecipe recipe = ImageRecipe.openAiClip(224);
    float[] expected = recipe.apply(reference);
    for (int type : new int[] {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_BGR, BufferedImage.TYPE_3BYTE_BGR,
        BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_4BYTE_ABGR}) {
      BufferedImage copy = new BufferedImage(reference.getWidth(), reference.getHeight(), type);
      for (int y = 0; y < copy.getHeight(); y++) {
        for (int x = 0; x < copy.getWidth(); x++) {
          copy.setRGB(x, y, reference.getRGB(x, y) | 0xFF000000);
        }
      }
      assertThat(recipe.apply(copy)).as("type %d", type).isEqualTo(expected);
    }
  }

  @Test
  void subimagesSharingTheParentBufferAreReadAtTheirOffset() {
    BufferedImage photo = ImageDecoder.standard().decode(ImageInput.of(TestImages.path("photo_640x480.jpg")));
    BufferedImage gray = ImageDecoder.standard().decode(ImageInput.of(TestImages.path("gray_257x193.png")));
    for (BufferedImage parent : List.of(photo, gray)) {
      BufferedImage view = parent.getSubimage(37, 21, 150, 101); // shares the parent's data buffer
      java.awt.image.WritableRaster own = parent.getColorModel().createCompatibleWritableRaster(150, 101);
      own.setRect(view.getRaster());
      BufferedImage copy = new BufferedImage(parent.getColorModel(), own, false, null);
      assertThat(view.getRaster().getDataBuffer()).isSameAs(parent.getRaster().getDataBuffer());
      for (ImageRecipe recipe : List.of(ImageRecipe.openAiClip(224), ImageRecipe.torchvisionResNet(),
          ImageRecipe.kerasVgg16())) {
        assertThat(recipe.apply(view)).as("%s on a subimage", recipe).isEqualTo(recipe.apply(copy));
      }
    }
  }

  @Test
  void grayImagesAreReplicatedToThreeChannels() {
    BufferedImage gray = ImageDecoder.standard().decode(ImageInput.of(TestImages.path("gray_257x193.png")));
    float[] t = ImageRecipe.builder().resizeTo(100, 80, Resampling.BICUBIC).build("plain").apply(gray);
    int plane = 100 * 80;
    for (int i = 0; i < plane; i += 97) {
      assertThat(t[i]).isEqualTo(t[plane + i]).isEqualTo(t[2 * plane + i]);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 7})
  void tinyImagesAreUpscaled(int side) {
    float[] t = ImageRecipe.openAiClip(224).apply(solid(side, side + 1, new Color(10, 20, 30)));
    assertThat(t).hasSize(3 * 224 * 224);
    assertThat(t[224 * 224 - 1]).isEqualTo((10 / 255f - (float) 0.48145466) / (float) 0.26862954);
  }

  @Test
  void batchIsTheConcatenationOfSingleImages() {
    ImageRecipe recipe = ImageRecipe.torchvisionResNet();
    BufferedImage a = ImageDecoder.standard().decode(ImageInput.of(TestImages.path("small_50x37.png")));
    BufferedImage b = ImageDecoder.standard().decode(ImageInput.of(TestImages.path("gray_257x193.png")));
    float[] batch = recipe.applyBatch(List.of(a, b, a));
    int n = recipe.tensorSize();
    assertThat(batch).hasSize(3 * n);
    assertThat(java.util.Arrays.copyOfRange(batch, 0, n)).isEqualTo(recipe.apply(a));
    assertThat(java.util.Arrays.copyOfRange(batch, n, 2 * n)).isEqualTo(recipe.apply(b));
    assertThat(java.util.Arrays.copyOfRange(batch, 2 * n, 3 * n)).isEqualTo(recipe.apply(a));
    assertThat(recipe.applyBatch(List.of())).isEmpty();
  }

  @Test
  void applyToWritesAtTheOffsetAndChecksRoom() {
    ImageRecipe recipe = ImageRecipe.kerasVgg16();
    BufferedImage image = solid(30, 30, Color.WHITE);
    float[] dest = new float[recipe.tensorSize() + 5];
    recipe.applyTo(image, dest, 5);
    assertThat(dest[4]).isZero();
    assertThat(dest[5]).isEqualTo(255f - (float) 103.939);
    assertThatThrownBy(() -> recipe.applyTo(image, new float[recipe.tensorSize()], 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tensorSize");
  }

  @Test
  void pillowNearestSamplesPixelCentres() {
    // 4 -> 2 columns: centres at 1.0 and 3.0 pick columns 1 and 3; 3 -> 5 rows: 0.3, 0.9, 1.5, 2.1, 2.7 pick
    // rows 0, 0, 1, 2, 2
    byte[] in = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120};
    byte[] out = PillowResize.nearest(in, 4, 3, 1, 2, 5);
    assertThat(out).containsExactly(20, 40, 20, 40, 60, 80, 100, 120, 100, 120);
  }

  @Test
  void pillowBilinearShrinkIsAntialiased() {
    // 4 -> 2 with the triangle filter stretched to support 2: weights 0.75, 0.75, 0.25 (normalised by 1.75)
    byte[] in = {0, (byte) 255, 0, (byte) 255};
    byte[] out = PillowResize.resample(in, 4, 1, 1, 2, 1, Resampling.BILINEAR);
    assertThat(out[0] & 0xFF).isEqualTo((int) Math.round(255 * 0.75 / 1.75));
    PillowResize.Coefficients c = PillowResize.computeCoefficients(4, 2, Resampling.BILINEAR, 0, 2);
    assertThat(c.bounds).containsExactly(0, 3, 1, 3);
    assertThat(c.weights[0] + c.weights[1] + c.weights[2]).isCloseTo(1 << PillowResize.PRECISION_BITS, within(2));
  }

  private static BufferedImage solid(int w, int h, Color color) {
    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, w, h);
    g.dispose();
    return image;
  }
}
