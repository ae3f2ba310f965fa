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
}
