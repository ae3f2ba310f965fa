package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.keys.KeyPool;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.text.NumberFormat;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The usage and logs pages in headless Chromium against the real server on a SQLite file and the fake
 * Gemini. Four client calls are served before the tests: three succeed (one of them after the first key it
 * tried answered Gemini's daily-quota 429, so that key's day is over), one is refused by Gemini for every
 * key (400). The usage page must show those numbers in its table, charts, breakdowns and the quota table;
 * the logs page lists the calls and the failed attempts, its filters narrow them, its pager pages them,
 * and an error's detail shows Gemini's reason, message and the request body. The live header counts the
 * calls. After each test everything the page holds, sent or received is checked for every full key and
 * the admin token. Screenshots at desktop and phone widths go to {@code target/admin-screenshots/}.
 */
class AdminUiUsageLogsBrowserTest {

    private static final String ADMIN_TOKEN = "admin-usage-logs-browser-token-7e21";
    private static final String MODEL = "gemini-2.5-flash";
    private static final String REFUSED_MODEL = "gemini-refuses-the-body";
    private static final String HEALTHY = "AIzaSyTEST-usage-logs-key-healthy-00001";
    private static final String QUOTA = "AIzaSyTEST-usage-logs-key-quota-000002";
    private static final List<String> POOL = List.of(HEALTHY, QUOTA);
    private static final String CHAT = """
            {"model": "%s", "messages": [{"role": "user", "content": "Hello from the usage test"}]}""";

    @TempDir
    static Path dir;

    private static FakeGemini gemini;
    private static TestServer server;
    private static Chromium chromium;

    @BeforeAll
    static void start() throws Exception {
        chromium = Chromium.start(); // skips (or fails in CI) before a server is started for nothing
        gemini = FakeGemini.start()
                .generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."))
                .error(MODEL, QUOTA, GeminiErrorKind.DAILY_QUOTA_429)
                .error(REFUSED_MODEL, null, GeminiErrorKind.BAD_REQUEST_400);
        server = TestServer.startWithDatabase(TestServer.config(gemini, POOL).build(),
                TestServer.serverConfig().withAuthToken(ADMIN_TOKEN),
                TestConfigFactory.database(Map.of("SQLITE_DATABASE", dir.resolve("records.db").toString(),
                        "ERROR_LOG_RECORD_REQUEST_BODY", "true")),
                Map.of());
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> chat = server.postJson("/v1/chat/completions", CHAT.formatted(MODEL));
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        }
        HttpResponse<String> refused = server.postJson("/v1/chat/completions", CHAT.formatted(REFUSED_MODEL));
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
        // records reach the database through a queue: wait until the four calls and two failures are in
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (usageToday().path("requests").asLong() < 4 || errorsListed() < 2) {
            assertThat(System.nanoTime()).as("records written within 20 s").isLessThan(deadline);
            Thread.sleep(100);
        }
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

    @BeforeEach
    void signedOut() {
        chromium.size(Chromium.DESKTOP);
        chromium.driver().get(server.url() + "/admin/ui/favicon.svg");
        chromium.driver().manage().deleteAllCookies();
        chromium.driver().executeScript("localStorage.clear()");
    }

    @AfterEach
    void noFullKeyOrTokenAnywhere() {
        String everything = chromium.everything("/admin/login");
        for (String key : POOL) {
            assertThat(everything).as("a full key on the page or the network").doesNotContain(key);
        }
        assertThat(everything).as("the admin token on the page or the network").doesNotContain(ADMIN_TOKEN);
    }

    // ---- helpers ----

    private static HttpResponse<String> admin(String path) throws Exception {
        return server.send(server.request(path, ADMIN_TOKEN).GET().build());
    }

    private static String today() {
        return LocalDate.now(ZoneOffset.UTC).toString();
    }

    /** Today's row of GET /admin/usage, the oracle for the page's numbers. */
    private static JsonNode usageToday() throws Exception {
        for (JsonNode row : Json.mapper().readTree(admin("/admin/usage?from=" + today() + "&to=" + today()).body())
                .path("data")) {
            if (row.path("day").asText().equals(today())) {
                return row;
            }
        }
        return Json.mapper().createObjectNode();
    }

    private static int errorsListed() throws Exception {
        return errorsListed("");
    }

    private static int errorsListed(String query) throws Exception {
        return Json.mapper().readTree(admin("/admin/logs/errors" + query).body()).path("data").size();
    }

    private static String id(String key) {
        return new ApiKey(key).id();
    }

