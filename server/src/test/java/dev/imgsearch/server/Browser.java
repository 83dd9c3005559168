package dev.imgsearch.server;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium and ChromeDriver, driven by Selenium, never downloaded: the binaries come from
 * {@code CHROME_BIN} and {@code CHROMEDRIVER} (test.sh exports them) or {@code /usr/bin}. When they are missing the
 * page tests are skipped with the reason, or fail under CI ({@code CI} set) or {@code -Dbrowser.required=true}.
 */
final class Browser {
  private Browser() {}

  static Path chromium() {
    return Path.of(System.getenv().getOrDefault("CHROME_BIN", "/usr/bin/chromium"));
  }

  static Path chromedriver() {
    return Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));
  }

  /** Skips (or under CI fails) the calling test when no browser is installed. */
  static void require() {
    if (Files.isExecutable(chromium()) && Files.isExecutable(chromedriver())) {
      return;
    }
    String why = "No headless browser: " + chromium() + " and " + chromedriver() + " are needed for the page tests. "
        + "Install Debian's chromium and chromium-driver (test.sh does, as root), or set CHROME_BIN and CHROMEDRIVER.";
    String ci = System.getenv("CI");
    if ((ci != null && !ci.isEmpty() && !ci.equals("false")) || Boolean.getBoolean("browser.required")) {
      Assertions.fail(why);
    }
    Assumptions.abort(why);
  }

  /** A new headless Chromium; {@code language} such as "en-US" or "zh-CN". */
  static ChromeDriver start(String language, int width, int height) {
    require();
    System.setProperty("webdriver.chrome.driver", chromedriver().toString());
    Path profile;
    try {
      profile = Files.createTempDirectory("imgsearch-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium().toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
        "--no-first-run", "--disable-extensions", "--user-data-dir=" + profile, "--lang=" + language,
        "--window-size=" + width + "," + height);
    options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver().toString())).usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return driver;
  }

  /** Saves a screenshot under target/screenshots/. */
  static Path screenshot(ChromeDriver driver, String name) {
    Path dir = Path.of(System.getProperty("screenshots.dir", "target/screenshots"));
    try {
      Files.createDirectories(dir);
      Path file = dir.resolve(name + ".png");
      Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
