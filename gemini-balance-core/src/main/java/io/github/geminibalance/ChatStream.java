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
}
