package dev.imgsearch.pipeline.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.font.TextAttribute;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.PathIterator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.text.AttributedCharacterIterator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CaptionFontsTest {
  /** The zero-shot labels and queries of the walkthroughs. */
  private static final String CHINESE = "杰尼龟妙蛙种子小火龙皮卡丘以文搜图一只白色的狗";
  private static final FontRenderContext FRC = new FontRenderContext(new AffineTransform(), true, true);

  @Test
  void everyChineseCharacterOfTheWalkthroughsGetsAFontThatHasIt() {
    CHINESE.codePoints().forEach(cp -> {
      Font f = CaptionFonts.fontFor(cp);
      assertThat(f.canDisplay(cp)).as("font %s for %s", f.getFontName(), Character.toString(cp)).isTrue();
      GlyphVector g = f.deriveFont(24f).createGlyphVector(FRC, Character.toString(cp));
      assertThat(g.getGlyphCode(0)).as("glyph of %s", Character.toString(cp)).isNotEqualTo(f.getMissingGlyphCode());
    });
    assertThat(CaptionFonts.fontFor(CHINESE, 20f).canDisplayUpTo(CHINESE)).isEqualTo(-1);
  }

  @Test
  void distinctCharactersRenderAsDistinctGlyphsNotAsEmptyBoxes() {
    Set<String> outlines = new HashSet<>();
    List<BufferedImage> rendered = new ArrayList<>();
    for (String ch : List.of("皮", "卡", "丘", "龟")) {
      Font f = CaptionFonts.fontFor(ch.codePointAt(0)).deriveFont(32f);
      outlines.add(describe(f.createGlyphVector(FRC, ch).getOutline()));
      BufferedImage img = render(ch, 32f);
      assertThat(ink(img)).as("ink of %s", ch).isGreaterThan(40);
      rendered.add(img);
    }
    assertThat(outlines).as("four characters, four outlines").hasSize(4);
    for (int i = 0; i < rendered.size(); i++) {
      for (int j = i + 1; j < rendered.size(); j++) {
        assertThat(samePixels(rendered.get(i), rendered.get(j))).isFalse();
      }
    }
    // A box (the missing glyph) looks the same for every character: ours do not look like it.
    Font shipped = CaptionFonts.shippedFont().deriveFont(32f);
    String box = describe(shipped.createGlyphVector(FRC, new int[] {shipped.getMissingGlyphCode()}).getOutline());
    assertThat(outlines).doesNotContain(box);
  }

  @Test
  void mixedScriptsAreDrawnInRunsOfFontsThatDisplayThem() {
    String text = "search: 皮卡丘 (Pikachu) 0.93";
    AttributedCharacterIterator it = CaptionFonts.styled(text, 14f).getIterator();
    for (char c = it.first(); c != AttributedCharacterIterator.DONE; c = it.next()) {
      Font f = (Font) it.getAttribute(TextAttribute.FONT);
      assertThat(f.canDisplay(c)).as("'%s' in %s", c, f.getFontName()).isTrue();
      assertThat(f.getSize2D()).isEqualTo(14f);
    }
  }

  @Test
  void theShippedFontIsSmallAndCoversCommonChinese() throws IOException {
    try (InputStream in = CaptionFonts.class.getResourceAsStream(CaptionFonts.SHIPPED_RESOURCE)) {
      assertThat(in).isNotNull();
      assertThat(in.readAllBytes().length).isLessThanOrEqualTo(2 * 1024 * 1024);
    }
    Font f = CaptionFonts.shippedFont();
    assertThat(f.canDisplayUpTo(CHINESE)).isEqualTo(-1);
    assertThat(f.canDisplayUpTo("，。：（）、《》！？")).isEqualTo(-1);
    // GB2312 has 6,763 characters; the subset keeps them all, among them these from both of its levels.
    assertThat(f.canDisplayUpTo("啊阿埃挨哎唉哀皑癌蔼矮艾碍爱隘鞍氨安俺按暗岸胺案肮昂盎凹敖熬翱袄傲奥懊澳亍丌兀丐廿卅")).isEqualTo(-1);
  }

  static BufferedImage render(String text, float size) {
    BufferedImage img = new BufferedImage(200, 60, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_OFF);
    g.setColor(java.awt.Color.WHITE);
    g.fillRect(0, 0, 200, 60);
    g.setColor(java.awt.Color.BLACK);
    new TextLayout(CaptionFonts.styled(text, size).getIterator(), g.getFontRenderContext()).draw(g, 10, 45);
    g.dispose();
    return img;
  }

  static int ink(BufferedImage img) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        if ((img.getRGB(x, y) & 0xFF) < 128) {
          n++;
        }
      }
    }
    return n;
  }

  static boolean samePixels(BufferedImage a, BufferedImage b) {
    for (int y = 0; y < a.getHeight(); y++) {
      for (int x = 0; x < a.getWidth(); x++) {
        if (a.getRGB(x, y) != b.getRGB(x, y)) {
          return false;
        }
      }
    }
    return true;
  }

  private static String describe(Shape outline) {
    StringBuilder sb = new StringBuilder();
    double[] c = new double[6];
    for (PathIterator it = outline.getPathIterator(null); !it.isDone(); it.next()) {
      int type = it.currentSegment(c);
      sb.append(type).append(':').append(Math.round(c[0])).append(',').append(Math.round(c[1])).append(' ');
    }
    return sb.toString();
  }
}
