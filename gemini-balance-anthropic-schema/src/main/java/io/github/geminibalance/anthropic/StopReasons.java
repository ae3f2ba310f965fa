package io.github.geminibalance.anthropic;

/** The known {@code stop_reason} values; the set grows, so stop reasons are plain strings. */
public final class StopReasons {

    /** The model finished its turn. */
    public static final String END_TURN = "end_turn";
    /** {@code max_tokens} was reached. */
    public static final String MAX_TOKENS = "max_tokens";
    /** A custom stop sequence was generated. */
    public static final String STOP_SEQUENCE = "stop_sequence";
    /** The model called one or more tools. */
    public static final String TOOL_USE = "tool_use";
    /** A long-running server tool turn was paused. */
    public static final String PAUSE_TURN = "pause_turn";
    /** The answer was stopped by a safety filter. */
    public static final String REFUSAL = "refusal";

    private StopReasons() {}
}
