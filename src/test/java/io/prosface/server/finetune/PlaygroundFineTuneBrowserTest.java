package io.prosface.server.finetune;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.server.HeadlessChromium;
import io.prosface.server.TestCheckpoint;
import io.prosface.server.TestImages;
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
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.Wait;

/**
 * The playground's Fine-tune and Heads panels in a real browser ({@link HeadlessChromium}): a tiny few-shot set built
 * from ../shared/data (CelebA hair colour) is uploaded through the form with the options the API lists, the job is
 * followed live to success with its per-epoch curves, the new head answers the last photo with one click, and it is
 * deleted from the heads list. Screenshots: {@code target/playground-finetune*.png}.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class PlaygroundFineTuneBrowserTest {

    private static final int EPOCHS = 4;

    private static WebDriver browser;

    @TestHTTPResource("/")
    URL page;

    @BeforeAll
    static void startBrowser() {
        browser = HeadlessChromium.start(1200, 1400);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aTinyJobUploadedThroughThePageSucceedsLiveAndItsHeadAnswersTheLastPhoto(@TempDir Path temp) throws Exception {
        List<FewShotData.Item> items = FewShotData.hairColours(12, 0);
        Path archive = Files.write(
                temp.resolve("hair.zip"), FewShotData.zip(items, "manifest.csv", FewShotData.csv(items, "label")));
        String name = "hair-page-" + Long.toHexString(System.nanoTime());
        JsonPath options = given().header("Authorization", FewShotData.ADMIN)
                .when()
                .get("/v1/finetune/options")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();

        openPage();
        useKey("test-admin-key");
        Wait<WebDriver> wait = HeadlessChromium.await(browser, Duration.ofSeconds(30));
        wait.until(driver -> !driver.findElements(By.id("ft-opt-epochs")).isEmpty());
        // every option the API lists is a field with the API's default and range
        for (Map<String, Object> option : options.<Map<String, Object>>getList("options")) {
            WebElement field = browser.findElement(By.id("ft-opt-" + option.get("name")));
            if ("boolean".equals(option.get("type"))) {
                assertEquals(option.get("default"), field.isSelected(), option.get("name") + " default");
                continue;
            }
            if ("enum".equals(option.get("type"))) {
                assertEquals(option.get("default"), field.getDomProperty("value"), option.get("name") + " default");
                continue;
            }
            assertEquals(
                    Double.parseDouble(String.valueOf(option.get("default"))),
                    Double.parseDouble(field.getDomProperty("value")),
                    option.get("name") + " default");
            if (option.get("max") != null) {
                assertEquals(
                        Double.parseDouble(String.valueOf(option.get("max"))),
                        Double.parseDouble(field.getDomAttribute("max")),
                        option.get("name") + " max");
            }
        }

        // a photo first, so the new head has something to answer
        browser.findElement(By.id("file"))
                .sendKeys(TestImages.lfpw(TestImages.LFPW_FACE, ".jpg")
                        .toRealPath()
                        .toString());
        wait.until(driver ->
                driver.findElements(By.cssSelector("#overlay circle.point")).size() == 68);

        browser.findElement(By.id("ft-archive")).sendKeys(archive.toString());
        new Select(browser.findElement(By.id("ft-kind"))).selectByValue("classification");
        browser.findElement(By.id("ft-head-name")).sendKeys(name);
        setNumber("ft-opt-epochs", String.valueOf(EPOCHS));
        setNumber("ft-opt-validation_split", "0.25");
        setNumber("ft-opt-seed", "3");
        browser.findElement(By.id("ft-submit")).click();

        HeadlessChromium.await(browser, Duration.ofSeconds(240))
                .until(driver -> List.of("succeeded", "failed", "cancelled")
                        .contains(String.valueOf(
                                driver.findElement(By.id("job-state")).getDomAttribute("data-state"))));
        ((JavascriptExecutor) browser).executeScript("document.getElementById('job').scrollIntoView()");
        HeadlessChromium.save(browser, "finetune");
        assertEquals(
                "succeeded",
                browser.findElement(By.id("job-state")).getText(),
                browser.findElement(By.id("job-error")).getText() + " "
                        + browser.findElement(By.id("ft-status")).getText());
        String id = browser.findElement(By.id("job-id")).getText();
        assertEquals("1", browser.findElement(By.id("job-progress")).getDomProperty("value"), "the bar is full");

        // one curve point per epoch, the same epochs the API's history holds, and a chart per metric
        List<Map<String, Object>> history = given().header("Authorization", FewShotData.READER)
                .when()
                .get("/v1/finetune/jobs/" + id + "/metrics")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getList("epochs");
        Map<String, Object> accepted = given().header("Authorization", FewShotData.READER)
                .when()
                .get("/v1/finetune/jobs/" + id)
                .then()
                .statusCode(200)
                .extract()
                .jsonPath()
                .getMap("options");
        assertEquals(EPOCHS, accepted.get("epochs"), "the epochs typed into the form: " + accepted);
        assertEquals(EPOCHS, history.size(), "history rows of job " + id + ": " + history);
        assertEquals(
                String.valueOf(EPOCHS), browser.findElement(By.id("job-charts")).getDomAttribute("data-epochs"));
        // a classification job reports accuracy and chance: one chart, chance drawn in it as the baseline
        assertEquals(
                Map.of("accuracy", 1.0, "chance", 1.0).keySet(),
                ((Map<?, ?>) history.get(EPOCHS - 1).get("validationMetrics")).keySet());
        assertEquals(
                1,
                browser.findElements(By.cssSelector("#job-charts figure[data-metric='accuracy'] canvas"))
                        .size(),
                "a drawn accuracy chart");
        String legend = browser.findElement(By.cssSelector("#job-charts figure[data-metric='accuracy']"))
                .getText();
        assertTrue(legend.contains("train") && legend.contains("validation") && legend.contains("chance"), legend);
        assertEquals(
                1, browser.findElements(By.cssSelector("#job-charts figure")).size(), "no chart of its own for chance");

        // one click: the new head answers the photo analysed before (a classification head answers "expression")
        browser.findElement(By.id("job-try")).click();
        wait.until(driver -> String.valueOf(
                        ((JavascriptExecutor) driver)
                                .executeScript(
                                        "const card = document.querySelector('#faces article.face'); return card ? card.innerText : ''"))
                .contains(name + "@v1: "));
        String card = browser.findElement(By.cssSelector("#faces article.face")).getText();
        assertTrue(card.contains(name + "@v1: black (") || card.contains(name + "@v1: blond ("), card);
        assertEquals(
                2,
                browser.findElements(By.cssSelector("#faces ul[aria-label='" + name + "@v1 distribution'] li"))
                        .size(),
                "both classes of the new head are listed");
        assertEquals(
                name + "@v1",
                new Select(browser.findElement(By.id("head-expression")))
                        .getFirstSelectedOption()
                        .getDomAttribute("value"),
                "the head chosen for the expression task");
        HeadlessChromium.save(browser, "finetune-try");

        // a second version trained without promotion: the heads list, filtered to the name, promotes it and then
        // deletes the first one
        List<FewShotData.Item> more = FewShotData.hairColours(12, 12);
        String second = given().header("Authorization", FewShotData.ADMIN)
                .multiPart("kind", "classification")
                .multiPart("head_name", name)
                .multiPart("epochs", "2")
                .multiPart("promote", "false")
                .multiPart(
                        "archive",
                        "more.zip",
                        FewShotData.zip(more, "manifest.csv", FewShotData.csv(more, "label")),
                        "application/zip")
                .when()
                .post("/v1/finetune/jobs")
                .then()
                .statusCode(202)
                .extract()
                .path("id");
        HeadlessChromium.await(browser, Duration.ofSeconds(240))
                .until(driver -> !List.of("queued", "running")
                        .contains(given().header("Authorization", FewShotData.READER)
                                .when()
                                .get("/v1/finetune/jobs/" + second)
                                .then()
                                .extract()
                                .<String>path("state")));
        WebElement filter = browser.findElement(By.id("heads-name"));
        filter.clear();
        filter.sendKeys(name);
        browser.findElement(By.id("heads-refresh")).click();
        String first = "#heads-table tr[data-head='" + name + "@v1']";
        String newer = "#heads-table tr[data-head='" + name + "@v2']";
        wait.until(driver ->
                driver.findElements(By.cssSelector("#heads-table tbody tr")).size() == 2);
        assertTrue(browser.findElement(By.cssSelector(first)).getText().contains("current"));
        assertTrue(!browser.findElement(By.cssSelector(newer)).getText().contains("current"), "v2 not promoted yet");
        ((JavascriptExecutor) browser).executeScript("document.getElementById('heads').scrollIntoView()");
        HeadlessChromium.save(browser, "finetune-heads");
        browser.findElement(By.cssSelector(newer + " button[aria-label='Promote " + name + "@v2']"))
                .click();
        wait.until(driver -> driver.findElement(By.cssSelector(newer)).getText().contains("current"));
        assertEquals(
                "v2",
                given().header("Authorization", FewShotData.READER)
                        .queryParam("name", name)
                        .when()
                        .get("/v1/finetune/heads")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getString("heads.find { it.current }.version"),
                "the store's current version after Promote");
        browser.findElement(By.cssSelector(first + " button[aria-label='Delete " + name + "@v1']"))
                .click();
        browser.switchTo().alert().accept();
        wait.until(driver -> driver.findElements(By.cssSelector(first)).isEmpty());
        assertEquals(
                List.of("v2"),
                given().header("Authorization", FewShotData.READER)
                        .queryParam("name", name)
                        .when()
                        .get("/v1/finetune/heads")
                        .then()
                        .statusCode(200)
                        .extract()
                        .jsonPath()
                        .getList("heads.version"),
                "v1 deleted from the store");
    }

    @Test
    void anUploadTheServerRefusesIsShownInTheApisWords(@TempDir Path temp) throws Exception {
        // an archive of faces without any manifest: the server, not the page, refuses it
        List<FewShotData.Item> items = FewShotData.hairColours(2, 30);
        Path archive = Files.write(
                temp.resolve("no-manifest.zip"),
                Archives.zip(Map.of(
                        "faces/" + items.get(0).name(),
                        items.get(0).bytes(),
                        "faces/" + items.get(1).name(),
                        items.get(1).bytes())));
        openPage();
        useKey("test-admin-key");
        browser.findElement(By.id("ft-archive")).sendKeys(archive.toString());
        browser.findElement(By.id("ft-head-name")).sendKeys("refused-" + Long.toHexString(System.nanoTime()));
        browser.findElement(By.id("ft-submit")).click();
        HeadlessChromium.await(browser, Duration.ofSeconds(30))
                .until(driver -> driver.findElement(By.id("ft-status"))
                        .getDomProperty("className")
                        .contains("error"));
        String status = browser.findElement(By.id("ft-status")).getText();
        assertTrue(
                status.startsWith("The server refused it: INVALID_ARGUMENT: ") && status.contains("manifest"),
                "the API's code and message for " + archive.getFileName() + ": " + status);
        assertTrue(
                browser.findElement(By.id("job")).getDomAttribute("hidden") != null,
                "no job is shown, but " + browser.findElement(By.id("job-id")).getText() + " "
                        + browser.findElement(By.id("job-state")).getText());

        // a read-only key may look but not upload: the API's 403 words, and nothing queued
        useKey("test-read-key");
        browser.findElement(By.id("ft-submit")).click();
        HeadlessChromium.await(browser, Duration.ofSeconds(30))
                .until(driver ->
                        driver.findElement(By.id("ft-status")).getText().contains("PERMISSION_DENIED"));
        HeadlessChromium.save(browser, "finetune-refused");
    }

    /** The page as a new tab opens it: no key, no job remembered from another test. */
    private void openPage() {
        // cleared on a page of the same origin that runs no script, so no playground script can store anything again
        browser.get(page.toString() + "q/health");
        ((JavascriptExecutor) browser).executeScript("sessionStorage.clear()");
        browser.get(page.toString());
    }

    private static void useKey(String key) {
        WebElement field = browser.findElement(By.id("api-key"));
        field.clear();
        field.sendKeys(key);
        browser.findElement(By.id("key-use")).click();
    }

    private static void setNumber(String id, String value) {
        WebElement field = browser.findElement(By.id(id));
        field.clear();
        field.sendKeys(value);
    }
}
