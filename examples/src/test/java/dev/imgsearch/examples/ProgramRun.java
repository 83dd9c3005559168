package dev.imgsearch.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import picocli.CommandLine;

/** One run of a program in this JVM, as its main method would run it, with what it printed. */
record ProgramRun(int status, String out, String err) {

  /** Runs a command with arguments, capturing standard output and error. */
  static ProgramRun of(Object command, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine line = Cli.commandLine(command);
    line.setOut(new PrintWriter(out, true));
    line.setErr(new PrintWriter(err, true));
    int status = line.execute(args);
    return new ProgramRun(status, out.toString(), err.toString());
  }

  /** Arguments joined. */
  static String[] args(List<String> first, String... more) {
    List<String> all = new ArrayList<>(first);
    all.addAll(Arrays.asList(more));
    return all.toArray(String[]::new);
  }

  /** A tiny test model of embedders-onnx (system property examples.testModels, set by the pom). */
  static Path model(String name) {
    String dir = System.getProperty("examples.testModels");
    assertThat(dir).as("system property examples.testModels (set in examples/pom.xml)").isNotBlank();
    Path p = Path.of(dir, name);
    assertThat(p).exists();
    return p;
  }

  /** The lines of standard output between the section {@code === title ===} and the next section (or the end). */
  List<String> section(String title) {
    List<String> lines = out.lines().toList();
    int start = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).matches("=== " + java.util.regex.Pattern.quote(title) + " *===")) {
        start = i + 1;
        break;
      }
    }
    assertThat(start).as("section '%s' in:%n%s", title, out).isPositive();
    List<String> body = new ArrayList<>();
    for (int i = start; i < lines.size() && !lines.get(i).startsWith("=== "); i++) {
      if (!lines.get(i).isBlank()) {
        body.add(lines.get(i));
      }
    }
    return body;
  }

  /** The section titles, in order. */
  List<String> sections() {
    return out.lines().filter(l -> l.startsWith("=== ") && l.endsWith(" ===")).map(l -> l.substring(4, l.length() - 4)
        .strip()).toList();
  }

  /** Lines of standard output that start like a numbered hit (" 1. ..."). */
  static List<String> hits(List<String> lines) {
    return lines.stream().filter(l -> l.matches(" ?\\d+\\. .*")).toList();
  }

  /** The number after a word in a line, e.g. {@code number("distance 0.12  a.jpg", "distance")} is 0.12. */
  static double number(String line, String word) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(word + " (-?[0-9.]+(?:E-?\\d+)?)").matcher(line);
    assertThat(m.find()).as("'%s <number>' in '%s'", word, line).isTrue();
    return Double.parseDouble(m.group(1));
  }

  /** Decodes a PNG the program wrote. */
  static BufferedImage png(Path file) {
    assertThat(file).isRegularFile();
    try {
      BufferedImage img = ImageIO.read(file.toFile());
      assertThat(img).as("%s decodes as an image", file).isNotNull();
      return img;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pipe-free file path at the end of a hit line, as an existing file. */
  static Path lastPath(String line) {
    String[] parts = line.strip().split("\\s+");
    return Path.of(parts[parts.length - 1]);
  }

  static boolean exists(Path p) {
    return Files.isRegularFile(p);
  }
}
