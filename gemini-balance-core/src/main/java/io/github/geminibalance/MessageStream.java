package io.github.geminibalance;

import io.github.geminibalance.anthropic.StreamEvent;
import java.util.concurrent.Flow;

/**
 * A streamed Anthropic Messages answer: its events, relayed as Gemini's events arrive. Subscribe once
 * (to this or to {@link #sse()}).
 */
public interface MessageStream extends Flow.Publisher<StreamEvent> {

    /**
     * The stream as server-sent events ({@code event: <type>}, {@code data: <json>}); a failure after
     * the stream started becomes a last {@code error} event ({@link MessagesErrors}), then the stream
     * completes.
     */
    Flow.Publisher<SseFrame> sse();

    /**
     * One server-sent event.
     *
     * @param event the event name (the event's {@code type})
     * @param data the event as one line of JSON
     */
    record SseFrame(String event, String data) {}
}
