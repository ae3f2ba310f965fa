package io.github.geminibalance.openai.responses;

/** Known values of a response's and an item's {@code status} (an open set). */
public final class Statuses {

    /** Being generated. */
    public static final String IN_PROGRESS = "in_progress";
    /** Finished normally. */
    public static final String COMPLETED = "completed";
    /** Stopped early; see {@code incomplete_details}. */
    public static final String INCOMPLETE = "incomplete";
    /** Failed; see {@code error}. */
    public static final String FAILED = "failed";

    /** {@code incomplete_details.reason}: the output token limit was reached. */
    public static final String REASON_MAX_OUTPUT_TOKENS = "max_output_tokens";
    /** {@code incomplete_details.reason}: a content filter stopped the answer. */
    public static final String REASON_CONTENT_FILTER = "content_filter";

    private Statuses() {}
}
