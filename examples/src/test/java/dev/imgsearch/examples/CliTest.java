package dev.imgsearch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the programs do when something is missing or wrong: one clear paragraph, no stack trace, a non-zero status. */
class CliTest {
  @TempDir
  Path work;

  private String[] store() {
    return new String[] {"--store-dir", work.resolve("store").toString(), "--samples-dir", work.resolve("s").toString()};
  }

  private static void assertOneParagraph(ProgramRun run) {
    assertThat(run.status()).isEqualTo(Cli.FAILED);
    assertThat(run.err()).startsWith("Error: ").doesNotContain("\tat ").doesNotContain("Caused by");
    assertThat(run.err().strip().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(100));
  }

  @Test
  void theDefaultHubModelWithoutNetworkSaysHowToPassALocalDirectoryOrAMirror() {
    ProgramRun run = ProgramRun.of(new TextImageSearch(Map.of("HF_HUB_OFFLINE", "1", "HF_HOME",
        work.resolve("hf").toString())), store());
    assertOneParagraph(run);
    assertThat(run.err().replaceAll("\\s+", " ")).contains(Models.CLIP).contains("--model DIR")
        .contains("HF_ENDPOINT").contains("not in the hub cache");
    assertThat(run.out()).doesNotContain("Inserted");
  }

  @Test
  void anUnreachableHubOrMirrorSaysTheSame() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // closed again: connections to it are refused
    }
    ProgramRun run = ProgramRun.of(new ChineseTextImageSearch(Map.of("HF_ENDPOINT", "http://127.0.0.1:" + port,
        "HF_HOME", work.resolve("hf").toString())), store());
    assertOneParagraph(run);
    assertThat(run.err().replaceAll("\\s+", " ")).contains("Cannot download " + Models.CHINESE_CLIP)
        .contains("--model DIR").contains("HF_ENDPOINT");
  }

  @Test
  void resnetAndVggHaveNoDefaultAndSayHowToMakeOne() {
    ProgramRun paintings = ProgramRun.of(new PaintingSearch(Map.of()), store());
    assertOneParagraph(paintings);
    assertThat(paintings.err().replaceAll("\\s+", " ")).contains("needs a ResNet50 model").contains("README")
        .contains("--model resnet50.onnx");
    ProgramRun reverse = ProgramRun.of(new ReverseImageSearch(Map.of()), store());
    assertOneParagraph(reverse);
    assertThat(reverse.err().replaceAll("\\s+", " ")).contains("needs a VGG16 model").contains("--model vgg16.onnx");
  }

  @Test
  void efficientNetLite0NotConvertedYetSaysHowToConvertIt() {
    Path models = work.resolve("models");
    ProgramRun run = ProgramRun.of(new SimilarImages(Map.of(Models.MODELS_ENV, models.toString())),
        "--model", "efficientnet-lite0", "--store-dir", work.resolve("store").toString());
    assertOneParagraph(run);
    assertThat(run.err().replaceAll("\\s+", " ")).contains(models.resolve("efficientnet-lite0").toString())
        .contains("tools/efficientnet-lite0/convert.py").contains("./test.sh").contains(Models.MODELS_ENV);
  }

  @Test
  void aModelPathThatDoesNotExistIsNamed() {
    ProgramRun run = ProgramRun.of(new TextImageSearch(Map.of()), "--model", "./no/such/model", "--store-dir",
        work.resolve("store").toString());
    assertOneParagraph(run);
    assertThat(run.err().replaceAll("\\s+", " ")).contains("./no/such/model is neither an existing directory");
  }

  @Test
  void theEmbeddedStoreAndMilvusCannotBothBeGiven() {
    ProgramRun run = ProgramRun.of(new HelloMilvus(Map.of()), "--store-dir", work.toString(), "--uri",
        "http://127.0.0.1:1");
    assertOneParagraph(run);
    assertThat(run.err().replaceAll("\\s+", " ")).contains("Both --store-dir and --uri are given");
  }

  @Test
  void hybridSearchOnAFolderWithoutCaptionsSaysWhatToWrite() throws IOException {
    Path images = Files.createDirectories(work.resolve("mine"));
    ProgramRun run = ProgramRun.of(new HybridSearch(Map.of()), "--images", images.toString(), "--model",
        ProgramRun.model("chinese-clip").toString(), "--store-dir", work.resolve("store").toString());
    assertOneParagraph(run);
    assertThat(run.err().replaceAll("\\s+", " ")).contains("No captions file").contains("captions.tsv");
  }

  @Test
  void reverseImageSearchOnYourFolderNeedsAQueryPhoto() throws IOException {
    Path images = Files.createDirectories(work.resolve("mine"));
    ProgramRun run = ProgramRun.of(new ReverseImageSearch(Map.of()), "--images", images.toString());
    assertOneParagraph(run);
    assertThat(run.err()).contains("--query IMAGE");
  }

  @Test
  void anUnknownOptionPrintsTheUsage() {
    ProgramRun run = ProgramRun.of(new TextImageSearch(Map.of()), "--no-such-option");
    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err()).contains("Unknown option: '--no-such-option'").contains("Usage: TextImageSearch")
        .contains("--model").contains("--images").contains("--store-dir").contains("--uri").contains("--token");
  }

  @Test
  void helpListsTheOptionsWithTheirDefaults() {
    ProgramRun run = ProgramRun.of(new TextImageSearch(Map.of()), "--help");
    assertThat(run.status()).isZero();
    assertThat(run.out()).contains("Default model: " + Models.CLIP).contains("(default: a white dog)")
        .contains("(default: imgsearch-samples)");
  }

  @Test
  void messagesAreWrappedAtSpaces() {
    String text = "word ".repeat(60) + "end";
    String wrapped = Cli.wrap(text, 30);
    assertThat(wrapped.lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(30)).hasSizeGreaterThan(5);
    assertThat(wrapped.replaceAll("\\s+", " ")).isEqualTo(text);
  }
}
