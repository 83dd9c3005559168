package dev.imgsearch.pipeline.render;

import java.awt.Font;
import java.awt.FontFormatException;
import java.awt.GraphicsEnvironment;
import java.awt.font.TextAttribute;
import java.io.IOException;
import java.io.InputStream;
import java.text.AttributedString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses fonts that can display a caption, so that Chinese (or any other) text never renders as empty boxes.
 * For each character, in this order: the logical {@code SansSerif} font (which, through the platform's font
 * configuration, already covers the installed fonts on most systems), installed fonts known to cover Chinese,
 * the font shipped with the SDK (Droid Sans Fallback subset to GB2312: common simplified Chinese, kana,
 * Greek, Cyrillic and CJK punctuation; Apache License 2.0), and any other installed font. A caption mixing
 * scripts is drawn in runs of different fonts. Thread-safe.
 */
public final class CaptionFonts {
  private static final Logger LOG = LoggerFactory.getLogger(CaptionFonts.class);
  /** The shipped font, as a class-path resource. */
  static final String SHIPPED_RESOURCE = "fonts/DroidSansFallback-GB2312.ttf";
  private static final List<String> PREFERRED = List.of("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
      "Source Han Sans CN", "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "PingFang SC",
      "Hiragino Sans GB", "SimHei", "SimSun", "Noto Sans CJK JP", "Droid Sans Fallback", "AR PL UMing CN");

  private static volatile List<Font> candidates;
  private static volatile Font shipped;
  private static final Map<Integer, Font> BY_CODE_POINT = new ConcurrentHashMap<>();

  private CaptionFonts() {}

  /** The font shipped with the SDK, at size 1 (derive the size you need). */
  public static Font shippedFont() {
    Font f = shipped;
    if (f == null) {
      synchronized (CaptionFonts.class) {
        f = shipped;
        if (f == null) {
          try (InputStream in = CaptionFonts.class.getResourceAsStream(SHIPPED_RESOURCE)) {
            if (in == null) {
              throw new IllegalStateException("The caption font " + SHIPPED_RESOURCE + " is missing from the class "
                  + "path; the imgsearch-core jar is incomplete, use an unmodified one.");
            }
            f = Font.createFont(Font.TRUETYPE_FONT, in);
          } catch (IOException | FontFormatException e) {
            throw new IllegalStateException("The caption font " + SHIPPED_RESOURCE + " cannot be loaded (" + e
                + "); the imgsearch-core jar is damaged, use an unmodified one.", e);
          }
          shipped = f;
        }
      }
    }
    return f;
  }

  /**
   * The first font, in the order of this class, that displays every character of {@code text}, at {@code size};
   * when none does, the one that displays the most (then draw with {@link #styled}, which mixes fonts).
   */
  public static Font fontFor(String text, float size) {
    Font best = null;
    int bestUpTo = -2;
    for (Font f : candidates()) {
      int upTo = f.canDisplayUpTo(text);
      if (upTo == -1) {
        return f.deriveFont(Font.PLAIN, size);
      }
      if (upTo > bestUpTo) {
        best = f;
        bestUpTo = upTo;
      }
    }
    return best.deriveFont(Font.PLAIN, size);
  }

  /** The font for one character (the logical SansSerif font when nothing displays it). */
  static Font fontFor(int codePoint) {
    return BY_CODE_POINT.computeIfAbsent(codePoint, cp -> {
      for (Font f : candidates()) {
        if (f.canDisplay(cp)) {
          return f;
        }
      }
      return candidates().get(0);
    });
  }

  /** The text with a font set on each run of characters, at {@code size}, for drawing with a TextLayout. */
  public static AttributedString styled(String text, float size) {
    AttributedString s = new AttributedString(text);
    int i = 0;
    while (i < text.length()) {
      int cp = text.codePointAt(i);
      Font f = fontFor(cp);
      int j = i + Character.charCount(cp);
      while (j < text.length()) {
        int next = text.codePointAt(j);
        if (!f.canDisplay(next)) {
          break;
        }
        j += Character.charCount(next);
      }
      s.addAttribute(TextAttribute.FONT, f.deriveFont(Font.PLAIN, size), i, j);
      i = j;
    }
    return s;
  }

  private static List<Font> candidates() {
    List<Font> c = candidates;
    if (c == null) {
      synchronized (CaptionFonts.class) {
        c = candidates;
        if (c == null) {
          c = new ArrayList<>();
          c.add(new Font(Font.SANS_SERIF, Font.PLAIN, 1));
          List<String> families = List.of();
          try {
            families = List.of(GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames());
          } catch (RuntimeException | Error e) {
            LOG.debug("Cannot list installed fonts; using the logical and shipped fonts only", e);
          }
          for (String p : PREFERRED) {
            if (families.contains(p)) {
              c.add(new Font(p, Font.PLAIN, 1));
            }
          }
          c.add(shippedFont());
          for (String f : families) {
            if (!PREFERRED.contains(f)) {
              c.add(new Font(f, Font.PLAIN, 1));
            }
          }
          candidates = c = List.copyOf(c);
        }
      }
    }
    return c;
  }
}
