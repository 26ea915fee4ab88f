package io.prosface.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Wait;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's {@code chromium} driven through Debian's {@code chromedriver} for the playground's browser tests: Selenium
 * is pointed at both, so nothing is downloaded ({@code .ci/run} installs them; without them the tests are skipped).
 */
public final class HeadlessChromium {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private HeadlessChromium() {}

    /**
     * A wait that polls until {@code timeout}; an element the page re-rendered between being found and being read
     * (a stale reference) counts as "not yet", like a missing one, since the page redraws tables and cards.
     */
    public static Wait<WebDriver> await(WebDriver browser, Duration timeout) {
        return new WebDriverWait(browser, timeout).ignoring(StaleElementReferenceException.class);
    }

    /** A headless browser with a window of {@code width} x {@code height} CSS pixels; skips the test without one. */
    public static WebDriver start(int width, int height) {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no browser: apt-get install chromium chromium-driver (.ci/run does)");
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-dev-shm-usage",
                        "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    /** Saves what the browser shows to {@code target/playground-NAME.png}. */
    public static void save(WebDriver browser, String name) {
        Path target = Path.of("target", "playground-" + name + ".png");
        try {
            Files.createDirectories(target.getParent());
            Files.write(target, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
