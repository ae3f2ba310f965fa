package io.github.geminibalance.openai.responses;

/** Known values of a stream event's {@code type}, also its SSE {@code event:} name (an open set). */
public final class EventTypes {

    /** The response was created (status {@code in_progress}, no output yet). */
    public static final String CREATED = "response.created";
    /** The response is being generated. */
    public static final String IN_PROGRESS = "response.in_progress";
    /** An output item begins at {@code output_index}. */
    public static final String OUTPUT_ITEM_ADDED = "response.output_item.added";
    /** An output item is complete. */
    public static final String OUTPUT_ITEM_DONE = "response.output_item.done";
    /** A content part of a message begins. */
    public static final String CONTENT_PART_ADDED = "response.content_part.added";
    /** A content part of a message is complete. */
    public static final String CONTENT_PART_DONE = "response.content_part.done";
    /** More text of an {@code output_text} part. */
    public static final String OUTPUT_TEXT_DELTA = "response.output_text.delta";
    /** An {@code output_text} part's whole text. */
    public static final String OUTPUT_TEXT_DONE = "response.output_text.done";
    /** More arguments of a function call. */
    public static final String FUNCTION_CALL_ARGUMENTS_DELTA = "response.function_call_arguments.delta";
    /** A function call's whole arguments. */
    public static final String FUNCTION_CALL_ARGUMENTS_DONE = "response.function_call_arguments.done";
    /** A reasoning summary part begins. */
    public static final String REASONING_SUMMARY_PART_ADDED = "response.reasoning_summary_part.added";
    /** A reasoning summary part is complete. */
    public static final String REASONING_SUMMARY_PART_DONE = "response.reasoning_summary_part.done";
    /** More text of a reasoning summary. */
    public static final String REASONING_SUMMARY_TEXT_DELTA = "response.reasoning_summary_text.delta";
    /** A reasoning summary's whole text. */
    public static final String REASONING_SUMMARY_TEXT_DONE = "response.reasoning_summary_text.done";
    /** The response finished (status {@code completed}). */
    public static final String COMPLETED = "response.completed";
    /** The response stopped early (status {@code incomplete}). */
    public static final String INCOMPLETE = "response.incomplete";
    /** The response failed (status {@code failed}). */
    public static final String FAILED = "response.failed";
    /** The stream failed. */
    public static final String ERROR = "error";

    private EventTypes() {}
}
