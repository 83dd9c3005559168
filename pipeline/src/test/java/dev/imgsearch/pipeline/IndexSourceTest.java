package dev.imgsearch.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidInputException;
import java.awt.Color;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IndexSourceTest {
  @TempDir Path dir;

  private List<Candidate> produce(IndexSource source, IdStrategy ids) {
    List<Candidate> out = new ArrayList<>();
    source.produce(ids, new Candidate.Sink() {
      @Override
      public boolean accept(Candidate c) {
        out.add(c);
        return true;
      }

      @Override
      public void fail(String item, IndexFailure.Cause cause, String message) {
        throw new AssertionError(item + ": " + message);
      }
    });
    return out;
  }

  private List<String> ids(IndexSource source) {
    return produce(source, IdStrategy.PATH).stream().map(c -> c.id).sorted().toList();
  }

  @Test
  void idsAreRelativePathsWithSlashesInUnicodeNfc() {
    TestFiles.solid(dir.resolve("a/b/x.png"), Color.RED);
    TestFiles.solid(dir.resolve("cafe\u0301.png"), Color.RED); // decomposed, as macOS writes names
    assertThat(ids(IndexSource.directory(dir).build())).containsExactly("a/b/x.png", "caf\u00e9.png");
    assertThat(ids(IndexSource.directory(dir).idPrefix("train/").build()))
        .containsExactly("train/a/b/x.png", "train/caf\u00e9.png");
    List<Candidate> content = produce(IndexSource.directory(dir).build(), IdStrategy.CONTENT);
    assertThat(content).allSatisfy(c -> assertThat(c.id).isNull());
  }

  @Test
  void globsMatchRelativePathsAndCountMatchesWhatIsProduced() {
    for (String f : List.of("top.jpg", "TOP2.JPG", "a/one.jpg", "a/two.png", "a/cache/three.jpg", "b/four.jpeg",
        "b/readme.txt")) {
      TestFiles.solid(dir.resolve(f.endsWith(".txt") ? f.replace(".txt", ".png") : f), Color.BLUE);
    }
    TestFiles.bytes(dir.resolve("b/readme.txt"), new byte[] {1});
    assertThat(ids(IndexSource.directory(dir).include("**/*.jpg").build()))
        .containsExactly("a/cache/three.jpg", "a/one.jpg", "top.jpg");
    assertThat(ids(IndexSource.directory(dir).exclude("**/cache").extensions(".JPG", "jpeg").build()))
        .containsExactly("TOP2.JPG", "a/one.jpg", "b/four.jpeg", "top.jpg");
    assertThat(ids(IndexSource.directory(dir).include("a/*").build())).containsExactly("a/one.jpg", "a/two.png");
    assertThat(ids(IndexSource.directory(dir).anyExtension().include("b/**").build()))
        .containsExactly("b/four.jpeg", "b/readme.png", "b/readme.txt");
    DirectorySource s = IndexSource.directory(dir).exclude("a/cache/**").build();
    assertThat(s.count()).isEqualTo(produce(s, IdStrategy.PATH).size()).isEqualTo(6);
  }

  @Test
  void refusesAMissingRootAndBadGlobs() {
    assertThatThrownBy(() -> IndexSource.directory(dir.resolve("nope")).build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a directory");
    assertThatThrownBy(() -> IndexSource.directory(dir).include("a/[b").build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("Invalid glob");
  }

  @Test
  void recordSourcesKnowTheirSizeOnlyForCollections() {
    ImageRecord r = ImageRecord.of("x", new byte[] {1});
    assertThat(IndexSource.records(List.of(r, r)).build().count()).isEqualTo(2);
    Iterable<ImageRecord> lazy = () -> List.of(r).iterator();
    assertThat(IndexSource.records(lazy).build().count()).isEqualTo(-1);
    assertThatThrownBy(() -> ImageRecord.of("", new byte[0])).isInstanceOf(InvalidInputException.class);
  }
}
