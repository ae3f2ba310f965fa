package io.github.geminibalance.server;

import static io.github.geminibalance.server.LogCapture.fields;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.github.geminibalance.RequestTrace;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The access log's rate cap applies to every line of a request without an accepted token, not only to
 * 401s: CORS preflights (204, 403) and the 404s of a disabled admin API can be sent by anyone as fast as
 * 401s can. Lines of requests with an accepted token are never capped.
 */
class AccessLogCapTest {

    @Test
    void linesWithoutAnAcceptedTokenAreCappedWhateverTheirStatus() {
        AtomicLong now = new AtomicLong();
        AccessLog accessLog = new AccessLog(ServerSettings.defaults(), now::get, 3);
        try (LogCapture capture = LogCapture.of(AccessLog.LOGGER, Level.INFO)) {
            for (int i = 0; i < 10; i++) {
                accessLog.write(entry("cap-preflight-" + i, null, "OPTIONS", "/v1/chat/completions", i % 2 == 0 ? 204 : 403));
                accessLog.write(entry("cap-admin-" + i, null, "GET", "/admin/keys", 404));
                accessLog.write(entry("cap-client-" + i, "t-client", "GET", "/v1/models", 200));
            }
            now.addAndGet(1_000_000_000L); // the next second: the periodic flush sums up what was left out
            accessLog.flush();

            List<ILoggingEvent> events = capture.events();
            long anonymous = events.stream().map(e -> String.valueOf(fields(e).get("request_id")))
                    .filter(id -> id.startsWith("cap-preflight-") || id.startsWith("cap-admin-")).count();
            long withToken = events.stream()
                    .filter(e -> String.valueOf(fields(e).get("request_id")).startsWith("cap-client-")).count();
            List<ILoggingEvent> summaries = events.stream().filter(e -> fields(e).containsKey("suppressed")).toList();
            assertThat(anonymous).as("capped at 3 a second").isEqualTo(3);
            assertThat(withToken).as("never capped").isEqualTo(10);
            assertThat(summaries).singleElement()
                    .satisfies(e -> assertThat(fields(e)).containsEntry("suppressed", 17L));
        }
    }

    private static AccessLog.Entry entry(String id, String label, String method, String path, int status) {
        return new AccessLog.Entry(id, "127.0.0.1", label, method, path, status, RequestTrace.none());
    }
}
