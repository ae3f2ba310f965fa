package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.testing.FakeGemini;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Settings page in a real browser (headless Chromium through Selenium) against the real server and the
 * fake Gemini, whose keys all answer Gemini's real 429 body: logs in, opens Settings from the navigation,
 * changes {@code MAX_RETRIES} (a refused value first, shown under the field), sees the next request make
 * the new number of attempts, takes the setting back to the environment's value and sees the old number
 * again. Nothing the page holds, sent or received contains a full key or token. Screenshots at desktop and
 * phone widths go to {@code target/admin-screenshots/}.
 */
class AdminUiSettingsBrowserTest {

    private static final String ADMIN_TOKEN = "admin-settings-browser-token-8e2f";
    private static final List<String> KEYS = List.of(
            "AIzaSyTEST-settings-key-one-0000000001", "AIzaSyTEST-settings-key-two-0000000002",
            "AIzaSyTEST-settings-key-three-00000003", "AIzaSyTEST-settings-key-four-000000004",
            "AIzaSyTEST-settings-key-five-000000005");
    private static final String DB_PASSWORD = "settings-db-password-4c4c";
    private static final String CHAT = """
            {"model": "%s", "messages": [{"role": "user", "content": "Hello"}]}""".formatted(MODEL);
    /** 375 px: the narrowest common phone. */
    private static final Dimension PHONE = new Dimension(375, 812);

    private static FakeGemini gemini;
    private static TestServer server;
    private static Chromium chromium;
    private static final TestClockFactory.MovableClock CLOCK =
            new TestClockFactory.MovableClock(Instant.parse("2026-06-15T12:00:00Z"));

    @BeforeAll
    static void start() {
        chromium = Chromium.start();
        gemini = FakeGemini.start().rateLimited(MODEL, null, "30s");
        Map<String, String> env = new HashMap<>();
        env.put("API_KEYS", String.join(",", KEYS));
        env.put("ALLOWED_TOKENS", TestServer.TOKEN);
        env.put("AUTH_TOKEN", ADMIN_TOKEN);
        env.put("DATABASE_PASSWORD", DB_PASSWORD);
        env.put("MAX_RETRIES", "1");
        Map<String, String> dotEnv = Map.of("MAX_FAILURES", "5", "KEY_SELECTION", "round_robin");
        server = TestServer.start(TestServer.config(gemini, KEYS).maxRetries(1).maxFailures(5).build(),
                TestServer.serverConfig().withAuthToken(ADMIN_TOKEN), null,
                Map.of(TestSettingSourcesFactory.PROPERTY,
                        TestSettingSourcesFactory.register(new SettingSources(env, dotEnv)),
                        TestClockFactory.PROPERTY, TestClockFactory.register(CLOCK)));
    }

    @AfterAll
    static void stop() {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
        if (gemini != null) {
            gemini.close();
        }
    }

    /** Every test starts logged out, in English, at desktop width. */
    @BeforeEach
    void loggedOut() {
        chromium.size(Chromium.DESKTOP);
        chromium.driver().get(server.url() + "/admin/ui/favicon.svg");
        chromium.driver().manage().deleteAllCookies();
        chromium.driver().executeScript("window.localStorage.clear();");
    }

    @AfterEach
    void noFullKeyOrTokenAnywhere() throws Exception {
        String everything = chromium.everything("/admin/login");
        List<String> secrets = new ArrayList<>(KEYS);
        secrets.addAll(List.of(ADMIN_TOKEN, TestServer.TOKEN, DB_PASSWORD));
        for (String secret : secrets) {
            assertThat(everything).as("a secret on the page or the network").doesNotContain(secret);
        }
        assertThat(chromium.driver().getPageSource()).doesNotContain(KEYS.get(0)).doesNotContain(ADMIN_TOKEN);
    }

    private WebDriverWait waiting() {
        return (WebDriverWait) new WebDriverWait(chromium.driver(), Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    private WebElement row(String name) {
        return waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr[data-setting='" + name + "']")));
    }

    private String source(String name) {
        return row(name).findElement(By.cssSelector(".col-source .badge")).getText();
    }

    /** Sends one chat request through the server; answers how many upstream attempts it made. */
    private static int attempts() throws Exception {
        int before = gemini.requestCount();
        HttpResponse<String> response = server.postJson("/v1/chat/completions", CHAT);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(429);
        CLOCK.advance(Duration.ofMinutes(1)); // the cooldowns end before the next request
        return gemini.requestCount() - before;
    }

    private void confirm() {
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("confirm-ok"))).click();
    }

