package io.github.geminibalance.translate;

import io.github.geminibalance.gemini.FinishReason;

/** Gemini {@code finishReason} -> OpenAI {@code finish_reason} (WIRE_FORMATS C.7). */
final class ResponseFinishReasons {

    static final String STOP = "stop";
    static final String LENGTH = "length";
    static final String TOOL_CALLS = "tool_calls";
    static final String CONTENT_FILTER = "content_filter";

    private ResponseFinishReasons() {}

    /**
     * Maps a finish reason. Gemini ends function calls with {@code STOP}, so a choice that emitted any
     * tool call finishes with {@code tool_calls} whatever Gemini said. The malformed/unexpected
     * tool-call reasons produced no call and map to {@code stop}, as do {@code OTHER} and every value
     * this code does not know.
     */
    static String map(FinishReason reason, boolean emittedToolCalls) {
        if (emittedToolCalls) {
            return TOOL_CALLS;
        }
        if (reason == null) {
            return STOP;
        }
        if (FinishReason.MAX_TOKENS.equals(reason)) {
            return LENGTH;
        }
        if (reason.isContentFilter()) {
            return CONTENT_FILTER;
        }
        return STOP;
    }
}
