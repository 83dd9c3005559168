package dev.imgsearch.pipeline.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.Query;
import dev.imgsearch.pipeline.TestFiles;
import dev.imgsearch.core.store.MetricType;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultGridTest {
  @TempDir Path dir;

  private ImageHit hit(String name, Color colour, float score, MetricType metric) {
    Path file = TestFiles.solid(dir.resolve(name), colour);
    return new ImageHit(name, file.toString(), score, metric, Map.of());
  }

  private static int rgb(BufferedImage img, int x, int y) {
    return img.getRGB(x, y) & 0xFFFFFF;
  }

  @Test
  void drawsTheQueryAndItsHitsInOneRowWithDistancesAsThePaintingsTutorial() throws Exception {
    Path query = TestFiles.solid(dir.resolve("query.png"), Color.BLUE);
    List<ImageHit> hits = List.of(hit("a.png", Color.RED, 0.5f, MetricType.L2), hit("b.png", Color.GREEN, 1.5f,
        MetricType.L2), hit("c.png", Color.YELLOW, 2.25f, MetricType.L2));
    ResultGrid grid = ResultGrid.builder().tileSize(100).build();
    Path png = dir.resolve("out/search_result.png");
    grid.write(Query.image(query).topK(3).build(), hits, png);

    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(4 * 100 + 5 * 4);
    assertThat(img.getHeight()).isGreaterThan(100 + 2 * 4).isLessThan(200);
    // Tiles in order: query (blue), then red, green, yellow; images are fitted inside the tile, centred.
    int cy = 4 + 50;
    assertThat(rgb(img, 4 + 50, cy)).isEqualTo(0x0000FF);
    assertThat(rgb(img, 4 + 104 + 50, cy)).isEqualTo(0xFF0000);
    assertThat(rgb(img, 4 + 2 * 104 + 50, cy)).isEqualTo(0x00FF00);
    assertThat(rgb(img, 4 + 3 * 104 + 50, cy)).isEqualTo(0xFFFF00);
    // Captions under the tiles: dark text on white.
    BufferedImage caption = img.getSubimage(4 + 104, 4 + 100, 100, img.getHeight() - 4 - 100 - 4);
    assertThat(CaptionFontsTest.ink(caption)).isGreaterThan(20);
  }

  @Test
  void drawsTenHitsAsFiveByTwoTilesOf150PixelsAsTheClipTutorial() {
    List<ImageHit> hits = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      hits.add(hit("h" + i + ".png", new Color(i * 25, 255 - i * 25, 128), 0.9f - i / 100f, MetricType.COSINE));
    }
    BufferedImage img = ResultGrid.builder().tileSize(150).columns(5).showQuery(false).captions(false).gap(0)
        .build().render(Query.text("a white dog").build(), hits);
    assertThat(img.getWidth()).isEqualTo(750);
    assertThat(img.getHeight()).isEqualTo(300);
    for (int i = 0; i < 10; i++) {
      int x = (i % 5) * 150 + 75;
      int y = (i / 5) * 150 + 75;
      assertThat(rgb(img, x, y)).as("tile %d", i).isEqualTo(new Color(i * 25, 255 - i * 25, 128).getRGB() & 0xFFFFFF);
    }
  }

  @Test
  void aChineseTextQueryRendersAsACaptionTileWithRealGlyphs() {
    ResultGrid grid = ResultGrid.builder().tileSize(160).build();
    List<ImageHit> hits = List.of(hit("a.png", Color.RED, 0.3f, MetricType.COSINE));
    BufferedImage pikachu = grid.render(Query.text("皮卡丘").build(), hits);
    BufferedImage squirtle = grid.render(Query.text("杰尼龟").build(), hits);
    BufferedImage queryTile = pikachu.getSubimage(4, 4, 160, 160);
    assertThat(CaptionFontsTest.ink(queryTile)).isGreaterThan(100);
    // Empty boxes would look the same for both texts.
    assertThat(CaptionFontsTest.samePixels(queryTile, squirtle.getSubimage(4, 4, 160, 160))).isFalse();
  }

  @Test
  void anUnreadableHitIsAGreyTileNotAFailure() {
    Path broken = TestFiles.corruptPng(dir.resolve("broken.png"));
    List<ImageHit> hits = List.of(new ImageHit("broken.png", broken.toString(), 0.1f, MetricType.COSINE, Map.of()),
        new ImageHit("record-7", null, 0.05f, MetricType.COSINE, Map.of()));
    BufferedImage img = ResultGrid.builder().tileSize(64).showQuery(false).build().render(null, hits);
    assertThat(rgb(img, 4 + 2, 4 + 2)).isEqualTo(0xCCCCCC);
    assertThat(img.getWidth()).isEqualTo(2 * 64 + 3 * 4);
  }

  @Test
  void refusesNonsenseSettingsWithAClearMessage() {
    assertThatThrownBy(() -> ResultGrid.builder().tileSize(3).build()).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("tileSize");
    assertThatThrownBy(() -> ResultGrid.builder().showQuery(false).build().render(null, List.of()))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("no tiles");
  }
}
