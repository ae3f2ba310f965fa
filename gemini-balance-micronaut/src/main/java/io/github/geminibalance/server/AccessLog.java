package io.github.geminibalance.server;

import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.util.LogText;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes the access log: one line per request on the logger {@value #LOGGER}, at INFO ({@code /health} at
 * DEBUG: load balancers probe it every few seconds). In text format the line is {@code key=value} pairs
 * with client text quoted ({@link LogText#quote}); every pair is also attached to the event, so
 * {@code LOG_FORMAT=json} writes them as JSON fields. Keys appear by id, clients by the label of their
 * token; no key, token, prompt or answer is ever written.
 *
 * <p>Lines of requests without an accepted token (401s, but also CORS preflights, 404s of a disabled
 * admin API, anything anyone on the network can send) are capped at {@value #UNAUTHORIZED_PER_SECOND} a
 * second, so a flood cannot fill the disk; the lines left out are counted and summed up in one line once
 * the second is over (on the next such line, or by the periodic {@link #flush()}).
 */
@Singleton
final class AccessLog {

    /** The access log's logger. */
    static final String LOGGER = "gemini-balance.access";
    /** Lines of requests without an accepted token written per second at most. */
    static final int UNAUTHORIZED_PER_SECOND = 10;

    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Logger log;
    private final LongSupplier ticker;
    private final boolean json;
    private final int cap;
    private long windowStart;
    private int written;
    private long suppressed;

    /** The production access log: {@code System.nanoTime}, the configured format. */
    @Inject
    AccessLog(ServerSettings settings) {
        this(settings, System::nanoTime, UNAUTHORIZED_PER_SECOND);
    }

    /** An access log on a given clock (tests). */
    AccessLog(ServerSettings settings, LongSupplier ticker, int cap) {
        this.log = LoggerFactory.getLogger(LOGGER);
        this.ticker = ticker;
        this.json = settings.logFormat() == ServerSettings.LogFormat.JSON;
        this.cap = cap;
        this.windowStart = ticker.getAsLong();
    }

    /** The clock requests are timed with, in nanoseconds. */
    LongSupplier ticker() {
        return ticker;
    }

    /**
     * One request, as the HTTP filter saw it.
     *
     * @param requestId the request id (already checked: {@code [A-Za-z0-9._:-]})
     * @param client the client's IP address, or null
     * @param label the client token's label, or null when no token was accepted
     * @param method the HTTP method (client text)
     * @param path the path without the query (client text)
     * @param status the response status
     * @param trace what the core noted
     */
    record Entry(String requestId, String client, String label, String method, String path, int status,
            RequestTrace trace) {}

    /** Writes the line for a finished request (or counts it, when it had no accepted token and is over the cap). */
    void write(Entry e) {
        boolean health = AuthFilter.HEALTH_PATH.equals(e.path());
        if (health ? !log.isDebugEnabled() : !log.isInfoEnabled()) {
            return;
        }
        // no accepted token: anyone can cause such lines, at any rate (a 401 is only one of them)
        if (e.label() == null && !admitUnauthorized()) {
            return;
        }
        RequestTrace t = e.trace();
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(t.elapsedNanos());
        LoggingEventBuilder b = health ? log.atDebug() : log.atInfo();
        Line line = new Line(b);
        line.plain("request_id", e.requestId());
        line.plain("client", e.client());
        line.plain("label", e.label()); // null: no token was accepted
        String route = LogText.quote(e.method() + " " + e.path());
        line.textOnly("route", route); // JSON: method and path
        b.addKeyValue("method", LogText.truncate(e.method()));
        b.addKeyValue("path", LogText.truncate(e.path()));
        t.model().ifPresent(m -> line.quoted("model", m));
        t.stream().ifPresent(s -> line.value("stream", s));
        List<RequestTrace.Attempt> attempts = t.attempts();
        if (!attempts.isEmpty()) {
            List<String> keys = new ArrayList<>(attempts.size());
            List<Integer> statuses = new ArrayList<>(attempts.size());
            for (RequestTrace.Attempt a : attempts) {
                keys.add(a.keyId());
                statuses.add(a.status());
            }
            line.list("keys", Collections.unmodifiableList(keys));
            line.value("attempts", attempts.size());
            line.list("upstream_status", Collections.unmodifiableList(statuses));
        } else {
            line.value("attempts", 0);
        }
        line.value("status", e.status());
        line.value("latency_ms", latencyMs);
        t.firstByteNanos().ifPresent(n -> line.value("ttfb_ms", TimeUnit.NANOSECONDS.toMillis(n)));
        t.tokens().ifPresent(tokens -> {
            line.value("prompt_tokens", tokens.prompt());
            line.value("completion_tokens", tokens.completion());
            line.value("total_tokens", tokens.total());
        });
        b.log(json ? route + " " + e.status() + " " + latencyMs + " ms" : line.text());
    }

    /** Writes the summary of the unauthenticated lines left out, once their second is over. */
    @Scheduled(fixedDelay = "5s", initialDelay = "5s")
    void flush() {
        long left;
        synchronized (this) {
            left = rollIfDue(ticker.getAsLong());
        }
        summarize(left);
    }

    private boolean admitUnauthorized() {
        long left;
        boolean admit;
        synchronized (this) {
            left = rollIfDue(ticker.getAsLong());
            admit = written < cap;
            if (admit) {
                written++;
            } else {
                suppressed++;
            }
        }
        summarize(left);
        return admit;
    }

    // Starts a new window when the current one is over; returns the count left out of the old one.
    private long rollIfDue(long now) {
        if (now - windowStart < WINDOW_NANOS) {
            return 0;
        }
        long left = suppressed;
        windowStart = now;
        written = 0;
        suppressed = 0;
        return left;
    }

    private void summarize(long left) {
        if (left > 0) {
            log.atWarn().addKeyValue("suppressed", left)
                    .log("suppressed={}: {} access lines of requests without an accepted token left out (at most {}"
                            + " a second)", left, left, cap);
        }
    }

    /** Builds the text line and the event's key-value pairs together. */
    private static final class Line {
        private final LoggingEventBuilder event;
        private final StringBuilder text = new StringBuilder(256);

        Line(LoggingEventBuilder event) {
            this.event = event;
        }

        // our own values (ids, addresses): no quoting needed; none is "-" in text and left out in JSON
        void plain(String key, String value) {
            append(key, value == null ? "-" : value);
            if (value != null) {
                event.addKeyValue(key, value);
            }
        }

        void value(String key, Object value) {
            append(key, String.valueOf(value));
            event.addKeyValue(key, value);
        }

        void quoted(String key, String clientText) {
            append(key, LogText.quote(clientText));
            event.addKeyValue(key, LogText.truncate(clientText));
        }

        void textOnly(String key, String value) {
            append(key, value);
        }

        void list(String key, List<?> values) {
            start(key);
            for (int i = 0; i < values.size(); i++) {
                if (i > 0) {
                    text.append(',');
                }
                text.append(values.get(i));
            }
            event.addKeyValue(key, values);
        }

        private void append(String key, String value) {
            start(key).append(value);
        }

        private StringBuilder start(String key) {
            if (text.length() > 0) {
                text.append(' ');
            }
            return text.append(key).append('=');
        }

        String text() {
            return text.toString();
        }
    }
}
