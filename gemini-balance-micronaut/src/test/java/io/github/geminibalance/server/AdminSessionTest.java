package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.keys.ApiKey;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web admin's session over plain HTTP (no browser): the login form, the cookie's flags and expiry,
 * refused forgeries, CSRF on changes made with the cookie, logout, the login throttle, the files and
 * their headers, and no full key or admin token in anything served.
 */
class AdminSessionTest {

    static final String ADMIN_TOKEN = "admin-session-test-token-7f3a";
    private static final String KEY_A = "AIzaSyTEST-session-key-00000000000A";
    private static final String KEY_B = "AIzaSyTEST-session-key-00000000000B";
    private static final List<String> KEYS = List.of(KEY_A, KEY_B);
    private static final long EXPIRE_SECONDS = 900;

    private static FakeGemini gemini;
    private static TestServer server;

    /** Every body and header block the server answered, checked for secrets after each test. */
    private final List<String> answers = new ArrayList<>();

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start().generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."));
        server = TestServer.start(TestServer.config(gemini, KEYS).build(),
                TestServer.serverConfig().withAuthToken(ADMIN_TOKEN), null,
                Map.of(TestAdminUiFactory.PROPERTY, Long.toString(EXPIRE_SECONDS)));
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @AfterEach
    void noSecretAnswered() throws Exception {
        for (String answer : answers) {
            assertThat(answer).doesNotContain(ADMIN_TOKEN).doesNotContain(KEY_A).doesNotContain(KEY_B);
        }
        LoginThrottle throttle = server.context().getBean(LoginThrottle.class);
        throttle.succeeded(InetAddress.getByName("127.0.0.1")); // "localhost" may be either
        throttle.succeeded(InetAddress.getByName("::1"));
        for (String key : KEYS) {
            server.send(server.request("/admin/keys/" + new ApiKey(key).id() + "/reset", ADMIN_TOKEN)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
        }
    }

    // ---- helpers ----

    private HttpResponse<String> send(HttpRequest request) throws Exception {
        HttpResponse<String> response = server.send(request);
        answers.add(response.headers().map() + "\n" + response.body());
        return response;
    }

    private HttpResponse<String> login(String token, String... headers) throws Exception {
        HttpRequest.Builder b = server.request("/admin/login", null)
                .header("Content-Type", "application/x-www-form-urlencoded");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        String form = token == null ? "other=1" : "token=" + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8);
        return send(b.POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** Logs in and answers the cookie's value. */
    private String session() throws Exception {
        HttpResponse<String> response = login(ADMIN_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
        return cookieValue(response.headers().firstValue("Set-Cookie").orElseThrow());
    }

    private static String cookieValue(String setCookie) {
        Matcher m = Pattern.compile(AdminSessions.COOKIE + "=([^;]*)").matcher(setCookie);
        assertThat(m.find()).as(setCookie).isTrue();
        return m.group(1);
    }

    private HttpResponse<String> withCookie(String method, String path, String cookie, String... headers) throws Exception {
        HttpRequest.Builder b = server.request(path, null).header("Cookie", AdminSessions.COOKIE + "=" + cookie);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    private String csrf(String cookie) throws Exception {
        HttpResponse<String> response = withCookie("GET", "/admin/session", cookie);
        assertThat(response.statusCode()).isEqualTo(200);
        return Json.mapper().readTree(response.body()).path("csrf").asText();
    }

    private static String errorCode(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body()).path("error").path("code").asText();
    }

    private String stateOf(String key) throws Exception {
        HttpResponse<String> list = send(server.request("/admin/keys", ADMIN_TOKEN).GET().build());
        for (JsonNode k : Json.mapper().readTree(list.body()).path("keys")) {
            if (k.path("id").asText().equals(new ApiKey(key).id())) {
                return k.path("state").asText();
            }
        }
        throw new AssertionError("no " + key);
    }

    // ---- tests ----

    @Test
    void loginSetsASignedHttpOnlyStrictCookieThatExpiresAndIsNotTheToken() throws Exception {
        HttpResponse<String> response = login(ADMIN_TOKEN);

        assertThat(response.statusCode()).isEqualTo(204);
        assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
        String setCookie = response.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(AdminSessions.COOKIE + "=v1.").contains("; Path=/admin")
                .contains("; Max-Age=" + EXPIRE_SECONDS).contains("; HttpOnly").contains("; SameSite=Strict")
                .doesNotContain("Secure");
        String value = cookieValue(setCookie);
        assertThat(value).matches("v1\\.[A-Za-z0-9_-]{22}\\.[0-9]+\\.[A-Za-z0-9_-]{43}");
        long end = Long.parseLong(value.split("\\.")[2]);
        assertThat(end - Instant.now().getEpochSecond()).isBetween(EXPIRE_SECONDS - 5, EXPIRE_SECONDS + 1);

        // behind a TLS-terminating proxy that says so, the cookie is Secure
        assertThat(login(ADMIN_TOKEN, "X-Forwarded-Proto", "https").headers().firstValue("Set-Cookie").orElseThrow())
                .endsWith("; Secure");
        assertThat(login(ADMIN_TOKEN, "X-Forwarded-Proto", "http").headers().firstValue("Set-Cookie").orElseThrow())
                .doesNotContain("Secure");
    }

    @Test
    void theCookieOpensThePageAndTheAdminApiAndNothingElse() throws Exception {
        String cookie = session();

        HttpResponse<String> page = withCookie("GET", "/admin/", cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("text/html"));
        assertThat(page.body()).contains("/admin/ui/keys.js");
        assertThat(withCookie("GET", "/admin", cookie).statusCode()).isEqualTo(200);
        HttpResponse<String> keys = withCookie("GET", "/admin/keys", cookie);
        assertThat(keys.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(keys.body()).path("keys")).hasSize(2);

        // a client endpoint takes a client token, never the admin cookie
        assertThat(withCookie("GET", "/v1/models", cookie).statusCode()).isEqualTo(401);

        // without a session: the page sends the browser to the login form, the API answers 401
        HttpResponse<String> noSession = send(server.request("/admin/", null).GET().build());
        assertThat(noSession.statusCode()).isEqualTo(303);
        assertThat(noSession.headers().firstValue("Location")).contains("/admin/login");
        HttpResponse<String> api = send(server.request("/admin/keys", null).GET().build());
        assertThat(api.statusCode()).isEqualTo(401);
        assertThat(errorCode(api)).isEqualTo("invalid_api_key");
        assertThat(send(server.request("/admin/session", null).GET().build()).statusCode()).isEqualTo(401);
    }

    @Test
    void aChangeMadeWithTheCookieNeedsTheSessionsCsrfToken() throws Exception {
        String cookie = session();
        String disable = "/admin/keys/" + new ApiKey(KEY_A).id() + "/disable";

        HttpResponse<String> none = withCookie("POST", disable, cookie);
        assertThat(none.statusCode()).isEqualTo(403);
        assertThat(errorCode(none)).isEqualTo("csrf_token_invalid");
        HttpResponse<String> wrong = withCookie("POST", disable, cookie, AdminSessions.CSRF_HEADER, "not-the-token");
        assertThat(wrong.statusCode()).isEqualTo(403);
        String otherSessionsToken = csrf(session());
        assertThat(withCookie("POST", disable, cookie, AdminSessions.CSRF_HEADER, otherSessionsToken).statusCode())
                .isEqualTo(403);
        assertThat(stateOf(KEY_A)).as("nothing changed").isEqualTo("ACTIVE");

        String token = csrf(cookie);
        assertThat(token).isNotBlank().doesNotContain(ADMIN_TOKEN);
        HttpResponse<String> right = withCookie("POST", disable, cookie, AdminSessions.CSRF_HEADER, token);
        assertThat(right.statusCode()).as(right.body()).isEqualTo(200);
        assertThat(stateOf(KEY_A)).isEqualTo("DISABLED");

        // reading needs no CSRF token, and the bearer token needs none either (browsers never add it)
        assertThat(withCookie("GET", "/admin/keys", cookie).statusCode()).isEqualTo(200);
        HttpResponse<String> bearer = send(server.request("/admin/keys/" + new ApiKey(KEY_A).id() + "/reset", ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(send(server.request("/admin/session", ADMIN_TOKEN).GET().build()).body())
                .path("csrf").isNull()).as("no session, no CSRF token").isTrue();
    }

    @Test
    void tamperedForgedAndForeignCookiesAreRefused() throws Exception {
        String cookie = session();
        String[] parts = cookie.split("\\.");
        String mac = parts[3];
        char flipped = mac.charAt(5) == 'A' ? 'B' : 'A';
        List<String> bad = List.of(
                parts[0] + "." + parts[1] + "." + parts[2] + "." + mac.substring(0, 5) + flipped + mac.substring(6),
                parts[0] + "." + parts[1] + "." + (Long.parseLong(parts[2]) + 60) + "." + mac, // a later end
                parts[0] + "." + "AAAAAAAAAAAAAAAAAAAAAA" + "." + parts[2] + "." + mac,        // another id
                "v2." + parts[1] + "." + parts[2] + "." + mac,
                parts[0] + "." + parts[1] + "." + parts[2],
                ADMIN_TOKEN,
                "x".repeat(500),
                // signed with another AUTH_TOKEN
                new AdminSessions("another-admin-token", Duration.ofSeconds(EXPIRE_SECONDS), Clock.systemUTC())
                        .cookieValue(new AdminSessions("another-admin-token", Duration.ofSeconds(EXPIRE_SECONDS),
                                Clock.systemUTC()).issue()));
        for (String forged : bad) {
            HttpResponse<String> response = withCookie("GET", "/admin/keys", forged);
            assertThat(response.statusCode()).as(forged).isEqualTo(401);
            assertThat(response.body()).contains("log in again");
        }
        assertThat(withCookie("GET", "/admin/keys", cookie).statusCode()).as("the real one still works").isEqualTo(200);
    }

    @Test
    void anExpiredSessionIsRefusedAndAnotherInstanceWithTheSameTokenAgrees() throws Exception {
        Duration expire = Duration.ofSeconds(EXPIRE_SECONDS);
        // what another instance (same AUTH_TOKEN) issued: accepted here
        AdminSessions other = new AdminSessions(ADMIN_TOKEN, expire, Clock.systemUTC());
        String fromOther = other.cookieValue(other.issue());
        assertThat(withCookie("GET", "/admin/keys", fromOther).statusCode()).isEqualTo(200);

        // issued an hour ago for 15 minutes: over
        AdminSessions past = new AdminSessions(ADMIN_TOKEN, expire, Clock.offset(Clock.systemUTC(), Duration.ofHours(-1)));
        assertThat(withCookie("GET", "/admin/keys", past.cookieValue(past.issue())).statusCode()).isEqualTo(401);
        HttpResponse<String> page = withCookie("GET", "/admin/", past.cookieValue(past.issue()));
        assertThat(page.statusCode()).isEqualTo(303);

        // issued under a longer ADMIN_SESSION_EXPIRE than this server's: refused
        AdminSessions longer = new AdminSessions(ADMIN_TOKEN, Duration.ofDays(2), Clock.systemUTC());
        assertThat(withCookie("GET", "/admin/keys", longer.cookieValue(longer.issue())).statusCode()).isEqualTo(401);
    }

    @Test
    void logoutEndsTheSessionAndDeletesTheCookie() throws Exception {
        String cookie = session();
        assertThat(withCookie("POST", AdminUiController.LOGOUT_PATH, cookie).statusCode()).as("a change: CSRF")
                .isEqualTo(403);

        HttpResponse<String> logout = withCookie("POST", AdminUiController.LOGOUT_PATH, cookie,
                AdminSessions.CSRF_HEADER, csrf(cookie));

        assertThat(logout.statusCode()).isEqualTo(204);
        assertThat(logout.headers().firstValue("Set-Cookie").orElseThrow())
                .startsWith(AdminSessions.COOKIE + "=;").contains("Max-Age=0").contains("Path=/admin");
        assertThat(withCookie("GET", "/admin/keys", cookie).statusCode()).as("a copy of the cookie").isEqualTo(401);
        assertThat(withCookie("GET", "/admin/", cookie).statusCode()).isEqualTo(303);
    }

    @Test
    void wrongLoginsAreRefusedAndSlowedDownPerAddress() throws Exception {
        HttpResponse<String> missing = login(null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(errorCode(missing)).isEqualTo("invalid_admin_token");
        assertThat(missing.headers().firstValue("Set-Cookie")).isEmpty();
        for (int i = 2; i <= LoginThrottle.FREE_FAILURES; i++) {
            HttpResponse<String> wrong = login("wrong-token-" + i);
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.headers().firstValue("Retry-After")).as("free attempt %d", i).isEmpty();
        }

        HttpResponse<String> fourth = login("wrong-token-4");
        assertThat(fourth.statusCode()).isEqualTo(401);
        assertThat(fourth.headers().firstValue("Retry-After")).contains("2");

        // while the address waits, even the right token is refused without being looked at
        HttpResponse<String> waiting = login(ADMIN_TOKEN);
        assertThat(waiting.statusCode()).isEqualTo(429);
        assertThat(errorCode(waiting)).isEqualTo("too_many_login_attempts");
        assertThat(Integer.parseInt(waiting.headers().firstValue("Retry-After").orElseThrow())).isBetween(1, 2);
        assertThat(waiting.headers().firstValue("Set-Cookie")).isEmpty();

        Thread.sleep(2100);
        assertThat(login(ADMIN_TOKEN).statusCode()).as("after the wait").isEqualTo(204);
        assertThat(login("wrong-token-5").headers().firstValue("Retry-After")).as("a success starts over").isEmpty();
    }

    @Test
    void filesAreOpenAndRevalidatedPagesCarryAStrictPolicy() throws Exception {
        HttpResponse<String> login = send(server.request("/admin/login", null).GET().build());
        assertThat(login.statusCode()).isEqualTo(200);
        assertThat(login.headers().firstValue("Content-Security-Policy"))
                .contains(AdminUiController.CONTENT_SECURITY_POLICY);
        assertThat(AdminUiController.CONTENT_SECURITY_POLICY).contains("script-src 'self';")
                .doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
        assertThat(login.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(login.headers().firstValue("Cache-Control")).contains("no-store");

        HttpResponse<String> script = send(server.request("/admin/ui/keys.js", null).GET().build());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/javascript"));
        assertThat(script.headers().firstValue("Cache-Control")).contains("no-cache");
        assertThat(script.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
        String etag = script.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = send(server.request("/admin/ui/keys.js", null).header("If-None-Match", etag)
                .GET().build());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();

        for (String path : List.of("/admin/ui/nothing.js", "/admin/ui/index.html")) {
            assertThat(send(server.request(path, null).GET().build()).statusCode()).as(path).isEqualTo(404);
        }
        // dot segments and escapes under the open prefix need a session (and lead to no file with one)
        String cookie = session();
        for (String path : List.of("/admin/ui/../application.properties", "/admin/ui/..%2Fapplication.properties",
                "/admin/ui/i18n/../../logback.xml", "/admin/ui/../keys", "/admin/ui/%2e%2e/keys", "/admin/ui/./app.css")) {
            assertThat(send(server.request(path, null).GET().build()).statusCode()).as(path).isIn(400, 401);
            assertThat(withCookie("GET", path, cookie).statusCode()).as(path).isIn(400, 404);
        }

        // no inline script, handler or style anywhere: the policy would block them
        for (String name : AdminUiAssets.FILES) {
            if (name.endsWith(".html")) {
                String html = new String(new AdminUiAssets().get(name).bytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(html).as(name).doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>")
                        .doesNotContainPattern("\\son[a-z]+=").doesNotContainPattern("\\sstyle=").doesNotContain("<style");
            }
        }
    }

    @Test
    void nothingServedContainsAFullKeyOrTheAdminToken() throws Exception {
        String cookie = session();
        for (String name : AdminUiAssets.FILES) {
            String path = name.equals("index.html") ? "/admin/" : name.equals("login.html") ? "/admin/login"
                    : name.endsWith(".html") ? "/admin/pages/" + name.substring(0, name.length() - ".html".length())
                    : "/admin/ui/" + name;
            HttpResponse<String> response = withCookie("GET", path, cookie);
            assertThat(response.statusCode()).as(path).isEqualTo(200);
        }
        withCookie("GET", "/admin/session", cookie);
        withCookie("GET", "/admin/keys", cookie);
        withCookie("GET", "/admin/config", cookie);
        assertThat(answers).allSatisfy(a -> assertThat(a).doesNotContain(KEY_A).doesNotContain(KEY_B)
                .doesNotContain(ADMIN_TOKEN));
    }
}
