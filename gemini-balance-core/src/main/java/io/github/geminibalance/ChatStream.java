package io.github.geminibalance;

import io.github.geminibalance.openai.ChatCompletionChunk;
import java.util.concurrent.Flow;

/**
 * A streamed chat answer: the chunks, relayed as Gemini's events arrive. Subscribe once.
 * {@link #sseData()} gives the same stream as the payloads of SSE {@code data:} lines, ending in
 * {@code [DONE]}, with a failure after the first chunk written as an OpenAI error event.
 */
public interface ChatStream extends Flow.Publisher<ChatCompletionChunk> {

    /** The stream as SSE {@code data:} payloads: chunk JSON, an error event if any, then {@code [DONE]}. */
    Flow.Publisher<String> sseData();

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
