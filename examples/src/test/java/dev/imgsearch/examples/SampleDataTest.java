package dev.imgsearch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated sample data: the layouts the walkthroughs use, labelled, the same bytes on every run. */
class SampleDataTest {
  @TempDir
  Path work;

  private static Map<String, byte[]> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      Map<String, byte[]> out = new TreeMap<>();
      for (Path p : s.filter(Files::isRegularFile).collect(Collectors.toList())) {
        out.put(root.relativize(p).toString(), Files.readAllBytes(p));
      }
      return out;
    }
  }

  @Test
  void scenesAreLabelledCaptionedAndTheSameEveryTime() throws IOException {
    Path a = SampleData.scenes(work.resolve("a"), 4);
    Path b = SampleData.scenes(work.resolve("b"), 4);
    Map<String, byte[]> fa = files(a);
    Map<String, byte[]> fb = files(b);
    assertThat(fa.keySet()).isEqualTo(fb.keySet());
    fa.forEach((name, bytes) -> assertThat(fb.get(name)).as(name).isEqualTo(bytes));

    List<String> jpegs = fa.keySet().stream().filter(n -> n.endsWith(".JPEG")).toList();
    assertThat(jpegs).hasSize(SampleData.SUBJECTS.size() * 4);
    for (SampleData.Subject s : SampleData.SUBJECTS) {
      assertThat(jpegs).filteredOn(n -> n.startsWith("train/" + s.folder() + "/")).hasSize(4);
    }
    assertThat(ImageIO.read(a.resolve(jpegs.get(0)).toFile())).extracting(i -> i.getWidth(), i -> i.getHeight())
        .containsExactly(320, 240);
    List<String> captions = Files.readAllLines(a.resolve("captions.tsv"), StandardCharsets.UTF_8);
    assertThat(captions).hasSize(jpegs.size());
    for (String line : captions) {
      String[] cells = line.split("\t");
      assertThat(fa).containsKey(cells[0]);
      SampleData.Subject s = SampleData.SUBJECTS.stream().filter(x -> cells[0].startsWith("train/" + x.folder() + "/"))
          .findFirst().orElseThrow();
      assertThat(cells[1]).contains(s.chinese());
    }
  }

  @Test
  void differentSubjectsLookDifferent() throws IOException {
    Path a = SampleData.scenes(work.resolve("a"), 1);
    byte[] dog = Files.readAllBytes(a.resolve("train/white_dog/white_dog_0.JPEG"));
    byte[] car = Files.readAllBytes(a.resolve("train/red_car/red_car_0.JPEG"));
    assertThat(dog).isNotEqualTo(car);
  }

  @Test
  void paintingsHaveTheDatasetLayout() throws IOException {
    Path root = SampleData.paintings(work.resolve("p"), 5);
    Map<String, byte[]> f = files(root);
    assertThat(f.keySet().stream().filter(n -> n.startsWith("paintings/") && n.endsWith(".jpg"))).hasSize(20);
    assertThat(f.keySet().stream().filter(n -> n.startsWith("test_paintings/")))
        .containsExactlyInAnyOrder("test_paintings/Monet/6.jpg", "test_paintings/VanGogh/6.jpg");
    for (String painter : SampleData.PAINTERS) {
      assertThat(root.resolve("paintings/" + painter + "/1.jpg")).isRegularFile();
    }
  }

  @Test
  void productsHoldTheCatalogueTwoUnreadableFilesAndAQueryPhoto() throws IOException {
    Path root = SampleData.products(work.resolve("shop"));
    List<String> csv = Files.readAllLines(root.resolve("products/products.csv"), StandardCharsets.UTF_8);
    assertThat(csv.get(0)).isEqualTo("file,name,url,price");
    assertThat(csv).hasSize(1 + SampleData.products().size());
    for (SampleData.Product p : SampleData.products()) {
      assertThat(ImageIO.read(root.resolve("products/" + p.file()).toFile())).as(p.file()).isNotNull();
      assertThat(csv).anyMatch(l -> l.startsWith(p.file() + "," + p.name() + "," + p.url() + ","));
    }
    assertThat(Files.size(root.resolve("products/empty.png"))).isZero();
    assertThat(Files.size(root.resolve("products/broken.jpg"))).isEqualTo(600);
    assertThat(ImageIO.read(root.resolve("query.jpg").toFile())).isNotNull();
  }

  @Test
  void aFolderAlreadyMadeIsReusedAsItIs() throws IOException {
    Path root = SampleData.scenes(work.resolve("a"), 1);
    Path file = root.resolve("train/white_dog/white_dog_0.JPEG");
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(file, old);
    SampleData.scenes(root, 1);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
    Path pokemon = SampleData.pokemon(work.resolve("pokemon.jpeg"));
    assertThat(ImageIO.read(pokemon.toFile())).extracting(i -> i.getWidth()).isEqualTo(320);
  }
}
