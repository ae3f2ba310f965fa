package io.github.geminibalance.server;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Flow;
import org.reactivestreams.FlowAdapters;

/**
 * The server-sent event responses of the OpenAI, Responses and Messages doors: each event written as
 * {@code event:} (when named) and {@code data:} lines, with keep-alive in the silences ({@link SseKeepAlive}):
 * every {@code STREAM_KEEPALIVE_SECONDS}, or as often as the stream itself asks (a stream answered from a
 * non-streamed call, {@code FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS}). The events are written here rather
 * than by Micronaut's SSE codec, which cannot write a comment without an empty {@code data:} line that
 * clients would read as an event.
 */
@Singleton
final class SseResponses {

    private final SseKeepAlive keepAlive;
    private final Duration interval;

    SseResponses(SseKeepAlive keepAlive, ServerSettings settings) {
        this.keepAlive = keepAlive;
        this.interval = settings.streamKeepAlive();
    }

    /** One event: {@code event: <name>} (unless null) and {@code data: <data>}, then the blank line. */
    static byte[] event(String name, String data) {
        StringBuilder sb = new StringBuilder(data.length() + 32);
        if (name != null) {
            sb.append("event: ").append(name).append('\n');
        }
        // a line break in the data would end the field: each line gets its own data field
        for (String line : data.split("\r\n|\r|\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        return sb.append('\n').toString().getBytes(StandardCharsets.UTF_8);
    }

    /** {@code events} (whole server-sent events) with an SSE comment after every {@code STREAM_KEEPALIVE_SECONDS} of silence. */
    Flow.Publisher<byte[]> keepAlive(Flow.Publisher<byte[]> events) {
        return keepAlive.every(events, interval, SseKeepAlive.COMMENT);
    }

    /**
     * The streaming response for {@code events}, with keep-alive: {@code keepAliveEvent} when the door has
     * one (Anthropic's {@code ping}), else the SSE comment.
     *
     * @param events the encoded events
     * @param heartbeat the stream's own keep-alive interval, if it has one
     * @param keepAliveEvent the door's keep-alive event, or null for the comment
     */
    MutableHttpResponse<?> response(Flow.Publisher<byte[]> events, Optional<Duration> heartbeat, byte[] keepAliveEvent) {
        Duration every = heartbeat.orElse(interval);
        // a stream with a heartbeat of its own is silent until its answer is whole: its head goes out now
        Flow.Publisher<byte[]> body = keepAlive.every(events, every,
                keepAliveEvent == null ? SseKeepAlive.COMMENT : keepAliveEvent, heartbeat.isPresent());
        return HttpResponse.ok(FlowAdapters.toPublisher(body))
                .contentType(MediaType.TEXT_EVENT_STREAM_TYPE)
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .header("X-Accel-Buffering", "no");
    }
}