    private static String number(long n) {
        return NumberFormat.getIntegerInstance(Locale.US).format(n);
    }

    private WebDriverWait waiting() {
        return (WebDriverWait) new WebDriverWait(chromium.driver(), Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    private void login(String page) {
        chromium.driver().get(server.url() + page);
        waiting().until(ExpectedConditions.urlContains("/admin/login"));
        waiting().until(ExpectedConditions.elementToBeClickable(By.id("token"))).sendKeys(ADMIN_TOKEN);
        chromium.driver().findElement(By.id("login-button")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.id("main")));
        if (!chromium.driver().getCurrentUrl().endsWith(page)) {
            chromium.driver().get(server.url() + page);
        }
    }

    private String cell(String rowSelector, String field) {
        return chromium.driver().findElement(By.cssSelector(rowSelector + " td[data-field='" + field + "']")).getText();
    }

    private List<WebElement> rows(String body) {
        return chromium.driver().findElements(By.cssSelector("#" + body + " tr[data-id]"));
    }

    /** A small phone: 375 CSS pixels wide. */
    private static final org.openqa.selenium.Dimension PHONE = new org.openqa.selenium.Dimension(375, 812);

    private void noSidewaysScrolling() {
        chromium.size(PHONE);
        waiting().until(d -> ((Number) chromium.driver().executeScript("return window.innerWidth")).intValue() < 500);
        waiting().until(d -> (Boolean) chromium.driver().executeScript("return Array.from(document.querySelectorAll('.uplot'))"
                + ".every(u => u.getBoundingClientRect().right <= window.innerWidth)")); // the charts fit the phone
        assertThat((Boolean) chromium.driver().executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1")).as("no sideways scrolling").isTrue();
    }

    // ---- tests ----

    @Test
    void usagePageShowsTheDaysNumbersTheBreakdownsAndTheQuotaEachKeyHit() throws Exception {
        JsonNode expected = usageToday();
        assertThat(expected.path("requests").asLong()).isEqualTo(4);
        assertThat(expected.path("errors").asLong()).as("the 429 and the 400").isEqualTo(2);
        login("/admin/pages/usage");

        String day = "#days-body tr[data-day='" + today() + "']";
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(day)));
        assertThat(cell(day, "requests")).isEqualTo("4");
        assertThat(cell(day, "errors")).isEqualTo("2");
        for (String kind : List.of("prompt_tokens", "completion_tokens", "thinking_tokens", "cached_tokens")) {
            assertThat(cell(day, kind)).as(kind).isEqualTo(number(expected.path(kind).asLong()));
        }
        assertThat(expected.path("prompt_tokens").asLong()).as("the fake reports tokens").isPositive();
        assertThat(chromium.driver().findElement(By.cssSelector("#totals [data-field='requests'] dd")).getText()).isEqualTo("4");
        assertThat(chromium.driver().findElements(By.cssSelector("#chart-calls canvas"))).as("a uPlot chart").isNotEmpty();
        assertThat(chromium.driver().findElements(By.cssSelector("#chart-tokens canvas"))).isNotEmpty();

        // per model: the served model and the refused one
        waiting().until(d -> d.findElement(By.id("breakdown-body")).getText().contains(MODEL));
        String perModel = chromium.driver().findElement(By.id("breakdown-body")).getText();
        assertThat(perModel).contains(MODEL + " 3 1").contains(REFUSED_MODEL + " 1 1");
        // per key: ids only; every call is filed under its last key
        chromium.driver().findElement(By.id("tab-key")).click();
        waiting().until(d -> d.findElement(By.id("breakdown-name")).getText().equals("Key id"));
        waiting().until(d -> d.findElement(By.id("breakdown-body")).getText().contains("k-"));
        String perKey = chromium.driver().findElement(By.id("breakdown-body")).getText();
        assertThat(perKey).contains(id(HEALTHY));
        // keyboard: the arrow moves to the next tab
        chromium.driver().findElement(By.id("tab-key")).sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT);
        waiting().until(d -> d.findElement(By.id("breakdown-name")).getText().equals("Client"));
        chromium.driver().findElement(By.id("tab-model")).click();
        waiting().until(d -> d.findElement(By.id("breakdown-body")).getText().contains(REFUSED_MODEL));

