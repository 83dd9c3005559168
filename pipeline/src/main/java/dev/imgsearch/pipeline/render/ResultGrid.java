package dev.imgsearch.pipeline.render;

import dev.imgsearch.core.InvalidInputException;
import dev.imgsearch.image.ImageDecoder;
import dev.imgsearch.core.embed.ImageInput;
import dev.imgsearch.pipeline.ImageHit;
import dev.imgsearch.pipeline.Query;
import dev.imgsearch.core.store.MetricType;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.FontRenderContext;
import java.awt.font.LineBreakMeasurer;
import java.awt.font.TextLayout;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.AttributedCharacterIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * Draws search results as one picture: the query (its image, or its text as a caption tile) and the hits with
 * their file names and scores, in a grid of square tiles. Immutable and thread-safe.
 *
 * <pre>{@code
 * // as the "Image Search with Milvus" tutorial: the query and its top 3 in one row, with distances
 * ResultGrid.builder().tileSize(256).build().write(query, hits, Path.of("search_result.png"));
 * // as the "Text to Image Search with Milvus" tutorial: the top 10 as 5 x 2 tiles of 150 px, without the query or captions
 * ResultGrid.builder().tileSize(150).columns(5).showQuery(false).captions(false).gap(0).build()
 *     .write(query, hits, Path.of("result.png"));
 * }</pre>
 *
 * <p>Captions are drawn with fonts chosen by {@link CaptionFonts}, so Chinese text displays on machines without
 * Chinese fonts. An image that cannot be read is drawn as a grey tile saying so; it does not fail the picture.
 */
public final class ResultGrid {
  /**
   * One cell of a grid: an image (or null for a caption-only tile, whose caption fills the tile) and a caption
   * whose lines are separated by {@code \n} (or null for none).
   */
  public record Tile(BufferedImage image, String caption) {}

  private static final Color BACKGROUND = Color.WHITE;
  private static final Color TEXT = new Color(0x20, 0x20, 0x20);
  private static final Color TEXT_TILE = new Color(0xEE, 0xF1, 0xF5);
  private static final Color MISSING_TILE = new Color(0xCC, 0xCC, 0xCC);

  private final int tileSize;
  private final int columns;
  private final boolean captions;
  private final int captionLines;
  private final boolean showQuery;
  private final int gap;
  private final ImageDecoder decoder;

  private ResultGrid(Builder b) {
    if (b.tileSize < 16 || b.tileSize > 4096) {
      throw new InvalidInputException("tileSize is " + b.tileSize + "; use 16..4096 pixels.");
    }
    if (b.columns < 0) {
      throw new InvalidInputException("columns is " + b.columns + "; use 1 or more, or 0 for one row.");
    }
    if (b.captionLines < 1 || b.gap < 0) {
      throw new InvalidInputException("captionLines must be 1 or more and gap 0 or more.");
    }
    this.tileSize = b.tileSize;
    this.columns = b.columns;
    this.captions = b.captions;
    this.captionLines = b.captionLines;
    this.showQuery = b.showQuery;
    this.gap = b.gap;
    this.decoder = b.decoder;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Renders a query and its hits. */
  public BufferedImage render(Query query, List<ImageHit> hits) {
    return render(tiles(query, hits));
  }

  /** Renders a query and its hits into a PNG file (parent directories are created). */
  public void write(Query query, List<ImageHit> hits, Path png) {
    writePng(render(query, hits), png);
  }

  /**
   * The tiles of a query and its hits: the query's (unless {@code showQuery(false)}), then one per hit. Concatenate
   * the tiles of several queries and {@link #render(List)} them with {@code columns(1 + topK)} for one row per
   * query.
   */
  public List<Tile> tiles(Query query, List<ImageHit> hits) {
    List<Tile> tiles = new ArrayList<>(hits.size() + 1);
    if (showQuery && query != null) {
      tiles.add(queryTile(query));
    }
    for (ImageHit h : hits) {
      String name = h.file().map(p -> p.getFileName().toString()).orElse(h.id());
      String score = h.metric() == MetricType.L2 ? String.format(Locale.ROOT, "distance %.4f", h.score())
          : String.format(Locale.ROOT, "score %.4f", h.score());
      tiles.add(new Tile(h.path() == null ? null : load(ImageInput.of(Path.of(h.path()))), name + "\n" + score));
    }
    return tiles;
  }

  private Tile queryTile(Query query) {
    return switch (query.kind()) {
      case TEXT -> new Tile(null, query.text());
      case IMAGE -> new Tile(load(query.image()), "query" + (query.image().path() == null ? ""
          : "\n" + query.image().path().getFileName()));
      case VECTOR -> new Tile(null, "vector query");
    };
  }

  private BufferedImage load(ImageInput input) {
    if (input.image() != null) {
      return input.image();
    }
    try {
      return decoder.decode(input);
    } catch (RuntimeException e) { // ImageSearchException for a bad image, anything a plugin throws
      return MISSING;
    }
  }

  /** Marks an image that could not be read. */
  private static final BufferedImage MISSING = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);

