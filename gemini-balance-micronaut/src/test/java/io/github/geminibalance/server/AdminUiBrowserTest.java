package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web admin in a real browser (headless Chromium through Selenium) against the real server and the fake
 * Gemini: a pool with one healthy, one cooling (Gemini answers 429 for it) and one invalid key
 * ({@code API_KEY_INVALID}). Logs in through the form, reads the keys page, adds keys by paste, disables a
 * key, switches to Chinese, logs out; after each test everything the page holds or sent or received is
 * checked for full keys and the admin token. Screenshots at desktop and phone widths go to
 * {@code target/admin-screenshots/}.
 */
class AdminUiBrowserTest {

    private static final String ADMIN_TOKEN = "admin-browser-test-token-5d1c";
    private static final String TEST_MODEL = "gemini-2.0-flash-lite";
    private static final String RESTING_MODEL = "gemini-resting";
    private static final String HEALTHY = "AIzaSyTEST-browser-key-healthy-00000001";
    private static final String COOLING = "AIzaSyTEST-browser-key-cooling-00000002";
    private static final String INVALID = "AIzaSyTEST-browser-key-invalid-00000003";
    private static final List<String> POOL = List.of(HEALTHY, COOLING, INVALID);
    private static final String CHAT = """
            {"model": "%s", "messages": [{"role": "user", "content": "Hello"}]}""";
    /** Answers whose request bodies carry a secret by design: the token to log in, new keys to add. */
    private static final String[] SENDS_SECRETS = {"/admin/login", "/admin/keys"};

    private static FakeGemini gemini;
    private static TestServer server;
    private static Chromium chromium;

    /** Keys added by a test, checked for too and deleted afterwards. */
    private final List<String> added = new ArrayList<>();

