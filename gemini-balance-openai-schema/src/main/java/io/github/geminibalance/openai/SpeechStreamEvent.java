package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Objects;

/**
 * One event of a speech stream ({@code POST /v1/audio/speech} with {@code stream_format: "sse"}):
 * {@code {"type":"speech.audio.delta","audio":"<base64>"}} for each piece of the audio, then
 * {@code {"type":"speech.audio.done","usage":{...}}}.
 *
 * @param type {@value #DELTA} or {@value #DONE}
 * @param audio the piece's bytes in base64 (deltas only); the pieces decoded and joined are the audio file
 * @param usage the token counts (the done event only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record SpeechStreamEvent(String type, String audio, Usage usage) {

    /** The type of a piece of audio. */
    public static final String DELTA = "speech.audio.delta";
    /** The type of the last event. */
    public static final String DONE = "speech.audio.done";

    /** Requires the type. */
    public SpeechStreamEvent {
        Objects.requireNonNull(type, "type");
    }

    /**
     * A piece of audio.
     *
     * @param base64 the bytes in base64
     * @return the event
     */
    public static SpeechStreamEvent delta(String base64) {
        return new SpeechStreamEvent(DELTA, Objects.requireNonNull(base64, "base64"), null);
    }

    /**
     * The last event.
     *
     * @param usage the token counts
     * @return the event
     */
    public static SpeechStreamEvent done(Usage usage) {
        return new SpeechStreamEvent(DONE, null, Objects.requireNonNull(usage, "usage"));
    }

    /**
     * The token counts of a speech call.
     *
     * @param inputTokens the prompt's tokens
     * @param outputTokens the audio's tokens
     * @param totalTokens both
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Usage(int inputTokens, int outputTokens, int totalTokens) {}
}
