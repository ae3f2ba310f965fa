package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.store.Attempt;
import io.github.geminibalance.store.ErrorRecord;
import io.github.geminibalance.store.RequestRecord;
import io.github.geminibalance.store.StoredKey;
import io.github.geminibalance.store.jdbc.DatabaseSettings;
import io.github.geminibalance.store.jdbc.JdbcStore;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A measurement, not a test of times: the usage and logs pages in headless Chromium over a SQLite file
 * holding 5,000 keys and {@value #RECORDS} request records spread over the 30 days before now (5 models,
 * 10 clients, the keys in turn, one call in ten a 429 failover with its error record), written through
 * the store as the server writes them. Reports when each page finished its first render (the
 * {@code gb-usage-rendered} and {@code gb-logs-rendered} marks, from the start of the navigation), cold
 * (the server just started) and warm, and how long the per-key breakdown takes once asked for, to
 * {@code target/admin-screenshots/usage-logs-timings.txt} (quoted in docs/admin.md). Filling the file
 * takes a minute or more, so it runs only with {@code -Dgb.measure=true}:
 *
 * <pre>mvn -B -ntp -o -pl gemini-balance-micronaut -am verify -Dtest=AdminUiUsageLogsMeasurement
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dgb.measure=true -Djacoco.skip=true</pre>
 */
@EnabledIfSystemProperty(named = "gb.measure", matches = "true")
class AdminUiUsageLogsMeasurement {

    private static final String ADMIN_TOKEN = "admin-usage-logs-measure-token-41aa";
    private static final int KEYS = 5_000;
    private static final int RECORDS = Integer.getInteger("gb.measure.records", 1_000_000);
    private static final int DAYS = 30;
    private static final Pattern FULL_KEY = Pattern.compile("AIza[0-9A-Za-z_-]{35}");

    private static Path dir;
    private static FakeGemini gemini;
    private static TestServer server;
    private static Chromium chromium;
    private static String fill;