        // today per key and model: the key that ran out of its daily quota, and how many attempts fitted
        WebElement quotaRow = waiting().until(d -> d.findElements(By.cssSelector("#today-body tr")).stream()
                .filter(r -> r.getText().contains(id(QUOTA)) && r.getText().contains(MODEL)).findFirst().orElse(null));
        String quotaDay = LocalDate.ofInstant(Instant.now(), KeyPool.QUOTA_ZONE).toString();
        assertThat(quotaRow.findElement(By.cssSelector("td[data-field='quota']")).getText()).isEqualTo("0 on " + quotaDay);
        assertThat(quotaRow.findElement(By.cssSelector("td[data-field='requests']")).getText()).isEqualTo("1");
        assertThat(quotaRow.getText()).contains(ApiKey.mask(QUOTA)).contains("Resting until");
        WebElement otherModel = chromium.driver().findElements(By.cssSelector("#today-body tr")).stream()
                .filter(r -> r.getText().contains(id(QUOTA)) && r.getText().contains(REFUSED_MODEL)).findFirst()
                .orElse(null);
        if (otherModel != null) { // the refused call tried this key first: it serves that model still
            assertThat(otherModel.getText()).contains("Serves this model");
        }

        // the presets ask for another range
        chromium.driver().findElement(By.cssSelector(".preset[data-days='7']")).click();
        waiting().until(d -> d.findElement(By.id("from")).getAttribute("value")
                .equals(LocalDate.now(ZoneOffset.UTC).minusDays(6).toString()));
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(day)));

        // the live header counts the calls of the last minute (the page's own calls are admin calls: not counted)
        waiting().until(d -> d.findElement(By.id("live-requests")).getText().matches("[1-9]\\d* req/min"));
        assertThat(chromium.driver().findElement(By.id("health-text")).getText()).isEqualTo("Usable keys: 2 of 2");

        chromium.screenshot("usage-desktop");
        noSidewaysScrolling();
        chromium.screenshot("usage-phone");
        chromium.size(Chromium.DESKTOP);

        new Select(chromium.driver().findElement(By.id("lang"))).selectByValue("zh-CN");
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("main h1"), "用量"));
        assertThat(chromium.driver().findElement(By.id("live-requests")).getText()).endsWith("次请求/分钟");
        assertThat(chromium.driver().findElement(By.cssSelector("#days-table thead")).getText()).contains("请求数");
        chromium.screenshot("usage-desktop-zh");
    }

    @Test
    void logsPageListsFiltersAndPagesTheRecordsAndOpensAnError() throws Exception {
        login("/admin/pages/logs");
        waiting().until(d -> rows("requests-body").size() == 4);
        List<String> newestFirst = new ArrayList<>();
        rows("requests-body").forEach(r -> newestFirst.add(r.getAttribute("data-id")));
        assertThat(newestFirst).isSortedAccordingTo((a, b) -> Long.compare(Long.parseLong(b), Long.parseLong(a)));
        String refusedRow = rows("requests-body").get(0).getText();
        assertThat(refusedRow).contains(REFUSED_MODEL).contains("400");
        String retried = chromium.driver().findElement(By.id("requests-body")).getText();
        assertThat(retried).contains(id(QUOTA) + " 429").contains(id(HEALTHY) + " 200");

        // filters: status, then model (through the form), then the filter links in the rows
        chromium.driver().findElement(By.id("f-status")).sendKeys("400");
        chromium.driver().findElement(By.cssSelector("#filter-form button[type='submit']")).click();
        waiting().until(d -> rows("requests-body").size() == 1);
        assertThat(chromium.driver().getCurrentUrl()).contains("status=400");
        chromium.driver().findElement(By.id("f-clear")).click();
        waiting().until(d -> rows("requests-body").size() == 4);
        chromium.driver().findElement(By.id("f-model")).sendKeys(MODEL);
        chromium.driver().findElement(By.cssSelector("#filter-form button[type='submit']")).click();
        waiting().until(d -> rows("requests-body").size() == 3);
        chromium.driver().findElement(By.id("f-clear")).click();
        waiting().until(d -> rows("requests-body").size() == 4);

        // a pasted key does not fit the key-id field, and what fits is not a key id: the form is not sent
        chromium.driver().findElement(By.id("f-key")).sendKeys(QUOTA);
        assertThat(chromium.driver().findElement(By.id("f-key")).getAttribute("value")).hasSize(10);
        chromium.driver().findElement(By.cssSelector("#filter-form button[type='submit']")).click();
        assertThat((Boolean) chromium.driver().executeScript("return document.getElementById('f-key').matches(':invalid')"))
                .isTrue();
        assertThat(chromium.driver().getCurrentUrl()).doesNotContain("key=");
        chromium.driver().findElement(By.id("f-key")).clear();

        // paging with the cursor: two records a page
        chromium.driver().get(server.url() + "/admin/pages/logs?limit=2");
        waiting().until(d -> rows("requests-body").size() == 2);
        List<String> first = new ArrayList<>();
        rows("requests-body").forEach(r -> first.add(r.getAttribute("data-id")));
        assertThat(first).isEqualTo(newestFirst.subList(0, 2));
        chromium.driver().findElement(By.id("page-older")).click();
        waiting().until(d -> !rows("requests-body").isEmpty()
                && newestFirst.get(2).equals(rows("requests-body").get(0).getAttribute("data-id")));
        assertThat(chromium.driver().findElement(By.id("page-info")).getText()).startsWith("Page 2");
        chromium.driver().findElement(By.id("page-newer")).click();
        waiting().until(d -> first.get(0).equals(rows("requests-body").get(0).getAttribute("data-id")));
        assertThat(chromium.driver().findElement(By.id("page-newer")).isEnabled()).isFalse();

        // the errors tab, narrowed to the key that ran out of quota by the link in its row
        chromium.driver().get(server.url() + "/admin/pages/logs");
        chromium.driver().findElement(By.id("tab-errors")).click();
        waiting().until(d -> rows("errors-body").size() == 2);
        int ofKey = errorsListed("?key=" + id(QUOTA));
        int ofOtherKey = errorsListed("?key=" + id(HEALTHY));
        assertThat(ofKey + ofOtherKey).isEqualTo(2);
        chromium.driver().findElement(By.cssSelector("#errors-body button.filter-link[data-value='" + id(QUOTA) + "']")).click();
        waiting().until(d -> rows("errors-body").size() == ofKey);
        assertThat(chromium.driver().getCurrentUrl()).contains("tab=errors").contains("key=" + id(QUOTA));
        assertThat(chromium.driver().findElement(By.id("errors-body")).getText()).doesNotContain(id(HEALTHY));
        WebElement error = rows("errors-body").stream().filter(r -> r.getText().contains("RESOURCE_EXHAUSTED"))
                .findFirst().orElseThrow();
        assertThat(error.getText()).contains("429").contains(MODEL);

        error.findElement(By.cssSelector("button[data-detail]")).click();
        WebElement dialog = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("error-dialog")));
        assertThat(dialog.findElement(By.cssSelector(".detail-reason")).getText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(dialog.findElement(By.cssSelector(".detail-message")).getText()).startsWith("You exceeded your current quota");
        assertThat(dialog.findElement(By.cssSelector(".detail-status")).getText()).isEqualTo("429");
        assertThat(dialog.findElement(By.id("error-body")).getText()).contains("Hello from the usage test");
        chromium.screenshot("logs-error-desktop");
        dialog.findElement(By.cssSelector("button[value='close']")).sendKeys(org.openqa.selenium.Keys.ENTER);
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("error-dialog")));

        chromium.driver().findElement(By.id("f-clear")).click();
        waiting().until(d -> rows("errors-body").size() == 2);
        chromium.screenshot("logs-errors-desktop");
        chromium.driver().findElement(By.id("tab-requests")).click();
        waiting().until(d -> rows("requests-body").size() == 4);
        waiting().until(d -> d.findElement(By.id("live-requests")).getText().matches("\\d+ req/min"));
        chromium.screenshot("logs-desktop");
        noSidewaysScrolling();
        chromium.screenshot("logs-phone");
    }

    @Test
    void theKeysPageLinksAKeysLastErrorToItsErrors() throws Exception {
        login("/admin/");
        WebElement row = waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#keys-body tr[data-id='" + id(QUOTA) + "']")));
        assertThat(chromium.driver().findElement(By.cssSelector(".main-nav a[href='/admin/pages/usage']")).getText())
                .isEqualTo("Usage");
        row.findElement(By.cssSelector("a.errors-link")).click();
        waiting().until(ExpectedConditions.urlContains("/admin/pages/logs"));
        int ofKey = errorsListed("?key=" + id(QUOTA));
        assertThat(ofKey).as("the 429, and the 400 when that call tried this key first").isBetween(1, 2);
        waiting().until(d -> rows("errors-body").size() == ofKey);
        assertThat(chromium.driver().findElement(By.id("tab-errors")).getAttribute("aria-selected")).isEqualTo("true");
        assertThat(chromium.driver().findElement(By.id("f-key")).getAttribute("value")).isEqualTo(id(QUOTA));
    }
}
