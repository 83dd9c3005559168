package dev.imgsearch.examples;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Sample images for the examples, drawn with Java2D from fixed seeds, so every program runs without network and
 * gives the same files on every machine. Each generator writes into a folder and returns it; a folder already made
 * (it holds the marker file) is reused as it is.
 *
 * <ul>
 *   <li>{@link #scenes}: simple scenes with known labels (a white dog on grass, a red car ...) in
 *       {@code train/<label>/}, with English labels and Chinese captions ({@code captions.tsv}), for the CLIP,
 *       Chinese-CLIP and hybrid examples;
 *   <li>{@link #paintings}: "paintings" by four painters' brush styles in {@code paintings/<painter>/} and
 *       {@code test_paintings/<painter>/}, as the impressionist dataset of the "Image Search with Milvus" tutorial;
 *   <li>{@link #products}: a product catalogue ({@code products.csv}: file, name, url, price) with two files that are
 *       not images, and a query photo, as the "Milvus向量数据库之以图搜图" tutorial;
 *   <li>{@link #pokemon}: a yellow creature with black-tipped ears and red cheeks, for the "Milvus的以文搜图" tutorial's zero-shot labels.
 * </ul>
 */
public final class SampleData {
  private static final String MARKER = ".imgsearch-samples";

  /** What a scene shows: an English label (also its folder), a Chinese caption, a colour and a shape. */
  public record Subject(String label, String chinese, Color color, Shape shape) {
    /** The folder name: the label with underscores. */
    public String folder() {
      return label.replace(' ', '_');
    }
  }

  /** The shapes a scene can show. */
  public enum Shape { DOG, CAT, CAR, TREE, FLOWER, BOAT, BALL, HOUSE }

  /** The subjects of {@link #scenes}, in order. */
  public static final List<Subject> SUBJECTS = List.of(
      new Subject("white dog", "白色的狗", new Color(245, 245, 240), Shape.DOG),
      new Subject("black cat", "黑色的猫", new Color(30, 30, 35), Shape.CAT),
      new Subject("red car", "红色的汽车", new Color(200, 30, 30), Shape.CAR),
      new Subject("green tree", "绿色的树", new Color(40, 140, 50), Shape.TREE),
      new Subject("yellow flower", "黄色的花", new Color(250, 210, 30), Shape.FLOWER),
      new Subject("blue boat", "蓝色的船", new Color(30, 70, 200), Shape.BOAT),
      new Subject("orange ball", "橙色的球", new Color(250, 140, 20), Shape.BALL),
      new Subject("brown house", "棕色的房子", new Color(130, 80, 40), Shape.HOUSE));

  private static final String[] CAPTION_TEMPLATES = {"一张%s的照片", "草地上的%s", "%s，户外拍摄", "可爱的%s"};

  /** The painters of {@link #paintings} (folders of the impressionist dataset). */
  public static final List<String> PAINTERS = List.of("Monet", "VanGogh", "Cezanne", "Renoir");

  private SampleData() {}

  /**
   * Scenes: {@code perSubject} images of each of {@link #SUBJECTS} in {@code root/train/<label>/<label>_<i>.JPEG}
   * (as the "Text to Image Search with Milvus" tutorial's {@code images_folder/train/**}/*.JPEG}), and {@code root/captions.tsv} with one line
   * {@code train/<label>/<file>\t<Chinese caption>} per image (as the "玩转多模态搜索" tutorial's MUGE captions).
   *
   * @return {@code root}
   */
  public static Path scenes(Path root, int perSubject) {
    return once(root, "scenes " + perSubject, () -> {
      StringBuilder captions = new StringBuilder();
      for (int s = 0; s < SUBJECTS.size(); s++) {
        Subject subject = SUBJECTS.get(s);
        for (int i = 0; i < perSubject; i++) {
          Random r = new Random(1000L * s + i);
          BufferedImage img = scene(subject, r, 320, 240);
          String relative = "train/" + subject.folder() + "/" + subject.folder() + "_" + i + ".JPEG";
          writeImage(img, root.resolve(relative), "jpg");
          captions.append(relative).append('\t')
              .append(String.format(CAPTION_TEMPLATES[i % CAPTION_TEMPLATES.length], subject.chinese())).append('\n');
        }
      }
      write(root.resolve("captions.tsv"), captions.toString());
    });
  }

  /** One scene of a subject, as {@link #scenes} draws them. */
  public static BufferedImage scene(Subject subject, Random r, int w, int h) {
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(img);
    boolean water = subject.shape() == Shape.BOAT;
    int horizon = (int) (h * (0.45 + 0.15 * r.nextDouble()));
    g.setPaint(new GradientPaint(0, 0, new Color(110, 170, 235), 0, horizon, new Color(200, 225, 250)));
    g.fillRect(0, 0, w, horizon);
    g.setColor(water ? new Color(40, 110, 170) : new Color(90 + r.nextInt(30), 160 + r.nextInt(30), 70));
    g.fillRect(0, horizon, w, h - horizon);
    double size = Math.min(w, h) * (0.55 + 0.2 * r.nextDouble());
    double cx = w * (0.35 + 0.3 * r.nextDouble());
    double cy = Math.min(h - size * 0.35, horizon + size * 0.1);
    drawSubject(g, subject.shape(), subject.color(), cx, cy, size, r);
    g.dispose();
    return img;
  }

  private static void drawSubject(Graphics2D g, Shape shape, Color c, double cx, double cy, double s, Random r) {
    Color outline = c.getRed() + c.getGreen() + c.getBlue() > 600 ? new Color(120, 120, 120) : c.darker();
    g.setStroke(new BasicStroke((float) Math.max(1.5, s / 80)));
    switch (shape) {
      case DOG, CAT -> {
        boolean cat = shape == Shape.CAT;
        double bw = s * 0.6;
        double bh = s * 0.3;
        fill(g, c, outline, new Ellipse2D.Double(cx - bw / 2, cy - bh, bw, bh));
        for (int i = 0; i < 4; i++) {
          double lx = cx - bw * 0.4 + i * bw * 0.25;
          fill(g, c, outline, new RoundRectangle2D.Double(lx, cy - bh * 0.3, s * 0.06, s * 0.22, 6, 6));
        }
        double hx = cx + bw * 0.45;
        double hy = cy - bh * 1.1;
        double hr = s * (cat ? 0.14 : 0.16);
        if (cat) {
          fill(g, c, outline, triangle(hx - hr * 0.9, hy - hr * 0.4, hx - hr * 0.3, hy - hr * 0.8, hx - hr * 0.7, hy
              - hr * 1.6));
          fill(g, c, outline, triangle(hx + hr * 0.9, hy - hr * 0.4, hx + hr * 0.3, hy - hr * 0.8, hx + hr * 0.7, hy
              - hr * 1.6));
        }
        fill(g, c, outline, new Ellipse2D.Double(hx - hr, hy - hr, 2 * hr, 2 * hr));
        if (!cat) {
          Color ear = new Color(170, 140, 110);
          fill(g, ear, ear.darker(), new Ellipse2D.Double(hx - hr * 1.1, hy - hr * 0.9, hr * 0.6, hr * 1.3));
          fill(g, ear, ear.darker(), new Ellipse2D.Double(hx + hr * 0.5, hy - hr * 0.9, hr * 0.6, hr * 1.3));
          fill(g, Color.BLACK, Color.BLACK, new Ellipse2D.Double(hx + hr * 0.55, hy + hr * 0.1, hr * 0.35, hr * 0.3));
        }
        Color eye = cat ? new Color(120, 200, 60) : Color.BLACK;
        fill(g, eye, Color.BLACK, new Ellipse2D.Double(hx - hr * 0.45, hy - hr * 0.3, hr * 0.25, hr * 0.25));
        fill(g, eye, Color.BLACK, new Ellipse2D.Double(hx + hr * 0.2, hy - hr * 0.3, hr * 0.25, hr * 0.25));
        g.setColor(outline);
        double tx = cx - bw / 2;
        g.draw(new Arc2D.Double(tx - s * 0.15, cy - bh * (cat ? 2.2 : 1.6), s * 0.2, s * (cat ? 0.5 : 0.3), 90, 180,
            Arc2D.OPEN));
      }
      case CAR -> {
        double bw = s * 0.9;
        double bh = s * 0.22;
        fill(g, c, outline, new RoundRectangle2D.Double(cx - bw / 2, cy - bh * 1.3, bw, bh, 18, 18));
        fill(g, c, outline, new RoundRectangle2D.Double(cx - bw * 0.25, cy - bh * 2.1, bw * 0.5, bh * 0.9, 20, 20));
        Color glass = new Color(180, 220, 245);
        fill(g, glass, outline, new RoundRectangle2D.Double(cx - bw * 0.2, cy - bh * 1.95, bw * 0.18, bh * 0.6, 8, 8));
        fill(g, glass, outline, new RoundRectangle2D.Double(cx + bw * 0.02, cy - bh * 1.95, bw * 0.18, bh * 0.6, 8, 8));
        for (double wx : new double[] {cx - bw * 0.3, cx + bw * 0.3}) {
          double wr = bh * 0.55;
          fill(g, new Color(25, 25, 25), Color.BLACK, new Ellipse2D.Double(wx - wr, cy - bh * 0.3 - wr, 2 * wr, 2 * wr));
          fill(g, Color.LIGHT_GRAY, Color.GRAY, new Ellipse2D.Double(wx - wr / 2, cy - bh * 0.3 - wr / 2, wr, wr));
        }
      }
      case TREE -> {
        Color bark = new Color(110, 70, 35);
        fill(g, bark, bark.darker(), new RoundRectangle2D.Double(cx - s * 0.06, cy - s * 0.45, s * 0.12, s * 0.45, 6, 6));
        for (int i = 0; i < 6; i++) {
          double rr = s * (0.16 + 0.06 * r.nextDouble());
          double ox = (r.nextDouble() - 0.5) * s * 0.35;
          double oy = -s * 0.55 + (r.nextDouble() - 0.5) * s * 0.25;
          fill(g, i % 2 == 0 ? c : c.brighter(), outline, new Ellipse2D.Double(cx + ox - rr, cy + oy - rr, 2 * rr, 2 * rr));
        }
      }
      case FLOWER -> {
        Color stem = new Color(40, 130, 40);
        g.setColor(stem);
        g.setStroke(new BasicStroke((float) (s / 30)));
        g.drawLine((int) cx, (int) (cy - s * 0.4), (int) cx, (int) cy);
        double fy = cy - s * 0.45;
        double pr = s * 0.11;
        for (int i = 0; i < 8; i++) {
          double a = i * Math.PI / 4;
          double px = cx + Math.cos(a) * pr * 1.3;
          double py = fy + Math.sin(a) * pr * 1.3;
          fill(g, c, outline, new Ellipse2D.Double(px - pr, py - pr, 2 * pr, 2 * pr));
        }
        fill(g, new Color(120, 70, 20), Color.BLACK, new Ellipse2D.Double(cx - pr, fy - pr, 2 * pr, 2 * pr));
      }
      case BOAT -> {
        double bw = s * 0.8;
        Path2D hull = new Path2D.Double();
        hull.moveTo(cx - bw / 2, cy - s * 0.15);
        hull.lineTo(cx + bw / 2, cy - s * 0.15);
        hull.lineTo(cx + bw * 0.35, cy);
        hull.lineTo(cx - bw * 0.35, cy);
        hull.closePath();
        fill(g, c, outline, hull);
        g.setColor(new Color(90, 60, 30));
        g.fillRect((int) (cx - s * 0.01), (int) (cy - s * 0.75), (int) Math.max(2, s * 0.02), (int) (s * 0.6));
        fill(g, Color.WHITE, Color.GRAY, triangle(cx + s * 0.02, cy - s * 0.72, cx + s * 0.02, cy - s * 0.2, cx
            + bw * 0.4, cy - s * 0.2));
      }
      case BALL -> {
        double br = s * 0.25;
        fill(g, c, outline, new Ellipse2D.Double(cx - br, cy - 2 * br, 2 * br, 2 * br));
        g.setColor(outline);
        g.draw(new Arc2D.Double(cx - br * 1.6, cy - 2 * br, 2 * br, 2 * br, -60, 120, Arc2D.OPEN));
        g.setColor(new Color(255, 255, 255, 150));
        g.fill(new Ellipse2D.Double(cx - br * 0.5, cy - br * 1.7, br * 0.5, br * 0.35));
      }
      case HOUSE -> {
        double hw = s * 0.7;
        double hh = s * 0.45;
        fill(g, c, outline, new java.awt.geom.Rectangle2D.Double(cx - hw / 2, cy - hh, hw, hh));
        Color roof = new Color(160, 40, 30);
        fill(g, roof, roof.darker(), triangle(cx - hw * 0.6, cy - hh, cx + hw * 0.6, cy - hh, cx, cy - hh - s * 0.3));
        fill(g, new Color(80, 50, 20), Color.BLACK, new java.awt.geom.Rectangle2D.Double(cx - hw * 0.08, cy - hh * 0.55,
            hw * 0.16, hh * 0.55));
        Color glass = new Color(250, 240, 170);
        fill(g, glass, outline, new java.awt.geom.Rectangle2D.Double(cx - hw * 0.38, cy - hh * 0.75, hw * 0.18, hh * 0.25));
        fill(g, glass, outline, new java.awt.geom.Rectangle2D.Double(cx + hw * 0.2, cy - hh * 0.75, hw * 0.18, hh * 0.25));
      }
    }
  }

  /**
   * "Paintings" in the layout of the "Image Search with Milvus" tutorial's dataset: {@code perPainter} in {@code root/paintings/<painter>/<n>.jpg}
   * for each of {@link #PAINTERS}, and one test painting each for the first two painters in
   * {@code root/test_paintings/<painter>/<n>.jpg} (the walkthrough searches two).
   *
   * @return {@code root}
   */
  public static Path paintings(Path root, int perPainter) {
    return once(root, "paintings " + perPainter, () -> {
      for (int p = 0; p < PAINTERS.size(); p++) {
        for (int i = 0; i < perPainter; i++) {
          writeImage(painting(p, new Random(5000L + 100L * p + i)), root.resolve("paintings/" + PAINTERS.get(p) + "/"
              + (i + 1) + ".jpg"), "jpg");
        }
      }
      for (int p = 0; p < 2; p++) {
        writeImage(painting(p, new Random(9000L + p)), root.resolve("test_paintings/" + PAINTERS.get(p) + "/"
            + (perPainter + 1) + ".jpg"), "jpg");
      }
    });
  }

  private static BufferedImage painting(int painter, Random r) {
    int w = 300;
    int h = 240;
    Color[][] palettes = {
        {new Color(120, 170, 210), new Color(170, 200, 150), new Color(230, 220, 180), new Color(200, 160, 190)},
        {new Color(30, 60, 150), new Color(240, 200, 40), new Color(70, 120, 200), new Color(250, 240, 150)},
        {new Color(190, 120, 60), new Color(90, 120, 80), new Color(210, 180, 120), new Color(120, 110, 100)},
        {new Color(240, 180, 170), new Color(250, 220, 200), new Color(200, 120, 110), new Color(150, 180, 120)}};
    Color[] pal = palettes[painter];
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(img);
    g.setColor(pal[r.nextInt(pal.length)]);
    g.fillRect(0, 0, w, h);
    for (int i = 0; i < 420; i++) {
      Color base = pal[r.nextInt(pal.length)];
      g.setColor(jitter(base, r, 25));
      double x = r.nextDouble() * w;
      double y = r.nextDouble() * h;
      switch (painter) {
        case 0 -> { // short horizontal dabs
          g.setStroke(new BasicStroke(4 + r.nextInt(4), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
          g.drawLine((int) x, (int) y, (int) (x + 8 + r.nextInt(10)), (int) (y + r.nextInt(5) - 2));
        }
        case 1 -> { // swirls
          g.setStroke(new BasicStroke(3 + r.nextInt(3), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
          double rad = 6 + r.nextInt(18);
          g.draw(new Arc2D.Double(x - rad, y - rad, 2 * rad, 2 * rad, r.nextInt(360), 120 + r.nextInt(180),
              Arc2D.OPEN));
        }
        case 2 -> { // slanted blocks
          int bw = 8 + r.nextInt(14);
          g.fill(new Polygon(new int[] {(int) x, (int) x + bw, (int) x + bw + 5, (int) x + 5},
              new int[] {(int) y, (int) y, (int) y + bw, (int) y + bw}, 4));
        }
        default -> { // soft round dots
          double rad = 4 + r.nextInt(10);
          g.fill(new Ellipse2D.Double(x - rad, y - rad, 2 * rad, 2 * rad));
        }
      }
    }
    g.dispose();
    return img;
  }

  /** A row of {@code products.csv}. */
  public record Product(String file, String name, String url, double price) {}

  /**
   * A product catalogue as the "Milvus向量数据库之以图搜图" tutorial indexes it: product photos in {@code root/products/}, {@code
   * root/products/products.csv} (file,name,url,price), two files that are not readable images
   * ({@code broken.jpg}: a JPEG cut after its header; {@code empty.png}: zero bytes), and a photo to search with,
   * {@code root/query.jpg} (another picture of the first product).
   *
   * @return {@code root}
   */
  public static Path products(Path root) {
    return once(root, "products", () -> {
      List<Product> products = products();
      StringBuilder csv = new StringBuilder("file,name,url,price\n");
      for (int i = 0; i < products.size(); i++) {
        Product p = products.get(i);
        Subject s = SUBJECTS.get(i % SUBJECTS.size());
        Subject colored = new Subject(s.label(), s.chinese(), i < SUBJECTS.size() ? s.color()
            : jitter(s.color().darker(), new Random(i), 10), s.shape());
        writeImage(scene(colored, new Random(7000L + i), 320, 240), root.resolve("products/" + p.file()), "jpg");
        csv.append(String.format(Locale.ROOT, "%s,%s,%s,%.2f%n", p.file(), p.name(), p.url(), p.price()));
      }
      write(root.resolve("products/products.csv"), csv.toString());
      byte[] jpeg = encode(scene(SUBJECTS.get(0), new Random(1), 320, 240), "jpg");
      writeBytes(root.resolve("products/broken.jpg"), java.util.Arrays.copyOf(jpeg, 600));
      writeBytes(root.resolve("products/empty.png"), new byte[0]);
      writeImage(scene(SUBJECTS.get(0), new Random(424242), 320, 240), root.resolve("query.jpg"), "jpg");
    });
  }

  /** The catalogue {@link #products} writes: 12 products, two of each of the first four subjects' kinds and more. */
  public static List<Product> products() {
    List<Product> list = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      Subject s = SUBJECTS.get(i % SUBJECTS.size());
      String name = capitalise(s.label()) + " print" + (i < SUBJECTS.size() ? "" : " (dark)");
      String file = String.format(Locale.ROOT, "p%03d.jpg", i + 1);
      list.add(new Product(file, name, "https://shop.example/products/p" + String.format(Locale.ROOT, "%03d", i + 1),
          20 + 15 * (i % 7) + (i >= SUBJECTS.size() ? 0.5 : 0.0)));
    }
    return list;
  }

  /** A Pikachu-like creature (yellow, black-tipped ears, red cheeks) as {@code pokemon.jpeg}, for zero-shot labels. */
  public static Path pokemon(Path file) {
    if (Files.isRegularFile(file)) {
      return file;
    }
    int w = 320;
    int h = 320;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = graphics(img);
    g.setColor(new Color(235, 245, 255));
    g.fillRect(0, 0, w, h);
    Color yellow = new Color(250, 215, 40);
    Color edge = new Color(150, 110, 20);
    g.setStroke(new BasicStroke(3));
    fill(g, yellow, edge, triangle(105, 120, 135, 95, 70, 20));
    fill(g, yellow, edge, triangle(215, 120, 185, 95, 250, 20));
    fill(g, Color.BLACK, Color.BLACK, triangle(80, 37, 70, 20, 92, 30));
    fill(g, Color.BLACK, Color.BLACK, triangle(240, 37, 250, 20, 228, 30));
    fill(g, yellow, edge, new Ellipse2D.Double(95, 170, 130, 120));
    fill(g, yellow, edge, new Ellipse2D.Double(85, 80, 150, 120));
    fill(g, Color.BLACK, Color.BLACK, new Ellipse2D.Double(122, 118, 18, 18));
    fill(g, Color.BLACK, Color.BLACK, new Ellipse2D.Double(180, 118, 18, 18));
    fill(g, new Color(230, 40, 30), new Color(150, 20, 20), new Ellipse2D.Double(97, 145, 28, 24));
    fill(g, new Color(230, 40, 30), new Color(150, 20, 20), new Ellipse2D.Double(195, 145, 28, 24));
    g.setColor(Color.BLACK);
    g.draw(new Arc2D.Double(148, 150, 24, 14, 200, 140, Arc2D.OPEN));
    Path2D tail = new Path2D.Double();
    tail.moveTo(225, 250);
    tail.lineTo(270, 210);
    tail.lineTo(255, 200);
    tail.lineTo(295, 150);
    tail.lineTo(280, 210);
    tail.lineTo(295, 215);
    tail.lineTo(232, 262);
    tail.closePath();
    fill(g, yellow, edge, tail);
    g.dispose();
    writeImage(img, file, "jpg");
    return file;
  }

  // ------------------------------------------------------------------ helpers

  private static Path once(Path root, String what, Runnable generate) {
    Path marker = root.resolve(MARKER);
    try {
      if (Files.isRegularFile(marker) && Files.readString(marker).strip().equals(what)) {
        return root;
      }
      Files.createDirectories(root);
      generate.run();
      Files.writeString(marker, what + "\n");
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write sample images into " + root + " (" + e.getMessage()
          + "); choose a writable folder with --samples-dir.", e);
    }
  }

  private static Graphics2D graphics(BufferedImage img) {
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    return g;
  }

  private static void fill(Graphics2D g, Color fill, Color outline, java.awt.Shape shape) {
    g.setColor(fill);
    g.fill(shape);
    g.setColor(outline);
    g.draw(shape);
  }

  private static Polygon triangle(double x1, double y1, double x2, double y2, double x3, double y3) {
    return new Polygon(new int[] {(int) x1, (int) x2, (int) x3}, new int[] {(int) y1, (int) y2, (int) y3}, 3);
  }

  private static Color jitter(Color c, Random r, int amount) {
    return new Color(clamp(c.getRed() + r.nextInt(2 * amount + 1) - amount),
        clamp(c.getGreen() + r.nextInt(2 * amount + 1) - amount), clamp(c.getBlue() + r.nextInt(2 * amount + 1) - amount));
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  private static String capitalise(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private static byte[] encode(BufferedImage img, String format) {
    try (java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
      if (!ImageIO.write(img, format, out)) {
        throw new IllegalStateException("no " + format + " writer");
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeImage(BufferedImage img, Path file, String format) {
    writeBytes(file, encode(img, format));
  }

  private static void writeBytes(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + file + " (" + e.getMessage() + ").", e);
    }
  }

  private static void write(Path file, String text) {
    writeBytes(file, text.getBytes(StandardCharsets.UTF_8));
  }
}