  /** Renders tiles in rows of {@code columns} (all in one row when columns is 0). */
  public BufferedImage render(List<Tile> tiles) {
    if (tiles.isEmpty()) {
      throw new InvalidInputException("Nothing to draw: there are no tiles (no hits and no query tile).");
    }
    int cols = columns == 0 ? tiles.size() : Math.min(columns, tiles.size());
    int rows = (tiles.size() + cols - 1) / cols;
    float fontSize = Math.max(9f, Math.min(18f, tileSize / 12f));
    int lineHeight = Math.round(fontSize * 1.4f);
    int captionHeight = captions ? captionLines * lineHeight + 4 : 0;
    int cellH = tileSize + captionHeight;
    BufferedImage out = new BufferedImage(cols * tileSize + (cols + 1) * gap, rows * cellH + (rows + 1) * gap,
        BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(BACKGROUND);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      for (int i = 0; i < tiles.size(); i++) {
        int x = gap + (i % cols) * (tileSize + gap);
        int y = gap + (i / cols) * (cellH + gap);
        Tile t = tiles.get(i);
        if (t.image() == null) {
          g.setColor(TEXT_TILE);
          g.fillRect(x, y, tileSize, tileSize);
          if (t.caption() != null) {
            drawWrapped(g, t.caption(), x, y, Math.max(fontSize, tileSize / 9f));
          }
        } else if (t.image() == MISSING) {
          g.setColor(MISSING_TILE);
          g.fillRect(x, y, tileSize, tileSize);
          drawWrapped(g, "cannot read image", x, y, fontSize);
        } else {
          drawFitted(g, t.image(), x, y);
        }
        if (captions && t.caption() != null && t.image() != null) {
          drawCaption(g, t.caption(), x, y + tileSize + 2, fontSize, lineHeight);
        }
      }
    } finally {
      g.dispose();
    }
    return out;
  }

  /** Writes a picture as PNG (parent directories are created). */
  public static void writePng(BufferedImage image, Path png) {
    Objects.requireNonNull(png, "png");
    try {
      Path parent = png.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!ImageIO.write(image, "png", png.toFile())) {
        throw new IllegalStateException("no PNG writer is installed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + png + " (" + e.getMessage() + "); check the directory "
          + "exists and is writable.", e);
    }
  }

  private void drawFitted(Graphics2D g, BufferedImage img, int x, int y) {
    double scale = Math.min((double) tileSize / img.getWidth(), (double) tileSize / img.getHeight());
    int w = Math.max(1, (int) Math.round(img.getWidth() * scale));
    int h = Math.max(1, (int) Math.round(img.getHeight() * scale));
    BufferedImage src = img;
    // Halve big images step by step first: one bicubic step from far above the target size aliases.
    while (src.getWidth() / 2 >= w && src.getHeight() / 2 >= h) {
      BufferedImage half = new BufferedImage(Math.max(1, src.getWidth() / 2), Math.max(1, src.getHeight() / 2),
          BufferedImage.TYPE_INT_RGB);
      Graphics2D hg = half.createGraphics();
      hg.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      hg.drawImage(src, 0, 0, half.getWidth(), half.getHeight(), null);
      hg.dispose();
      src = half;
    }
    g.drawImage(src, x + (tileSize - w) / 2, y + (tileSize - h) / 2, w, h, null);
  }

