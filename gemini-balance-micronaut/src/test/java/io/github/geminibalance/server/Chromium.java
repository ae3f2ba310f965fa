package io.github.geminibalance.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Headless Chromium for the admin's browser tests: Debian's {@code chromium} and {@code chromium-driver}
 * (or {@code CHROME_BIN} and {@code CHROMEDRIVER}), driven by Selenium without Selenium Manager (nothing is
 * downloaded). Missing, the tests are skipped on a developer's machine and fail in CI ({@code CI=true}),
 * which must have them ({@code .ci/run} installs them). Records the network through Chrome's performance
 * log, so a test can check every request and answer the page made.
 */
final class Chromium implements AutoCloseable {

    /** Desktop and phone viewports of the screenshots. */
    static final Dimension DESKTOP = new Dimension(1280, 900);
    static final Dimension PHONE = new Dimension(390, 844);

    private final ChromeDriver driver;
    /** The network events read from the performance log so far (it is emptied by every read). */
    private final List<JsonNode> network = new ArrayList<>();

    private Chromium(ChromeDriver driver) {
        this.driver = driver;
    }

    /** Starts headless Chromium with English as the browser's language, or skips/fails when it is not installed. */
    static Chromium start() {
        return start("en-US");
    }

    /** Starts headless Chromium with this browser language. */
    static Chromium start(String language) {
        File browser = find("CHROME_BIN", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
        File chromedriver = find("CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");
        if (browser == null || chromedriver == null) {
            String why = "headless Chromium is not installed (Debian: apt-get install chromium chromium-driver;"
                    + " or set CHROME_BIN and CHROMEDRIVER)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(why + ": the admin's browser tests must run in CI");
            }
            Assumptions.abort(why);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(browser);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--lang=" + language, "--window-size=" + DESKTOP.width + "," + DESKTOP.height);
        options.setExperimentalOption("prefs", Map.of("intl.accept_languages", language));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.PERFORMANCE, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(20));
        // keep answer bodies for Network.getResponseBody
        driver.executeCdpCommand("Network.enable", Map.of("maxTotalBufferSize", 50_000_000,
                "maxResourceBufferSize", 20_000_000));
        return new Chromium(driver);
    }

    private static File find(String variable, String... candidates) {
        String configured = System.getenv(variable);
        if (configured != null && !configured.isBlank()) {
            File f = new File(configured);
            return f.canExecute() ? f : null;
        }
        for (String candidate : candidates) {
            File f = new File(candidate);
            if (f.canExecute()) {
                return f;
            }
        }
        return null;
    }

    ChromeDriver driver() {
        return driver;
    }

    /** Resizes the window (headless: the viewport). */
    void size(Dimension size) {
        driver.manage().window().setSize(size);
    }

    /**
     * Saves a screenshot of the whole page (not only the viewport) as
     * {@code target/admin-screenshots/<name>.png} and answers its path.
     */
    Path screenshot(String name) throws Exception {
        Path dir = Path.of("target", "admin-screenshots");
        Files.createDirectories(dir);
        Path file = dir.resolve(name + ".png");
        Number width = (Number) driver.executeScript("return document.documentElement.scrollWidth");
        Number height = (Number) driver.executeScript("return Math.min(document.documentElement.scrollHeight, 4000)");
        Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Files.write(file, java.util.Base64.getDecoder().decode((String) shot.get("data")));
        return file;
    }

    /**
     * Everything the page holds or sent so far, as text: the DOM (with form values, which the HTML does not
     * show), storage, the script-visible cookies, and every request (URL, headers, body) and answer (URL,
     * headers, body) on the network. The request bodies of {@code except} paths are left out (the login
     * form carries the token, the add-keys form the new keys: sending them is their purpose).
     */
    String everything(String... except) {
        StringBuilder sb = new StringBuilder();
        sb.append(driver.getPageSource()).append('\n');
        sb.append(driver.executeScript("return document.documentElement.outerHTML"
                + " + '\\n' + Array.from(document.querySelectorAll('input, textarea, select'))"
                + ".map(e => e.value).join('\\n')"
                + " + '\\n' + JSON.stringify(Object.assign({}, localStorage))"
                + " + '\\n' + JSON.stringify(Object.assign({}, sessionStorage))"
                + " + '\\n' + document.cookie")).append('\n');
        for (JsonNode event : networkEvents()) {
            String method = event.path("method").asText();
            JsonNode params = event.path("params");
            if (method.equals("Network.requestWillBeSent")) {
                JsonNode request = params.path("request");
                sb.append(request.path("url").asText()).append('\n').append(request.path("headers")).append('\n');
                boolean excepted = false;
                for (String path : except) {
                    excepted |= request.path("url").asText().endsWith(path) && request.path("method").asText().equals("POST");
                }
                if (!excepted) {
                    sb.append(request.path("postData").asText()).append('\n');
                }
            } else if (method.equals("Network.responseReceived")) {
                JsonNode response = params.path("response");
                sb.append(response.path("url").asText()).append('\n').append(response.path("headers")).append('\n');
                try {
                    Map<String, Object> body = driver.executeCdpCommand("Network.getResponseBody",
                            Map.of("requestId", params.path("requestId").asText()));
                    sb.append(body.get("body")).append('\n');
                } catch (RuntimeException gone) {
                    // a redirect or a body already evicted: its headers are above
                }
            }
        }
        return sb.toString();
    }

    /** The network events recorded so far. */
    List<JsonNode> networkEvents() {
        for (LogEntry entry : driver.manage().logs().get(LogType.PERFORMANCE)) {
            try {
                JsonNode message = Json.mapper().readTree(entry.getMessage()).path("message");
                if (message.path("method").asText().startsWith("Network.")) {
                    network.add(message);
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return List.copyOf(network);
    }

    /** The URLs of the requests sent so far. */
    List<String> requestedUrls() {
        List<String> urls = new ArrayList<>();
        for (JsonNode event : networkEvents()) {
            if (event.path("method").asText().equals("Network.requestWillBeSent")) {
                urls.add(event.path("params").path("request").path("method").asText() + " "
                        + event.path("params").path("request").path("url").asText());
            }
        }
        return urls;
    }

    @Override
    public void close() {
        driver.quit();
    }
}
