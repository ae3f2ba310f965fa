package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The keys page with 5,000 keys in headless Chromium: the first page of keys is drawn within a second of
 * opening the page, sorting, filtering and paging answer at once, only one page of rows is in the DOM, and
 * no full key is anywhere. The times are written to {@code target/admin-screenshots/timings.txt} (quoted
 * in docs/admin.md).
 */
class AdminUiLargePoolTest {

    private static final String ADMIN_TOKEN = "admin-large-pool-token-93be";
    private static final int KEYS = 5_000;
    /** A Gemini key: AIza and 35 more characters. */
    private static final Pattern FULL_KEY = Pattern.compile("AIza[0-9A-Za-z_-]{35}");

    private static FakeGemini gemini;
    private static TestServer server;
    private static Chromium chromium;

    @BeforeAll
    static void start() {
        chromium = Chromium.start();
        Random random = new Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        List<String> keys = new ArrayList<>(KEYS);
        for (int i = 0; i < KEYS; i++) {
            StringBuilder key = new StringBuilder("AIzaSy");
            for (int c = 0; c < 33; c++) {
                key.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            keys.add(key.toString());
        }
        gemini = FakeGemini.start().generateContent("gemini-2.0-flash-lite", null, GeminiFixtures.textResponse("h"));
        server = TestServer.start(TestServer.config(gemini, keys).testModel("gemini-2.0-flash-lite").build(),
                TestServer.serverConfig().withAuthToken(ADMIN_TOKEN));
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

    private double millis(String script, Object... args) {
        return ((Number) chromium.driver().executeScript(script, args)).doubleValue();
    }

    /**
     * Runs a click three times and answers the median time the page took to redraw (script, style and
     * layout): one slow run on a busy machine says little. {@code selector} must toggle something.
     */
    private double timedClick(String selector) {
        return timedClick(selector, 3);
    }

    private double timedClick(String selector, int times) {
        double[] runs = new double[times];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = millis("const t0 = performance.now(); document.querySelector(arguments[0]).click();"
                    + " document.body.offsetHeight; return performance.now() - t0;", selector);
        }
        java.util.Arrays.sort(runs);
        return runs[times / 2];
    }

    @Test
    void fiveThousandKeysAreUsableWithinASecond() throws Exception {
        WebDriverWait wait = new WebDriverWait(chromium.driver(), Duration.ofSeconds(20));
        chromium.driver().get(server.url() + "/admin/login");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("token"))).sendKeys(ADMIN_TOKEN);
        chromium.driver().findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#keys-body tr[data-id]")));

        // from the start of the navigation to /admin/ until the first page of keys was drawn: once with a
        // server that just started (its JIT cold), then on opening the page again
        double coldRender = millis("return performance.getEntriesByName('gb-keys-rendered')[0].startTime");
        chromium.driver().navigate().refresh();
        wait.until(d -> ((Number) chromium.driver().executeScript(
                "return performance.getEntriesByName('gb-keys-rendered').length")).intValue() == 1);
        double firstRender = millis("return performance.getEntriesByName('gb-keys-rendered')[0].startTime");
        double list = millis("const e = performance.getEntriesByType('resource')"
                + ".find(r => r.name.endsWith('/admin/keys')); return e ? e.responseEnd - e.startTime : -1");
        double listKib = millis("const e = performance.getEntriesByType('resource')"
                + ".find(r => r.name.endsWith('/admin/keys')); return e ? e.encodedBodySize / 1024 : -1");
        int rows = chromium.driver().findElements(By.cssSelector("#keys-body tr")).size();
        assertThat(rows).as("only one page of rows in the DOM").isEqualTo(50);
        assertThat(chromium.driver().findElement(By.id("page-info")).getText()).isEqualTo("Page 1 of 100 (5,000 keys)");

        double sort = timedClick("#keys-table .sort-button[data-sort='requests']");
        double sortBack = timedClick("#sort-dir");
        double lastPage = timedClick("#page-last", 1); // once: then the button is disabled
        assertThat(chromium.driver().findElement(By.id("page-info")).getText()).startsWith("Page 100 of 100");
        double stateFilter = timedClick("#summary button[data-state='ACTIVE']");
        new Select(chromium.driver().findElement(By.id("page-size"))).selectByValue("200");
        assertThat(chromium.driver().findElements(By.cssSelector("#keys-body tr"))).hasSize(200);
        chromium.driver().findElement(By.id("search")).sendKeys("k-00");
        wait.until(d -> d.findElement(By.id("page-info")).getText().contains("Page 1 of 1 "));
        String filtered = chromium.driver().findElement(By.id("page-info")).getText();

        chromium.screenshot("keys-5000-desktop");
        String report = String.format(Locale.ROOT, "keys page with %d keys, headless Chromium:%n"
                + "first page drawn %.0f ms after navigation start (GET /admin/keys: %.0f ms, %.0f KiB); "
                + "right after the server started: %.0f ms%n"
                + "sort by requests %.1f ms, reverse %.1f ms, last page %.1f ms, state filter %.1f ms%n"
                + "search 'k-00': %s%n", KEYS, firstRender, list, listKib, coldRender, sort, sortBack, lastPage, stateFilter,
                filtered);
        System.out.print(report);
        Files.createDirectories(Path.of("target", "admin-screenshots"));
        Files.writeString(Path.of("target", "admin-screenshots", "timings.txt"), report);

        assertThat(firstRender).as("first render, ms").isLessThan(1000);
        assertThat(Math.max(Math.max(sort, sortBack), Math.max(lastPage, stateFilter))).as("redraw, ms").isLessThan(300);
        assertThat(FULL_KEY.matcher(chromium.everything("/admin/login")).find()).as("a full key on the page or the network")
                .isFalse();
    }
}