    @BeforeAll
    static void start() {
        chromium = Chromium.start(); // skips (or fails in CI) before a server is started for nothing
        gemini = FakeGemini.start()
                .generateContent(RESTING_MODEL, null, GeminiFixtures.textResponse("Rested."))
                .rateLimited(RESTING_MODEL, COOLING, "600s")
                .generateContent(TEST_MODEL, null, GeminiFixtures.textResponse("h"))
                .error(TEST_MODEL, INVALID, GeminiErrorKind.API_KEY_INVALID_400);
        server = TestServer.start(TestServer.config(gemini, POOL).testModel(TEST_MODEL).build(),
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

    /** The pool as the tests expect it: the healthy key active, one cooling, one invalid. */
    @BeforeEach
    void poolWithACoolingAndAnInvalidKey() throws Exception {
        chromium.size(Chromium.DESKTOP);
        // leave the last test's page (it polls, and would go to the login once the cookie is gone) for a
        // document of the same origin without scripts, where the cookies can be deleted
        chromium.driver().get(server.url() + "/admin/ui/favicon.svg");
        chromium.driver().manage().deleteAllCookies();
        for (String key : POOL) {
            admin("POST", "/admin/keys/" + id(key) + "/restore"); // after a test that deleted it (404 otherwise)
            admin("POST", "/admin/keys/" + id(key) + "/reset");
        }
        admin("POST", "/admin/keys/check?all=true"); // the invalid key is found out
        for (int i = 0; i < 6 && !state(COOLING).equals("COOLING"); i++) {
            HttpResponse<String> chat = server.postJson("/v1/chat/completions", CHAT.formatted(RESTING_MODEL));
            assertThat(chat.statusCode()).as(chat.body()).isEqualTo(200);
        }
        assertThat(state(HEALTHY)).isEqualTo("ACTIVE");
        assertThat(state(COOLING)).isEqualTo("COOLING");
        assertThat(state(INVALID)).isEqualTo("INVALID");
    }

    @AfterEach
    void noFullKeyOrTokenAnywhere() throws Exception {
        String everything = chromium.everything(SENDS_SECRETS);
        List<String> secrets = new ArrayList<>(POOL);
        secrets.addAll(added);
        for (String key : secrets) {
            assertThat(everything).as("a full key on the page or the network").doesNotContain(key);
        }
        assertThat(everything).as("the admin token on the page or the network").doesNotContain(ADMIN_TOKEN);
        for (String key : added) {
            admin("DELETE", "/admin/keys/" + id(key));
        }
    }

    // ---- helpers ----

    private static String id(String key) {
        return new ApiKey(key).id();
    }

    private static HttpResponse<String> admin(String method, String path) throws Exception {
        return server.send(server.request(path, ADMIN_TOKEN).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private static String state(String key) throws Exception {
        for (JsonNode k : Json.mapper().readTree(admin("GET", "/admin/keys").body()).path("keys")) {
            if (k.path("id").asText().equals(id(key))) {
                return k.path("state").asText();
            }
        }
        return "ABSENT";
    }

    private WebDriverWait waiting() {
        return (WebDriverWait) new WebDriverWait(chromium.driver(), Duration.ofSeconds(15))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class);
    }

    private void login() {
        chromium.driver().get(server.url() + "/admin/");
        waiting().until(ExpectedConditions.urlContains("/admin/login"));
        WebElement token = waiting().until(ExpectedConditions.elementToBeClickable(By.id("token")));
        token.sendKeys(ADMIN_TOKEN);
        chromium.driver().findElement(By.id("login-button")).click();
        waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#keys-body tr[data-id]")));
    }

    private WebElement row(String key) {
        return waiting().until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("#keys-body tr[data-id='" + id(key) + "']")));
    }

    private String text(By by) {
        return chromium.driver().findElement(by).getText();
    }

    /** Opens a row's menu and clicks an action; tries again when a refresh redrew the row in between. */
    private void action(String key, String action) {
        By button = By.cssSelector("#keys-body button[data-action='" + action + "'][data-id='" + id(key) + "']");
        waiting().until(d -> {
            WebElement menu = row(key).findElement(By.cssSelector("details.menu"));
            if (menu.getAttribute("open") == null) {
                menu.findElement(By.cssSelector("summary")).click();
            }
            d.findElement(button).click();
            return true;
        });
    }

    /**
     * Runs a row's action until the dialog it opens is shown: a refresh that redraws the table just as the
     * button is clicked swallows the click without a stale-element error.
     */
    private WebElement actionOpening(String key, String action, By shown) {
        return waiting().until(d -> {
            List<WebElement> open = d.findElements(shown);
            if (!open.isEmpty() && open.get(0).isDisplayed()) {
                return open.get(0);
            }
            action(key, action);
            try {
                return new WebDriverWait(d, Duration.ofSeconds(3)).until(ExpectedConditions.visibilityOfElementLocated(shown));
            } catch (org.openqa.selenium.TimeoutException notYet) {
                return null;
            }
        });
    }

    private boolean routeExists(String method, String path) throws Exception {
        HttpResponse<String> probe = server.send(server.request(path, ADMIN_TOKEN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString("{\"keys\":[]}")).build());
        if (probe.statusCode() == 405) {
            return false;
        }
        return !(probe.statusCode() == 404
                && Json.mapper().readTree(probe.body()).path("error").path("code").asText().equals("not_found"));
    }

    // ---- tests ----

    @Test
    void logsInAndSeesTheHealthyTheCoolingAndTheInvalidKey() throws Exception {
        login();

        assertThat(chromium.driver().getCurrentUrl()).endsWith("/admin/");
        assertThat(row(HEALTHY).findElement(By.cssSelector(".badge")).getText()).isEqualTo("Active");
        assertThat(row(HEALTHY).findElement(By.cssSelector(".masked")).getText()).isEqualTo(ApiKey.mask(HEALTHY));
        assertThat(row(HEALTHY).getText()).contains(id(HEALTHY));

        WebElement cooling = row(COOLING);
        assertThat(cooling.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Cooling");
        String countdown = cooling.findElement(By.cssSelector(".countdown")).getText();
        assertThat(countdown).startsWith(RESTING_MODEL).matches(".* \\d{1,2}:\\d\\d");
        assertThat(cooling.findElement(By.cssSelector(".col-error")).getText()).contains("429");

        WebElement invalid = row(INVALID);
        assertThat(invalid.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Invalid");
        assertThat(invalid.findElement(By.cssSelector(".col-error")).getText()).contains("400").contains("API_KEY_INVALID");

        // totals per state, and the header's usable keys (active and cooling keys serve)
        WebElement summary = chromium.driver().findElement(By.id("summary"));
        assertThat(summary.getText()).contains("All\n3").contains("Active\n1").contains("Cooling\n1").contains("Invalid\n1");
        waiting().until(ExpectedConditions.textToBe(By.id("health-text"), "Usable keys: 2 of 3"));

        // the countdown runs by itself
        String before = cooling.findElement(By.cssSelector(".countdown")).getText();
        waiting().until(d -> !row(COOLING).findElement(By.cssSelector(".countdown")).getText().equals(before));

        chromium.screenshot("keys-desktop");
        chromium.size(Chromium.PHONE);
        waiting().until(d -> ((Number) chromium.driver().executeScript("return window.innerWidth")).intValue() < 500);
        assertThat(row(COOLING).findElement(By.cssSelector(".badge")).isDisplayed()).isTrue();
        assertThat((Boolean) chromium.driver().executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth + 1")).as("no sideways scrolling").isTrue();
        chromium.screenshot("keys-phone");
    }

    @Test
    void filtersByStateAndTextAndSorts() throws Exception {
        login();

        chromium.driver().findElement(By.cssSelector("#summary button[data-state='INVALID']")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#keys-body tr[data-id]")).size() == 1);
        assertThat(row(INVALID).isDisplayed()).isTrue();
        chromium.driver().findElement(By.cssSelector("#summary button[data-state='']")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#keys-body tr[data-id]")).size() == 3);

        chromium.driver().findElement(By.id("search")).sendKeys(id(COOLING));
        waiting().until(d -> d.findElements(By.cssSelector("#keys-body tr[data-id]")).size() == 1);
        assertThat(row(COOLING).isDisplayed()).isTrue();
        chromium.driver().findElement(By.id("search")).clear();
        chromium.driver().findElement(By.id("search")).sendKeys("x");
        chromium.driver().findElement(By.id("search")).sendKeys(org.openqa.selenium.Keys.BACK_SPACE);
        waiting().until(d -> d.findElements(By.cssSelector("#keys-body tr[data-id]")).size() == 3);

        new Select(chromium.driver().findElement(By.id("sort"))).selectByValue("state");
        List<String> states = new ArrayList<>();
        for (WebElement badge : chromium.driver().findElements(By.cssSelector("#keys-body tr[data-id] .badge"))) {
            states.add(badge.getText());
        }
        assertThat(states).containsExactly("Active", "Cooling", "Invalid");
        chromium.driver().findElement(By.id("sort-dir")).click();
        assertThat(chromium.driver().findElement(By.cssSelector("#keys-body tr[data-id]")).getAttribute("data-id"))
                .isEqualTo(id(INVALID));
        assertThat(chromium.driver().findElement(By.cssSelector("th[data-sort='state']")).getAttribute("aria-sort"))
                .isEqualTo("descending");
    }

    @Test
    void theListAndTheHeaderFollowChangesMadeElsewhere() throws Exception {
        login();
        waiting().until(ExpectedConditions.textToBe(By.id("health-text"), "Usable keys: 2 of 3"));

        admin("POST", "/admin/keys/" + id(HEALTHY) + "/disable"); // by a script, not the page

        WebDriverWait poll = new WebDriverWait(chromium.driver(), Duration.ofSeconds(12));
        poll.ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> row(HEALTHY).findElement(By.cssSelector(".badge")).getText().equals("Disabled"));
        poll.until(ExpectedConditions.textToBe(By.id("health-text"), "Usable keys: 1 of 3"));
        assertThat(chromium.driver().findElement(By.id("summary")).getText()).contains("Disabled\n1");
    }

    @Test
    void everyControlHasANameAndTheKeyboardReachesTheRowActions() throws Exception {
        login();

        @SuppressWarnings("unchecked")
        List<String> unnamed = (List<String>) chromium.driver().executeScript(
                "return Array.from(document.querySelectorAll('input, select, textarea, button, summary, a'))"
                        + ".filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')"
                        + " && !e.textContent.trim())"
                        + ".map(e => e.outerHTML.slice(0, 120));");
        assertThat(unnamed).as("controls without a label or text").isEmpty();

        WebElement summary = row(HEALTHY).findElement(By.cssSelector("details.menu summary"));
        chromium.driver().executeScript("arguments[0].focus()", summary);
        summary.sendKeys(org.openqa.selenium.Keys.ENTER);
        waiting().until(d -> row(HEALTHY).findElement(By.cssSelector("details.menu")).getAttribute("open") != null);
        chromium.driver().switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.TAB);
        WebElement check = chromium.driver().switchTo().activeElement();
        assertThat(check.getAttribute("data-action")).isEqualTo("check");
        check.sendKeys(org.openqa.selenium.Keys.ENTER);

        // a check of one key (POST /admin/keys/{id}/check) gives its result
        waiting().until(d -> !text(By.id("message")).isEmpty() && !text(By.id("message")).startsWith("Checking"));
        assertThat(text(By.id("message"))).contains("Checked: 1 valid, 0 invalid");

        // Escape closes an open menu
        WebElement again = row(COOLING).findElement(By.cssSelector("details.menu summary"));
        chromium.driver().executeScript("arguments[0].focus()", again);
        again.sendKeys(org.openqa.selenium.Keys.ENTER);
        waiting().until(d -> row(COOLING).findElement(By.cssSelector("details.menu")).getAttribute("open") != null);
        chromium.driver().switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.ESCAPE);
        waiting().until(d -> row(COOLING).findElement(By.cssSelector("details.menu")).getAttribute("open") == null);
    }

    @Test
    void deletingAsksFirst() throws Exception {
        login();

        int sent = chromium.requestedUrls().size();
        action(INVALID, "delete");
        WebElement dialog = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
        assertThat(dialog.getText()).contains("Delete key " + id(INVALID) + "?");
        dialog.findElement(By.cssSelector("button[value='cancel']")).click();
        waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm-dialog")));
        List<String> urls = chromium.requestedUrls();
        assertThat(urls.subList(sent, urls.size())).noneMatch(u -> u.startsWith("DELETE ") || u.contains("/delete"));
        assertThat(state(INVALID)).isEqualTo("INVALID");

        chromium.driver().findElement(By.id("delete-invalid")).click();
        dialog = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm-dialog")));
        assertThat(dialog.getText()).contains("Delete all 1 invalid keys?");
        dialog.findElement(By.id("confirm-ok")).click();
        if (routeExists("POST", "/admin/keys/delete")) {
            waiting().until(d -> d.findElements(By.cssSelector("#keys-body tr[data-id='" + id(INVALID)
                    + "'][data-state='INVALID']")).isEmpty());
            assertThat(state(INVALID)).isEqualTo("ABSENT");
            admin("POST", "/admin/keys/" + id(INVALID) + "/restore");
        } else {
            waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"),
                    "does not offer POST /admin/keys/delete yet"));
            assertThat(state(INVALID)).isEqualTo("INVALID");
        }
    }

    @Test
    void deletesRestoresAndNotesAKey() throws Exception {
        login();

        actionOpening(INVALID, "delete", By.id("confirm-ok")).click();
        waiting().until(d -> d.findElements(By.cssSelector("#keys-body tr[data-id='" + id(INVALID) + "']")).isEmpty());
        assertThat(state(INVALID)).isEqualTo("ABSENT");

        chromium.driver().findElement(By.id("show-deleted")).click();
        WebElement deleted = row(INVALID);
        assertThat(deleted.findElement(By.cssSelector(".badge")).getText()).isEqualTo("Deleted");
        assertThat(deleted.getText()).contains("deleted");
        assertThat(chromium.driver().findElement(By.id("summary")).getText()).contains("Deleted\n1");
        action(INVALID, "restore");
        waiting().until(d -> !row(INVALID).findElement(By.cssSelector(".badge")).getText().equals("Deleted"));
        assertThat(state(INVALID)).isNotEqualTo("ABSENT");
        chromium.driver().findElement(By.id("show-deleted")).click();

        WebElement note = actionOpening(COOLING, "note", By.id("note-text"));
        note.sendKeys("team B <b>quota</b>");
        chromium.driver().findElement(By.cssSelector("#note-dialog button[value='ok']")).click();
        waiting().until(d -> row(COOLING).findElements(By.cssSelector(".note")).size() == 1);
        assertThat(row(COOLING).findElement(By.cssSelector(".note")).getText()).isEqualTo("team B <b>quota</b>");
        assertThat(row(COOLING).findElements(By.cssSelector(".note b"))).as("a note is text, never HTML").isEmpty();
        chromium.driver().findElement(By.id("search")).sendKeys("quota");
        waiting().until(d -> d.findElements(By.cssSelector("#keys-body tr[data-id]")).size() == 1);
        chromium.driver().findElement(By.id("search")).clear();
        chromium.driver().findElement(By.id("search")).sendKeys(id(COOLING));

        // cleared again for the other tests
        WebElement again = actionOpening(COOLING, "note", By.id("note-text"));
        again.clear();
        chromium.driver().findElement(By.cssSelector("#note-dialog button[value='ok']")).click();
        waiting().until(d -> row(COOLING).findElements(By.cssSelector(".note")).isEmpty());
    }

    @Test
    void disablesAKeyAndShowsItsStateAndCountdown() throws Exception {
        login();

        action(HEALTHY, "disable");
        WebElement dialog = waiting().until(ExpectedConditions.visibilityOfElementLocated(By.id("disable-dialog")));
        dialog.findElement(By.id("disable-hours")).click();
        dialog.findElement(By.id("disable-ok")).click();

        waiting().until(d -> row(HEALTHY).findElement(By.cssSelector(".badge")).getText().equals("Disabled"));
        assertThat(state(HEALTHY)).isEqualTo("DISABLED");
        waiting().until(ExpectedConditions.textToBe(By.id("health-text"), "Usable keys: 1 of 3")); // at once
        JsonNode entry = null;
        for (JsonNode k : Json.mapper().readTree(admin("GET", "/admin/keys").body()).path("keys")) {
            if (k.path("id").asText().equals(id(HEALTHY))) {
                entry = k;
            }
        }
        if (entry != null && entry.hasNonNull("disabled_until")) {
            // a server that disables for a time: the row counts down to the end of the hour
            assertThat(row(HEALTHY).findElement(By.cssSelector(".countdown")).getText())
                    .matches("back in (59:\\d\\d|1:00:0\\d)"); // the page reads the server clock to the second
            chromium.screenshot("keys-disabled-desktop");
            action(HEALTHY, "enable");
            waiting().until(d -> row(HEALTHY).findElement(By.cssSelector(".badge")).getText().equals("Active"));
            assertThat(state(HEALTHY)).isEqualTo("ACTIVE");
            return;
        } else {
            // this server disables until enabled: the page says so rather than showing a countdown it cannot keep
            assertThat(text(By.id("message"))).contains("cannot disable a key for a time yet");
            assertThat(row(HEALTHY).getText()).contains("until enabled");
        }
        chromium.screenshot("keys-disabled-desktop");
    }

    @Test
    void addsKeysByPasteWithAResultPerLine() throws Exception {
        String first = "AIzaSyTEST-browser-key-added-0000000001";
        String second = "AIzaSyTEST-browser-key-added-0000000002";
        added.add(first);
        added.add(second);
        login();

        chromium.driver().findElement(By.id("add-text")).sendKeys(first + ",  " + HEALTHY + "\n" + second + " " + first
                + "\nnot-a-key");
        chromium.driver().findElement(By.id("add-submit")).click();

        waiting().until(d -> d.findElements(By.cssSelector("#add-lines li")).size() == 5);
        List<WebElement> lines = chromium.driver().findElements(By.cssSelector("#add-lines li"));
        assertThat(lines.get(0).getText()).contains(ApiKey.mask(first)).contains("added as " + id(first));
        assertThat(lines.get(1).getText()).contains("already in the pool as " + id(HEALTHY));
        assertThat(lines.get(2).getText()).contains("added as " + id(second));
        assertThat(lines.get(3).getText()).contains("same as line 1");
        assertThat(lines.get(4).getText()).contains("rejected");
        assertThat(chromium.driver().findElement(By.id("add-text")).getAttribute("value")).isEmpty();
        row(first);
        row(second);
    }

    @Test
    void switchesToChineseAndKeepsIt() throws Exception {
        login();

        new Select(chromium.driver().findElement(By.id("lang"))).selectByValue("zh-CN");

        waiting().until(ExpectedConditions.textToBe(By.cssSelector("main h1"), "密钥"));
        assertThat(chromium.driver().findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("zh-CN");
        assertThat(row(HEALTHY).findElement(By.cssSelector(".badge")).getText()).isEqualTo("可用");
        assertThat(row(COOLING).findElement(By.cssSelector(".badge")).getText()).isEqualTo("冷却中");
        assertThat(row(INVALID).findElement(By.cssSelector(".badge")).getText()).isEqualTo("无效");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("health-text"), "可用密钥"));
        assertThat(text(By.id("logout"))).isEqualTo("退出登录");
        chromium.screenshot("keys-desktop-zh");

        chromium.driver().navigate().refresh();
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("main h1"), "密钥"));
        new Select(chromium.driver().findElement(By.id("lang"))).selectByValue("en");
        waiting().until(ExpectedConditions.textToBe(By.cssSelector("main h1"), "Keys"));
    }

    @Test
    void aChineseBrowserGetsChineseFromTheStart() throws Exception {
        try (Chromium chinese = Chromium.start("zh-CN")) {
            chinese.driver().get(server.url() + "/admin/login");
            new WebDriverWait(chinese.driver(), Duration.ofSeconds(15))
                    .until(ExpectedConditions.textToBe(By.id("login-button"), "登录"));
            assertThat(chinese.driver().findElement(By.cssSelector("label[for='token']")).getText()).contains("AUTH_TOKEN");
            chinese.screenshot("login-zh");
        }
    }

    @Test
    void aWrongTokenIsRefusedOnTheLoginPage() throws Exception {
        chromium.driver().get(server.url() + "/admin/login");
        WebElement token = waiting().until(ExpectedConditions.elementToBeClickable(By.id("token")));
        token.sendKeys("not-the-admin-token");
        chromium.driver().findElement(By.id("login-button")).click();

        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("login-message"), "Wrong token"));
        assertThat(chromium.driver().getCurrentUrl()).endsWith("/admin/login");
        assertThat(chromium.driver().findElement(By.id("token")).getAttribute("value")).isEmpty();
        assertThat(chromium.driver().manage().getCookieNamed(AdminSessions.COOKIE)).isNull();
        chromium.screenshot("login-desktop");
        server.context().getBean(LoginThrottle.class).succeeded(java.net.InetAddress.getByName("127.0.0.1"));
        server.context().getBean(LoginThrottle.class).succeeded(java.net.InetAddress.getByName("::1"));
    }

    @Test
    void logsOutAndIsRefused() throws Exception {
        login();
        org.openqa.selenium.Cookie cookie = chromium.driver().manage().getCookieNamed(AdminSessions.COOKIE);
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/admin");

        chromium.driver().findElement(By.id("logout")).click();

        waiting().until(ExpectedConditions.urlContains("/admin/login"));
        assertThat(chromium.driver().manage().getCookieNamed(AdminSessions.COOKIE)).isNull();
        chromium.driver().get(server.url() + "/admin/");
        waiting().until(ExpectedConditions.urlContains("/admin/login"));
        Object status = chromium.driver().executeAsyncScript(
                "const done = arguments[arguments.length - 1];"
                        + "fetch('/admin/keys', {credentials: 'same-origin'}).then(r => done(r.status), e => done(-1));");
        assertThat(((Number) status).intValue()).isEqualTo(401);

        // the copy of the logged-out session a thief may have kept is refused too
        HttpResponse<String> replay = server.send(server.request("/admin/keys", null)
                .header("Cookie", AdminSessions.COOKIE + "=" + cookie.getValue()).GET().build());
        assertThat(replay.statusCode()).isEqualTo(401);
    }
}
