package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Wait;

/**
 * The playground at {@code /} in a real browser ({@link HeadlessChromium}). A real
 * LFPW face is picked in the page's file input; the page must draw the face's box and its 68 points exactly where
 * {@code POST /v1/analyze} puts them for the same bytes, list the expression and attributes, and word a refused
 * upload as the API does. Screenshots go to {@code target/playground-*.png}.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class PlaygroundBrowserTest {

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL page;

    @BeforeAll
    static void startBrowser() {
        browser = HeadlessChromium.start(1200, 1000);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aPickedPhotoGetsItsBoxAnd68PointsDrawnWhereTheApiPutsThem() throws Exception {
        Path face = TestImages.lfpw(TestImages.LFPW_FACE, ".jpg");
        JsonPath api = given().contentType("image/jpeg")
                .body(Files.readAllBytes(face))
                .when()
                .post("/v1/analyze")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        assertEquals(1, api.getList("faces").size(), "the API finds one face on " + face);

        browser.get(page.toString());
        browser.findElement(By.id("file")).sendKeys(face.toRealPath().toString());
        Wait<WebDriver> wait = HeadlessChromium.await(browser, Duration.ofSeconds(60));
        wait.until(driver -> driver.findElements(By.cssSelector("#overlay circle.point"))
                                .size()
                        == 68
                || driver.findElement(By.id("status")).getAttribute("class").contains("error"));
        save("analyze");

        assertEquals("1 face found.", browser.findElement(By.id("status")).getText());
        List<WebElement> points = browser.findElements(By.cssSelector("#overlay circle.point"));
        assertEquals(68, points.size(), "one dot per landmark");
        List<Map<String, Float>> expected = api.getList("faces[0].landmarks.points");
        for (int index = 0; index < 68; index++) {
            WebElement point = points.get(index);
            assertEquals(String.valueOf(index), point.getAttribute("data-index"));
            assertEquals(
                    expected.get(index).get("x"),
                    Float.parseFloat(point.getAttribute("cx")),
                    1e-3,
                    "point " + index + " x");
            assertEquals(
                    expected.get(index).get("y"),
                    Float.parseFloat(point.getAttribute("cy")),
                    1e-3,
                    "point " + index + " y");
        }
        WebElement box = browser.findElement(By.cssSelector("#overlay rect.box"));
        assertEquals(api.getInt("faces[0].box.x"), Integer.parseInt(box.getAttribute("x")));
        assertEquals(api.getInt("faces[0].box.width"), Integer.parseInt(box.getAttribute("width")));
        // the overlay's coordinates are the image's pixels: its viewBox is the answered image size
        assertEquals(
                "0 0 " + api.getInt("image.width") + " " + api.getInt("image.height"),
                browser.findElement(By.id("overlay")).getDomAttribute("viewBox"));

        String card = browser.findElement(By.cssSelector("#faces article.face")).getText();
        assertTrue(card.contains("Expression: " + api.getString("faces[0].expression.label")), card);
        assertEquals(
                7,
                browser.findElements(By.cssSelector("#faces article.face ul[aria-label='Expression distribution'] li"))
                        .size(),
                "the whole expression distribution is listed");
        assertTrue(browser.findElement(By.id("timing")).getText().contains("Compute"), "server timings are shown");

        // the points can be hidden and numbered
        browser.findElement(By.id("show-points")).click();
        assertTrue(!points.get(0).isDisplayed(), "unchecking 'points' hides the dots");
        browser.findElement(By.id("show-points")).click();
        assertTrue(points.get(0).isDisplayed(), "checking it again shows them");
    }

    @Test
    void aFileThatIsNoImageIsRefusedInTheApisWords(@org.junit.jupiter.api.io.TempDir Path temp) throws Exception {
        Path notAnImage = Files.writeString(temp.resolve("notes.jpg"), "these are notes, not a photo");
        browser.get(page.toString());
        browser.findElement(By.id("file")).sendKeys(notAnImage.toString());
        HeadlessChromium.await(browser, Duration.ofSeconds(30))
                .until(driver -> driver.findElement(By.id("status"))
                        .getAttribute("class")
                        .contains("error"));
        save("refused");
        String status = browser.findElement(By.id("status")).getText();
        assertTrue(
                status.contains("INVALID_ARGUMENT") && status.contains("not a recognised image format"),
                "the API's code and message for " + notAnImage.getFileName() + ": " + status);
        assertEquals(0, browser.findElements(By.cssSelector("#overlay circle")).size(), "nothing drawn");
    }

    @Test
    void everyAssetComesFromThisServer() {
        browser.get(page.toString());
        Object external = ((org.openqa.selenium.JavascriptExecutor) browser)
                .executeScript("return performance.getEntriesByType('resource').map(e => e.name)"
                        + ".filter(n => !n.startsWith(location.origin))");
        assertEquals(List.of(), external, "requests that left the server");
        String html = given().when().get("/").then().statusCode(200).extract().asString();
        assertTrue(
                !html.contains("http://") && !html.contains("https://") && !html.contains("//cdn"),
                "no absolute URL in the page");
    }

    @Test
    void theServerPanelShowsWhatServesAndTheBatcherFromTheServersMetrics() throws Exception {
        JsonPath api = given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/analyze")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        browser.get(page.toString());
        Wait<WebDriver> wait = HeadlessChromium.await(browser, Duration.ofSeconds(20));
        wait.until(
                driver -> !driver.findElement(By.id("server-model")).getText().equals("…"));
        assertEquals(
                api.getString("model.backbone"),
                browser.findElement(By.id("server-model")).getText(),
                "the model that answered /v1/analyze");
        assertEquals("fp32", browser.findElement(By.id("server-precision")).getText());
        assertTrue(
                browser.findElement(By.id("server-device")).getText().startsWith("cpu"),
                browser.findElement(By.id("server-device")).getText());
        // a batch computed now shows up in the panel's next reading of the metrics (every 2 s)
        String before = browser.findElement(By.id("server-items")).getText();
        given().contentType("image/jpeg")
                .body(TestImages.lfpwJpeg())
                .when()
                .post("/v1/analyze")
                .then()
                .statusCode(200);
        wait.until(
                driver -> !driver.findElement(By.id("server-items")).getText().equals(before));
        assertTrue(
                Double.parseDouble(browser.findElement(By.id("server-items")).getText()) > Double.parseDouble(before),
                "faces computed grew: " + before);
        assertTrue(
                browser.findElement(By.id("server-batch")).getText().matches("mean \\d+\\.\\d\\d over \\d+ batches.*"),
                browser.findElement(By.id("server-batch")).getText());
        save("server");
    }

    @Test
    void onAPhoneSizedScreenNothingOverflowsEveryControlIsLabelledAndTextIsReadable() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            browser.get(page.toString());
            browser.findElement(By.id("file"))
                    .sendKeys(TestImages.lfpw(TestImages.LFPW_FACE, ".jpg")
                            .toRealPath()
                            .toString());
            HeadlessChromium.await(browser, Duration.ofSeconds(60))
                    .until(driver -> driver.findElements(By.cssSelector("#overlay circle.point"))
                                    .size()
                            == 68);
            JavascriptExecutor page = (JavascriptExecutor) browser;
            assertEquals(
                    Boolean.TRUE,
                    page.executeScript("return document.documentElement.scrollWidth <= window.innerWidth"),
                    "the page scrolls sideways at 390 px, wider than the screen: "
                            + page.executeScript("return Array.from(document.querySelectorAll('body *')).filter(e => "
                                    + "e.getBoundingClientRect().right > window.innerWidth + 0.5)"
                                    + ".map(e => e.id || e.tagName)"));
            // every form control a user can reach has a name a screen reader reads out
            Object unlabelled = page.executeScript("return Array.from(document.querySelectorAll('input, select, "
                    + "button')).filter(e => !e.closest('[hidden]') && e.type !== 'hidden')"
                    + ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')"
                    + " && !e.textContent.trim()).map(e => e.id || e.outerHTML)");
            assertEquals(List.of(), unlabelled, "controls without a label");
            // WCAG AA: text against the first opaque background behind it, at least 4.5:1
            Object poor = page.executeScript(CONTRAST_CHECK);
            assertEquals(List.of(), poor, "text below 4.5:1 contrast");
            save("phone");
        } finally {
            browser.manage().window().setSize(new Dimension(1200, 1000));
        }
    }

    /** Lists visible text elements whose colour has less than 4.5:1 contrast with their background. */
    private static final String CONTRAST_CHECK = """
            const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
            const lum = (c) => { const v = rgb(c).slice(0, 3).map(x => { x /= 255;
              return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
              return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
            const background = (e) => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
              const p = rgb(c); if (p.length === 3 || (p.length === 4 && p[3] > 0.5)) return c; }
              return 'rgb(255, 255, 255)'; };
            const poor = [];
            document.querySelectorAll('body *').forEach(e => {
              const own = Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
              if (!own || e.closest('svg') || e.offsetParent === null) return;
              const a = lum(getComputedStyle(e).color), b = lum(background(e));
              const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
              if (ratio < 4.5) poor.push((e.id || e.tagName) + ' ' + ratio.toFixed(2) + ': '
                + e.textContent.trim().slice(0, 40));
            });
            return poor;
            """;

    private static void save(String name) {
        HeadlessChromium.save(browser, name);
    }
}
