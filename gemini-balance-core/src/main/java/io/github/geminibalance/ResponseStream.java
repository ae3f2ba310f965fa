package io.github.geminibalance;

import io.github.geminibalance.openai.responses.ResponseStreamEvent;
import java.util.concurrent.Flow;

/**
 * A streamed OpenAI Responses answer: its events, relayed as Gemini's events arrive. Subscribe once (to
 * this or to {@link #sse()}).
 */
public interface ResponseStream extends Flow.Publisher<ResponseStreamEvent> {

    /**
     * The stream as server-sent events ({@code event: <type>}, {@code data: <json>}); a failure after the
     * stream started becomes a last {@code error} event (OpenAI's {@code {"type":"error","code",
     * "message","param","sequence_number"}}), then the stream completes.
     */
    Flow.Publisher<MessageStream.SseFrame> sse();

    /**
     * The longest silence this stream asks the adapter to allow before it sends keep-alive, when the
     * stream has one of its own: a stream answered from a non-streamed call ({@code FAKE_STREAM_ENABLED})
     * is silent until the whole answer is there and wants keep-alive every
     * {@code FAKE_STREAM_EMPTY_DATA_INTERVAL_SECONDS}.
     *
     * @return the interval, or empty when the adapter's own applies
     */
    default java.util.Optional<java.time.Duration> heartbeat() {
        return java.util.Optional.empty();
    }
}
