package io.github.geminibalance;

import io.github.geminibalance.openai.SpeechStreamEvent;
import java.util.concurrent.Flow;

/**
 * A streamed speech answer ({@link GeminiBalance#speechStream}): a {@code speech.audio.delta} event for each
 * piece of audio as Gemini sends it, then {@code speech.audio.done} with the token counts. Subscribe once (to
 * this or to {@link #sse()}).
 */
public interface SpeechStream extends Flow.Publisher<SpeechStreamEvent> {

    /**
     * The stream as server-sent events: each event's JSON as {@code data} (its {@code type} inside, no
     * {@code event:} line); a failure after the stream started becomes a last event {@code {"type":"error",
     * "error":{"message","type","param","code"}}}, then the stream completes.
     *
     * @return the frames, each with a null event name
     */
    Flow.Publisher<MessageStream.SseFrame> sse();
}