  private void drawCaption(Graphics2D g, String caption, int x, int y, float size, int lineHeight) {
    g.setColor(TEXT);
    FontRenderContext frc = g.getFontRenderContext();
    String[] lines = caption.split("\n", -1);
    for (int i = 0; i < Math.min(lines.length, captionLines); i++) {
      String line = fit(lines[i], size, frc);
      if (line.isEmpty()) {
        continue;
      }
      TextLayout layout = new TextLayout(CaptionFonts.styled(line, size).getIterator(), frc);
      float dx = Math.max(0, (tileSize - layout.getAdvance()) / 2);
      layout.draw(g, x + dx, y + i * lineHeight + layout.getAscent());
    }
  }

  /** The line, shortened with an ellipsis in the middle until it fits the tile's width. */
  private String fit(String line, float size, FontRenderContext frc) {
    if (line.isEmpty() || advance(line, size, frc) <= tileSize - 4) {
      return line;
    }
    int keep = line.length();
    while (keep > 1) {
      keep--;
      int head = (keep + 1) / 2;
      String s = line.substring(0, head) + "…" + line.substring(line.length() - (keep - head));
      if (advance(s, size, frc) <= tileSize - 4) {
        return s;
      }
    }
    return "…";
  }

  private static float advance(String s, float size, FontRenderContext frc) {
    return new TextLayout(CaptionFonts.styled(s, size).getIterator(), frc).getAdvance();
  }

  private void drawWrapped(Graphics2D g, String text, int x, int y, float size) {
    g.setColor(TEXT);
    FontRenderContext frc = g.getFontRenderContext();
    List<TextLayout> lines = new ArrayList<>();
    float height = 0;
    for (String para : text.split("\n")) {
      if (para.isEmpty()) {
        continue;
      }
      AttributedCharacterIterator it = CaptionFonts.styled(para, size).getIterator();
      LineBreakMeasurer m = new LineBreakMeasurer(it, frc);
      while (m.getPosition() < it.getEndIndex()) {
        TextLayout l = m.nextLayout(tileSize - 12f);
        if (height + l.getAscent() + l.getDescent() > tileSize - 8) {
          break;
        }
        lines.add(l);
        height += l.getAscent() + l.getDescent() + l.getLeading();
      }
    }
    float cy = y + Math.max(4, (tileSize - height) / 2);
    for (TextLayout l : lines) {
      cy += l.getAscent();
      l.draw(g, x + Math.max(6, (tileSize - l.getAdvance()) / 2), cy);
      cy += l.getDescent() + l.getLeading();
    }
  }

  /** Builds a {@link ResultGrid}; not thread-safe. */
  public static final class Builder {
    private int tileSize = 200;
    private int columns;
    private boolean captions = true;
    private int captionLines = 2;
    private boolean showQuery = true;
    private int gap = 4;
    private ImageDecoder decoder = ImageDecoder.standard();

    private Builder() {}

    /** The side of each square tile in pixels (default 200); images are fitted inside, keeping their shape. */
    public Builder tileSize(int tileSize) {
      this.tileSize = tileSize;
      return this;
    }

    /** Tiles per row; 0 (the default) puts every tile in one row. */
    public Builder columns(int columns) {
      this.columns = columns;
      return this;
    }

    /** Draw file names and scores under the tiles (default true). */
    public Builder captions(boolean captions) {
      this.captions = captions;
      return this;
    }

    /** Lines of caption under each tile (default 2: file name and score). */
    public Builder captionLines(int captionLines) {
      this.captionLines = captionLines;
      return this;
    }

    /** Put the query first (default true). */
    public Builder showQuery(boolean showQuery) {
      this.showQuery = showQuery;
      return this;
    }

    /** Pixels between tiles and around the grid (default 4). */
    public Builder gap(int gap) {
      this.gap = gap;
      return this;
    }

    /** The decoder for hit and query images (default {@link ImageDecoder#standard()}). */
    public Builder decoder(ImageDecoder decoder) {
      this.decoder = Objects.requireNonNull(decoder, "decoder");
      return this;
    }

    public ResultGrid build() {
      return new ResultGrid(this);
    }
  }
}