    @Test
    void changesMaxRetriesSeesTheNextRequestUseItAndRevertsIt() throws Exception {
        chromium.driver().get(server.url() + "/admin/pages/settings");
        waiting().until(ExpectedConditions.urlContains("/admin/login"));
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("token"))).sendKeys(ADMIN_TOKEN);
        chromium.driver().findElement(By.id("login-button")).click();
        waiting().until(ExpectedConditions.urlMatches(".*/admin/$"));
        waiting().until(ExpectedConditions.elementToBeClickable(By.cssSelector(".main-nav a[href='/admin/pages/settings']")))
                .click();
        waiting().until(ExpectedConditions.urlContains("/admin/pages/settings"));

        assertThat(source("MAX_RETRIES")).isEqualTo("environment");
        assertThat(source("MAX_FAILURES")).isEqualTo(".env file");
        assertThat(source("STREAM_IDLE_TIMEOUT")).isEqualTo("default");
        assertThat(row("PORT").getText()).contains("restart required");
        assertThat(row("API_KEYS").getText()).contains("set (hidden)");
        assertThat(chromium.driver().findElement(By.cssSelector(".main-nav a[aria-current='page']")).getText())
                .isEqualTo("Settings");
        assertThat(attempts()).isEqualTo(1);

        // a refused value: the server's reason under the field, nothing stored
        row("MAX_RETRIES").findElement(By.cssSelector("button[data-action='edit']")).click();
        WebElement input = waiting().until(ExpectedConditions.elementToBeClickable(By.id("edit-MAX_RETRIES")));
        assertThat(chromium.driver().switchTo().activeElement()).isEqualTo(input);
        input.clear();
        input.sendKeys("0");
        row("MAX_RETRIES").findElement(By.cssSelector("button[type='submit']")).click();
        assertThat(waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-text"))).getText())
                .contains("MAX_RETRIES").contains("1").contains("0");
        confirm();
        WebElement error = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("edit-error-MAX_RETRIES")));
        assertThat(error.getText()).contains("MAX_RETRIES must be a whole number >= 1");
        assertThat(input.getAttribute("aria-invalid")).isEqualTo("true");
        assertThat(attempts()).isEqualTo(1);

        input.clear();
        input.sendKeys("3");
        row("MAX_RETRIES").findElement(By.cssSelector("button[type='submit']")).click();
        confirm();
        waiting().until(d -> source("MAX_RETRIES").equals("stored (overrides)"));
        assertThat(row("MAX_RETRIES").findElement(By.cssSelector(".setting-value")).getText()).isEqualTo("3");
        assertThat(row("MAX_RETRIES").getText()).contains("Without the override: 1 (environment)");
        assertThat(chromium.driver().findElement(By.id("message")).getText()).contains("MAX_RETRIES saved");
        assertThat(attempts()).as("the next request makes the new number of attempts").isEqualTo(3);

        Path desktop = chromium.screenshot("settings-desktop");
        chromium.size(PHONE);
        waiting().until(d -> row("MAX_RETRIES").isDisplayed());
        Path phone = chromium.screenshot("settings-phone");
        assertThat(Files.size(desktop)).isPositive();
        assertThat(Files.size(phone)).isPositive();
        Long pageWidth = (Long) chromium.driver().executeScript("return document.documentElement.scrollWidth;");
        assertThat(pageWidth).as("no sideways scrolling at phone width").isLessThanOrEqualTo(PHONE.width);
        chromium.size(Chromium.DESKTOP);

        row("MAX_RETRIES").findElement(By.cssSelector("button[data-action='revert']")).click();
        assertThat(waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-text"))).getText())
                .contains("MAX_RETRIES").contains("1 (environment)");
        confirm();
        waiting().until(d -> source("MAX_RETRIES").equals("environment"));
        assertThat(row("MAX_RETRIES").findElements(By.cssSelector("button[data-action='revert']"))).isEmpty();
        assertThat(attempts()).as("back to the environment's value").isEqualTo(1);
    }

    @Test
    void theSettingsPageSpeaksChinese() throws Exception {
        chromium.driver().get(server.url() + "/admin/pages/settings");
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("token"))).sendKeys(ADMIN_TOKEN);
        chromium.driver().findElement(By.id("login-button")).click();
        waiting().until(ExpectedConditions.urlMatches(".*/admin/$"));
        chromium.driver().get(server.url() + "/admin/pages/settings");
        row("MAX_RETRIES");
        new org.openqa.selenium.support.ui.Select(chromium.driver().findElement(By.id("lang"))).selectByValue("zh-CN");
        waiting().until(d -> d.findElement(By.cssSelector("h1")).getText().equals("设置"));
        assertThat(source("MAX_RETRIES")).isEqualTo("环境变量");
        assertThat(row("PORT").getText()).contains("需重启");
        chromium.screenshot("settings-zh-desktop");
        new org.openqa.selenium.support.ui.Select(chromium.driver().findElement(By.id("lang"))).selectByValue("en");
        waiting().until(d -> d.findElement(By.cssSelector("h1")).getText().equals("Settings"));
    }
}