    @BeforeAll
    static void start() throws Exception {
        chromium = Chromium.start();
        dir = Files.createTempDirectory("gb-usage-logs-measure");
        Path file = dir.resolve("records.db");
        List<String> keys = new ArrayList<>(KEYS);
        for (int i = 0; i < KEYS; i++) {
            keys.add(String.format("AIzaSyMEASURE-usage-logs-%014d", i));
        }
        fill = fill(file, keys);
        gemini = FakeGemini.start().generateContent("gemini-2.0-flash-lite", null, GeminiFixtures.textResponse("h"));
        server = TestServer.startWithDatabase(TestServer.config(gemini, keys).testModel("gemini-2.0-flash-lite").build(),
                TestServer.serverConfig().withAuthToken(ADMIN_TOKEN),
                TestConfigFactory.database(Map.of("SQLITE_DATABASE", file.toString())), Map.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) {
            chromium.close();
        }
        if (server != null) {
            server.close();
        }
        if (gemini != null) {
            gemini.close();
        }
        if (dir != null && Boolean.getBoolean("gb.measure.keep")) {
            System.out.println("kept " + dir); // -Dgb.measure.keep=true: the SQLite file stays, for the sqlite3 shell
        } else if (dir != null) {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** Writes the keys and the records through the store; answers a line saying what and how long. */
    private static String fill(Path file, List<String> keys) throws Exception {
        List<String> models = List.of("gemini-2.5-flash", "gemini-2.5-pro", "gemini-2.0-flash", "gemini-2.5-flash-lite",
                "gemini-embedding-001");
        List<String> ids = new ArrayList<>(keys.size());
        keys.forEach(k -> ids.add(StoredKey.of(k, Instant.EPOCH, null).id()));
        Instant end = Instant.now();
        Instant begin = end.minus(Duration.ofDays(DAYS));
        long stepMicros = Duration.between(begin, end).toMillis() * 1000 / RECORDS;
        SplittableRandom random = new SplittableRandom(7);
        long t0 = System.nanoTime();
        int errors = 0;
        try (JdbcStore store = JdbcStore.open(DatabaseSettings.from(Map.of("SQLITE_DATABASE", file.toString(),
                "DATABASE_QUEUE_CAPACITY", "100000", "AUTO_DELETE_REQUEST_LOGS_DAYS", "0",
                "AUTO_DELETE_ERROR_LOGS_DAYS", "0")), Clock.systemUTC(), null)) {
            store.keys().seed(keys);
            for (int i = 0; i < RECORDS; i++) {
                Instant at = begin.plusNanos(stepMicros * i * 1000);
                String model = models.get(random.nextInt(models.size()));
                String client = String.format("t-%08x", 0x20000000 + random.nextInt(10) * 4099);
                String key = ids.get(i % ids.size());
                String other = ids.get((i + 1) % ids.size());
                boolean failover = random.nextInt(10) == 0;
                List<Attempt> attempts = failover ? List.of(new Attempt(other, 429), new Attempt(key, 200))
                        : List.of(new Attempt(key, 200));
                RequestRecord record = new RequestRecord(0, at, String.format("%016x", random.nextLong()), "openai.chat",
                        model, model, random.nextBoolean(), client, attempts, 200, 300 + random.nextInt(5000),
                        200 + random.nextInt(900), 20 + random.nextInt(4000), random.nextInt(1500), random.nextInt(800),
                        0, "STOP", null);
                while (!store.sink().offer(record)) {
                    Thread.sleep(1); // never drop a record of the measurement
                }
                if (failover) {
                    errors++;
                    ErrorRecord error = new ErrorRecord(0, at.minusMillis(100), null, other, 429, "RESOURCE_EXHAUSTED",
                            "You exceeded your current quota, please check your plan and billing details.", model, client,
                            null);
                    while (!store.sink().offer(error)) {
                        Thread.sleep(1);
                    }
                }
            }
            assertThat(store.flush(3_600_000)).as("written within an hour").isTrue();
        }
        return String.format(Locale.ROOT, "%,d keys, %,d request records and %,d error records over %d days written "
                + "through the store in %.0f s; SQLite file %,d MB", KEYS, RECORDS, errors, DAYS,
                (System.nanoTime() - t0) / 1e9, Files.size(file) >> 20);
    }

    private double number(String script) {
        return ((Number) chromium.driver().executeScript(script)).doubleValue();
    }

    /** Opens a page and answers when its first render was done (ms from the start of the navigation). */
    private double open(String page, String mark) {
        chromium.driver().get(server.url() + page);
        new WebDriverWait(chromium.driver(), Duration.ofSeconds(60)).until(d -> number(
                "return performance.getEntriesByName('" + mark + "').length") == 1);
        return number("return performance.getEntriesByName('" + mark + "')[0].startTime");
    }

    private double resource(String endsWith) {
        return number("const e = performance.getEntriesByType('resource').find(r => r.name.includes('" + endsWith
                + "')); return e ? e.responseEnd - e.startTime : -1");
    }

    @Test
    void usageAndLogsFirstRender() throws Exception {
        WebDriverWait wait = new WebDriverWait(chromium.driver(), Duration.ofSeconds(60));
        chromium.driver().get(server.url() + "/admin/login");
        wait.until(ExpectedConditions.elementToBeClickable(By.id("token"))).sendKeys(ADMIN_TOKEN);
        chromium.driver().findElement(By.id("login-button")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("main")));

        double usageCold = open("/admin/pages/usage", "gb-usage-rendered");
        double usage = open("/admin/pages/usage", "gb-usage-rendered");
        double usageDay = resource("group=day");
        double usageToday = resource("/admin/usage/today");
        wait.until(d -> d.findElements(By.cssSelector("#breakdown-body tr:not(.empty)")).size() == 5);
        double t0 = number("return performance.now()");
        chromium.driver().findElement(By.id("tab-key")).click();
        wait.until(d -> d.findElements(By.cssSelector("#breakdown-body tr:not(.empty)")).size() == 100);
        double perKey = number("return performance.now()") - t0;
        double perKeyQuery = resource("group=key");
        double t1 = number("return performance.now()");
        chromium.driver().findElement(By.id("breakdown-more")).click();
        wait.until(d -> d.findElements(By.cssSelector("#breakdown-body tr:not(.empty)")).size() == KEYS);
        double allKeys = number("return performance.now()") - t1;
        int days = chromium.driver().findElements(By.cssSelector("#days-body tr[data-day]")).size();
        chromium.screenshot("usage-measure-desktop");

        double logsCold = open("/admin/pages/logs", "gb-logs-rendered");
        double logs = open("/admin/pages/logs", "gb-logs-rendered");
        double logsList = resource("/admin/logs/requests");
        double errorsTab = open("/admin/pages/logs?tab=errors", "gb-logs-rendered");
        int rows = chromium.driver().findElements(By.cssSelector("#errors-body tr[data-id]")).size();

        String report = String.format(Locale.ROOT, "usage and logs pages over %s, headless Chromium:%n"
                + "usage: first render %.0f ms after navigation start (cold, the server just started: %.0f ms); "
                + "GET /admin/usage?group=day %.0f ms, GET /admin/usage/today %.0f ms; %d days drawn; "
                + "the per-key breakdown, once asked for: its busiest 100 rows %.0f ms (GET /admin/usage?group=key, "
                + "5,000 rows: %.0f ms), all 5,000 rows on \"show all\" %.0f ms more%n"
                + "logs: first render %.0f ms (cold %.0f ms); GET /admin/logs/requests?limit=50 %.0f ms; "
                + "errors tab %.0f ms, %d rows%n", fill, usage, usageCold, usageDay, usageToday, days, perKey, perKeyQuery,
                allKeys,
                logs, logsCold, logsList, errorsTab, rows);
        System.out.print(report);
        Files.createDirectories(Path.of("target", "admin-screenshots"));
        Files.writeString(Path.of("target", "admin-screenshots", "usage-logs-timings.txt"), report);

        assertThat(days).isGreaterThanOrEqualTo(DAYS);
        assertThat(rows).isEqualTo(50);
        assertThat(FULL_KEY.matcher(chromium.everything("/admin/login")).find()).as("a full key on the page or the network")
                .isFalse();
    }
}
