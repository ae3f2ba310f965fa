package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.geminibalance.testing.FakeGemini;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The usage and logs pages and the chart library over HTTP: a browser without a session is sent to the
 * login form, the pages carry the strict policy, and uPlot comes from the server's own jar (its WebJar),
 * open like the admin's other files.
 */
class AdminUiPagesTest {

    private static final String ADMIN_TOKEN = "admin-pages-test-token-0c4f";

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        server = TestServer.start(TestServer.config(gemini, List.of(AdminKeysTest.key("pages", 1))).build(),
                TestServer.serverConfig().withAuthToken(ADMIN_TOKEN));
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @Test
    void pagesNeedASessionAndCarryTheStrictPolicy() throws Exception {
        for (String page : List.of("/admin/pages/usage", "/admin/pages/logs")) {
            HttpResponse<String> anonymous = server.send(server.request(page, null).GET().build());
            assertThat(anonymous.statusCode()).as(page).isEqualTo(303);
            assertThat(anonymous.headers().firstValue("Location")).hasValue("/admin/login");

            HttpResponse<String> ok = server.send(server.request(page, ADMIN_TOKEN).GET().build());
            assertThat(ok.statusCode()).as(page).isEqualTo(200);
            assertThat(ok.headers().firstValue("Content-Security-Policy")).hasValue(AdminUiController.CONTENT_SECURITY_POLICY);
            assertThat(ok.body()).doesNotContain("<script>").doesNotContain("style=").doesNotContain("<style");
        }
        // the JSON report keeps its path: /admin/usage answers JSON, not the page
        HttpResponse<String> report = server.send(server.request("/admin/usage", ADMIN_TOKEN).GET().build());
        assertThat(report.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    }

    @Test
    void uplotIsServedFromTheWebJar() throws Exception {
        HttpResponse<String> script = server.send(server.request("/admin/ui/vendor/uplot.min.js", null).GET().build());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(script.body()).contains("uPlot");
        HttpResponse<String> style = server.send(server.request("/admin/ui/vendor/uplot.min.css", null).GET().build());
        assertThat(style.statusCode()).isEqualTo(200);
        assertThat(style.body()).contains(".uplot");
        HttpResponse<String> license = server.send(server.request("/admin/ui/vendor/uplot.LICENSE.txt", null).GET().build());
        assertThat(license.body()).contains("MIT");
    }
}
