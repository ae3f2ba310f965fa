package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;
import java.util.Set;

/**
 * Why a candidate stopped. An open value type: Google adds reasons, and an unknown one is kept as is
 * rather than failing the parse.
 */
public record FinishReason(String value) {

    /** Natural stop (also used when the model called functions). */
    public static final FinishReason STOP = new FinishReason("STOP");
    /** The output token limit was reached (thinking tokens count against it). */
    public static final FinishReason MAX_TOKENS = new FinishReason("MAX_TOKENS");
    /** Blocked for safety. */
    public static final FinishReason SAFETY = new FinishReason("SAFETY");

    private static final Set<String> CONTENT_FILTER = Set.of(
            "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "LANGUAGE",
            "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION");

    /** Creates a reason from its wire value. */
    @JsonCreator
    public FinishReason {
        Objects.requireNonNull(value, "value");
    }

    /** The wire value. */
    @JsonValue
    @Override
    public String value() {
        return value;
    }

    /** Whether the candidate was stopped by a content filter (safety, recitation, blocklist...). */
    public boolean isContentFilter() {
        return CONTENT_FILTER.contains(value);
    }
}
