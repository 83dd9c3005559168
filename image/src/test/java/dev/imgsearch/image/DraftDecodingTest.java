package dev.imgsearch.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidImageException;
import dev.imgsearch.core.InvalidImageException.Reason;
import dev.imgsearch.core.embed.ImageInput;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The opt-in reduced-size decoding through the public API: {@link ImageDecoder#decode(ImageInput, int, int)} and
 * {@link ImagePreprocessor.Builder#draft(boolean)}. Off by default; when on, Pillow's {@code draft} pixels where it
 * applies, the exact path everywhere else, and the same guards.
 */
class DraftDecodingTest {
  private static final ImageDecoder DECODER = ImageDecoder.standard();
  private static final ImageInput PHOTO = ImageInput.of(TestImages.path("photo_640x480.jpg"));

  @Test
  void aLargeEnoughJpegIsDecodedAtTheReducedSizePillowPicks() throws IOException {
    BufferedImage half = DECODER.decode(PHOTO, 224, 224); // min(640 / 224, 480 / 224) = 2
    assertSamePixels(half, reference("photo_640x480_s2.png"));
    BufferedImage eighth = DECODER.decode(ImageInput.of(TestImages.bytes("photo_640x480.jpg")), 80, 60);
    assertSamePixels(eighth, reference("photo_640x480_s8.png"));
    BufferedImage progressive = DECODER.decode(ImageInput.of(TestImages.path("portrait_300x500_progressive.jpg")),
        70, 100); // min(4, 5) = 4
    assertSamePixels(progressive, reference("portrait_300x500_progressive_s4.png"));
    BufferedImage gray = DECODER.decode(ImageInput.of(TestImages.path("gray_220x330.jpg")), 100, 100);
    assertThat(PillowImage.modeOf(gray)).isEqualTo(PillowImage.Mode.L);
    assertSamePixels(gray, reference("gray_220x330_s2.png"));
  }

  @Test
  void everythingElseIsDecodedExactly() {
    for (String name : new String[] {"rgba_320x240.png", "cmyk_240x180.jpg", "ycck_240x180.jpg", "rgb_180x120.tif"}) {
      ImageInput input = ImageInput.of(TestImages.path(name));
      assertSamePixels(DECODER.decode(input, 16, 16), DECODER.decode(input));
    }
    // no reduction possible: the request is more than half the size on one side
    assertSamePixels(DECODER.decode(PHOTO, 321, 10), DECODER.decode(PHOTO));
    BufferedImage given = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    assertThat(DECODER.decode(ImageInput.of(given), 8, 8)).isSameAs(given);
    assertThatThrownBy(() -> DECODER.decode(PHOTO, 0, 10)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theGuardsStillApply() {
    // the pixel limit applies to the size in the header, not to the reduced size
    assertReason(() -> ImageDecoder.withMaxPixels(640 * 480 - 1).decode(PHOTO, 80, 60), Reason.TOO_LARGE);
    assertThat(ImageDecoder.withMaxPixels(640 * 480).decode(PHOTO, 80, 60).getWidth()).isEqualTo(80);
    byte[] jpeg = TestImages.bytes("photo_640x480.jpg");
    assertReason(() -> DECODER.decode(ImageInput.of(Arrays.copyOf(jpeg, jpeg.length / 2)), 80, 60),
        Reason.TRUNCATED);
    assertReason(() -> DECODER.decode(ImageInput.of(new byte[0]), 80, 60), Reason.EMPTY);
    byte[] corrupt = jpeg.clone();
    for (int i = 20; i < 600; i++) {
      corrupt[i] = (byte) (i * 31 + 7);
    }
    assertReason(() -> DECODER.decode(ImageInput.of(corrupt), 80, 60), Reason.CORRUPT);
  }

  @Test
  void preprocessorsAreExactUnlessDraftIsTurnedOn() throws IOException {
    ImageRecipe clip = ImageRecipe.openAiClip(224);
    ImagePreprocessor exact = ImagePreprocessor.of(clip);
    assertThat(exact.draft()).isFalse();
    float[] exactTensor = exact.apply(PHOTO);
    assertThat(exactTensor).isEqualTo(clip.apply(DECODER.decode(PHOTO)));

    ImagePreprocessor draft = ImagePreprocessor.builder(clip).draft(true).build();
    assertThat(draft.draft()).isTrue();
    float[] draftTensor = draft.apply(PHOTO);
    // the recipe applied to Pillow's draft pixels: what a Python pipeline calling draft() first would give
    assertThat(draftTensor).isEqualTo(clip.apply(reference("photo_640x480_s2.png")));
    assertThat(draftTensor).isNotEqualTo(exactTensor);
    assertThat(cosine(draftTensor, exactTensor)).isGreaterThan(0.99);

    // a reducing gap of 2 asks for 448x448: a 640x480 photo is then decoded exactly
    float[] gap2 = ImagePreprocessor.builder(clip).draft(true).draftReducingGap(2.0).build().apply(PHOTO);
    assertThat(gap2).isEqualTo(exactTensor);
    // shortest side 224 of a 300x500 portrait: no reduction keeps 224, so exact
    ImageInput portrait = ImageInput.of(TestImages.path("portrait_300x500_progressive.jpg"));
    assertThat(draft.apply(portrait)).isEqualTo(exact.apply(portrait));
    assertThatThrownBy(() -> ImagePreprocessor.builder(clip).draftReducingGap(0.5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void eachRecipeRequestsItsResizeTarget() {
    assertThat(ImageRecipe.openAiClip(224).minimumDecodedSize()).containsExactly(224, 224);
    assertThat(ImageRecipe.torchvisionResNet().minimumDecodedSize()).containsExactly(256, 256);
    assertThat(ImageRecipe.chineseClip(224).minimumDecodedSize()).containsExactly(224, 224);
    ImageRecipe wide = ImageRecipe.builder().resizeTo(300, 100, Resampling.BILINEAR).build("wide");
    assertThat(wide.minimumDecodedSize()).containsExactly(300, 100);
    // torchvision on a 640x480 photo: 480 / 256 = 1, so exact; Keras' 224x224 resize: 1/2
    ImageInput photo = PHOTO;
    ImageRecipe resnet = ImageRecipe.torchvisionResNet();
    assertThat(ImagePreprocessor.builder(resnet).draft(true).build().apply(photo))
        .isEqualTo(ImagePreprocessor.of(resnet).apply(photo));
    ImageRecipe vgg = ImageRecipe.kerasVgg16();
    float[] vggDraft = ImagePreprocessor.builder(vgg).draft(true).build().apply(photo);
    assertThat(vggDraft).hasSize(vgg.tensorSize()).isNotEqualTo(ImagePreprocessor.of(vgg).apply(photo));
  }

  private static BufferedImage reference(String name) throws IOException {
    return ImageIO.read(TestImages.resource("/draft-reference/" + name).toFile());
  }

  private static void assertSamePixels(BufferedImage actual, BufferedImage expected) {
    assertThat(actual.getWidth()).isEqualTo(expected.getWidth());
    assertThat(actual.getHeight()).isEqualTo(expected.getHeight());
    Raster a = actual.getRaster();
    Raster b = expected.getRaster();
    assertThat(a.getNumBands()).isEqualTo(b.getNumBands());
    int[] ra = new int[a.getWidth() * a.getNumBands()];
    int[] rb = new int[ra.length];
    for (int y = 0; y < a.getHeight(); y++) {
      a.getPixels(0, y, a.getWidth(), 1, ra);
      b.getPixels(0, y, b.getWidth(), 1, rb);
      assertThat(ra).as("row %d", y).isEqualTo(rb);
    }
  }

  private static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  private static void assertReason(Runnable call, Reason reason) {
    try {
      call.run();
    } catch (InvalidImageException e) {
      assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
      return;
    }
    throw new AssertionError("expected InvalidImageException(" + reason + ")");
  }
}
