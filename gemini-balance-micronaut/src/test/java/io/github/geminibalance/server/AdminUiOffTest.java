package io.github.geminibalance.server;

import static io.github.geminibalance.server.OpenAiSdkTest.MODEL;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Without {@code AUTH_TOKEN} the web admin does not exist either: every page, file and form is 404. */
class AdminUiOffTest {

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start().generateContent(MODEL, null, GeminiFixtures.textResponse("Hi."));
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-ui-off-key-000000000001")).build());
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @Test
    void everyPageFileAndFormIs404AndNoCookieIsSet() throws Exception {
        // a cookie signed with any token is worthless: no sessions exist without AUTH_TOKEN
        AdminSessions elsewhere = new AdminSessions(AdminSessionTest.ADMIN_TOKEN, Duration.ofHours(1), Clock.systemUTC());
        String cookie = AdminSessions.COOKIE + "=" + elsewhere.cookieValue(elsewhere.issue());
        for (String[] call : new String[][] {{"GET", "/admin/"}, {"GET", "/admin"}, {"GET", "/admin/login"},
                {"POST", "/admin/login"}, {"POST", "/admin/logout"}, {"GET", "/admin/session"},
                {"GET", "/admin/ui/app.css"}, {"GET", "/admin/ui/i18n/en.json"}}) {
            HttpResponse<String> response = server.send(server.request(call[1], null).header("Cookie", cookie)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .method(call[0], HttpRequest.BodyPublishers.ofString("token=" + AdminSessionTest.ADMIN_TOKEN))
                    .build());
            assertThat(response.statusCode()).as("%s %s", call[0], call[1]).isEqualTo(404);
            assertThat(Json.mapper().readTree(response.body()).path("error").path("code").asText()).isEqualTo("not_found");
            assertThat(response.headers().firstValue("Set-Cookie")).isEmpty();
        }
    }
}
