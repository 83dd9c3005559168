package dev.imgsearch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imgsearch.core.store.memory.InMemoryVectorStore;
import dev.imgsearch.pipeline.ColorEmbedder;
import dev.imgsearch.pipeline.ImageIndex;
import dev.imgsearch.pipeline.IndexReport;
import dev.imgsearch.pipeline.TestFiles;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The search page in a real headless Chromium (Debian's), driven by Selenium. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PageTest {
  Path dir;
  Path images;
  InMemoryVectorStore store;
  ImageIndex index;
  ImageSearchServer server;
  ChromeDriver driver;

  @BeforeAll
  void start(@TempDir Path tmp) {
    Browser.require();
    dir = tmp;
    images = Fixture.images(dir);
    store = new InMemoryVectorStore();
    index = Fixture.index(store, images);
    server = ImageSearchServer.builder().index(index).port(0).start();
  }

  @AfterEach
  void quit() {
    if (driver != null) {
      driver.quit();
      driver = null;
    }
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.close();
      index.close();
      store.close();
    }
  }

  private WebDriverWait waiting() {
    // The grid is rebuilt while a wait reads it: an element gone since it was found is "not yet", not a failure.
    return (WebDriverWait) new WebDriverWait(driver, Duration.ofSeconds(20))
        .ignoring(StaleElementReferenceException.class);
  }

  private void open(ImageSearchServer s, String language, int width, int height) {
    driver = Browser.start(language, width, height);
    driver.get(s.url());
    waiting().until(d -> !d.findElement(By.id("info")).getText().isBlank());
  }

  private List<String> captions() {
    List<String> out = new ArrayList<>();
    for (WebElement e : driver.findElements(By.cssSelector("#results .hit .caption"))) {
      out.add(e.getText());
    }
    return out;
  }

  private void awaitGrid(int size) {
    waiting().until(d -> d.findElements(By.cssSelector("#results .hit")).size() == size
        && d.findElement(By.id("summary")).getText().length() > 0);
  }

  private void searchFor(String text) {
    WebElement q = driver.findElement(By.id("q"));
    q.clear();
    q.sendKeys(text, Keys.ENTER);
  }

  @Test
  void typingAQueryShowsAGridOfTheChosenSize() {
    open(server, "en-US", 1200, 900);
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("Image search");
    assertThat(driver.findElement(By.id("info")).getText()).contains(Fixture.IMAGES + " images");
    driver.findElement(By.cssSelector("#options summary")).click();
    new Select(driver.findElement(By.id("topk"))).selectByVisibleText("6");
    searchFor("red");
    awaitGrid(6);
    assertThat(captions().subList(0, 2)).containsExactlyInAnyOrder("red.png", "red-2.png");
    assertThat(driver.findElement(By.id("summary")).getText()).contains("6 results").contains("red");
    // Scores are shown, and thumbnails loaded (natural width > 0).
    assertThat(driver.findElements(By.cssSelector("#results .score")).get(0).getText()).matches("\\d\\.\\d{3}");
    waiting().until(d -> (Boolean) ((ChromeDriver) d).executeScript(
        "return Array.from(document.querySelectorAll('#results img')).every(i => i.complete && i.naturalWidth > 0)"));
    // Filters built from the collection's fields: category "cool" only.
    new Select(driver.findElement(By.cssSelector("select[data-field=category]"))).selectByVisibleText("cool");
    searchFor("red");
    awaitGrid(3);
    assertThat(captions()).containsExactlyInAnyOrder("green.png", "blue.png", "cyan.png");
    new Select(driver.findElement(By.cssSelector("select[data-field=category]"))).selectByIndex(0);
    searchFor("red");
    awaitGrid(6);
    Browser.screenshot(driver, "search-text");
  }

  @Test
  void anUploadedImageIsRankedFirstAndAHitFindsItsNeighbours() throws Exception {
    open(server, "en-US", 1200, 900);
    driver.findElement(By.id("file")).sendKeys(images.resolve("cool/blue.png").toString());
    waiting().until(d -> !captions().isEmpty() && d.findElement(By.id("summary")).getText().contains("uploaded"));
    assertThat(captions().get(0)).isEqualTo("blue.png");
    assertThat(driver.findElement(By.id("query-view")).isDisplayed()).isTrue();
    Browser.screenshot(driver, "search-upload");

    searchFor("red");
    waiting().until(d -> captions().size() == Fixture.IMAGES && d.findElement(By.id("summary")).getText()
        .contains("“red”"));
    String first = captions().get(0);
    String other = first.equals("red.png") ? "red-2.png" : "red.png";
    // Keyboard: the hits are buttons; Enter on the first one searches by it.
    WebElement hit = driver.findElements(By.cssSelector("#results .hit")).get(0);
    hit.sendKeys(Keys.ENTER);
    waiting().until(d -> d.findElement(By.id("summary")).getText().contains("like “" + first + "”"));
    assertThat(captions()).doesNotContain(first);
    assertThat(captions().get(0)).isEqualTo(other);
    // And with the mouse, from there.
    driver.findElements(By.cssSelector("#results .hit")).get(0).click();
    waiting().until(d -> d.findElement(By.id("summary")).getText().contains("like “" + other + "”"));
    assertThat(captions().get(0)).isEqualTo(first);
    Browser.screenshot(driver, "search-similar");
  }

  @Test
  void aCorruptUploadShowsAReadableError() {
    open(server, "en-US", 1200, 900);
    Path corrupt = TestFiles.bytes(dir.resolve("broken.png"), Fixture.corrupt());
    driver.findElement(By.id("file")).sendKeys(corrupt.toString());
    WebElement error = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
    assertThat(error.getText()).contains("Unreadable image").contains("cannot be decoded").contains("Try another file")
        .doesNotContain("Exception");
    Path bomb = TestFiles.bytes(dir.resolve("bomb.png"), Fixture.bomb(100_000));
    driver.findElement(By.id("file")).sendKeys(bomb.toString());
    waiting().until(d -> d.findElement(By.id("error")).getText().contains("too large"));
    Browser.screenshot(driver, "error-corrupt");
  }

  @Test
  void theChineseInterfaceFollowsTheBrowserLanguage() {
    open(server, "zh-CN", 1200, 900);
    assertThat(driver.findElement(By.tagName("h1")).getText()).isEqualTo("以图搜图");
    assertThat(driver.findElement(By.id("q")).getAttribute("placeholder")).contains("一只白色的狗");
    assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("zh-CN");
    searchFor("红色");
    waiting().until(d -> !captions().isEmpty() && d.findElement(By.id("summary")).getText().contains("个结果"));
    assertThat(captions().get(0)).isIn("red.png", "red-2.png");
    driver.findElement(By.id("file")).sendKeys(TestFiles.bytes(dir.resolve("坏的.png"), Fixture.corrupt()).toString());
    WebElement error = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("error")));
    assertThat(error.getText()).contains("无法读取这张图片");
    Browser.screenshot(driver, "chinese");
  }

  @Test
  void aPhoneWidthScreenHasNoSidewaysScrolling() {
    open(server, "en-US", 390, 844);
    searchFor("white");
    awaitGrid(Fixture.IMAGES);
    Long overflow = (Long) driver.executeScript(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assertThat(overflow).isLessThanOrEqualTo(0L);
    // Two columns on a phone.
    List<WebElement> hits = driver.findElements(By.cssSelector("#results .hit"));
    assertThat(hits.get(0).getRect().getY()).isEqualTo(hits.get(1).getRect().getY());
    assertThat(hits.get(2).getRect().getY()).isGreaterThan(hits.get(0).getRect().getY());
    Browser.screenshot(driver, "phone");
  }

  @Test
  void theProgressBarMovesWhileIndexingAndTheGridFillsWhenItEnds(@TempDir Path tmp) throws Exception {
    Path many = tmp.resolve("many");
    Color[] colours = {Color.RED, Color.GREEN, Color.BLUE, Color.YELLOW, Color.WHITE, Color.BLACK};
    for (int i = 0; i < 60; i++) {
      TestFiles.solid(many.resolve(String.format("img-%02d.png", i)), colours[i % colours.length]);
    }
    ColorEmbedder slow = new ColorEmbedder();
    slow.beforeBatch(n -> {
      try {
        Thread.sleep(120);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    try (InMemoryVectorStore s = new InMemoryVectorStore();
         ImageIndex idx = ImageIndex.builder().embedder(slow).store(s).collection("slow").batchSize(2)
             .parallelism(1).build();
         ImageSearchServer srv = ImageSearchServer.builder().index(idx).port(0).start()) {
      open(srv, "en-US", 1200, 900);
      searchFor("red");
      waiting().until(d -> d.findElement(By.id("summary")).getText().contains("Nothing found"));
      CompletableFuture<IndexReport> run = srv.indexInBackground(Fixture.source(many));
      WebElement bar = driver.findElement(By.id("progress"));
      TreeSet<Double> seen = new TreeSet<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!run.isDone() && System.nanoTime() < deadline) {
        if (driver.findElement(By.id("indexing")).isDisplayed()) {
          String v = bar.getAttribute("value");
          if (v != null) {
            seen.add(Double.parseDouble(v));
          }
        }
        Thread.sleep(100);
      }
      assertThat(run.get(60, TimeUnit.SECONDS).indexed()).isEqualTo(60);
      Browser.screenshot(driver, "indexing");
      assertThat(seen.subSet(0.0, false, 100.0, false)).as("progress values seen: " + seen).hasSizeGreaterThan(2);
      // When the run ends the page runs the last search again: the grid fills.
      awaitGrid(12);
      assertThat(driver.findElement(By.id("progress-label")).getText()).contains("Indexing finished: 60 new");
      assertThat(captions()).hasSize(12);
    }
  }
}
