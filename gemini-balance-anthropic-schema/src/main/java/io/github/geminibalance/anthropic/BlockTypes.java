package io.github.geminibalance.anthropic;

/** The known content block types; the set grows, so block types are plain strings. */
public final class BlockTypes {

    /** Text. */
    public static final String TEXT = "text";
    /** An image (request only). */
    public static final String IMAGE = "image";
    /** A document such as a PDF (request only). */
    public static final String DOCUMENT = "document";
    /** A client tool call. */
    public static final String TOOL_USE = "tool_use";
    /** The result of a client tool call (request only). */
    public static final String TOOL_RESULT = "tool_result";
    /** Extended thinking with its signature. */
    public static final String THINKING = "thinking";
    /** Thinking that is sent back encrypted. */
    public static final String REDACTED_THINKING = "redacted_thinking";
    /** A server tool call (such as web search). */
    public static final String SERVER_TOOL_USE = "server_tool_use";
    /** A web search's results. */
    public static final String WEB_SEARCH_TOOL_RESULT = "web_search_tool_result";

    private BlockTypes() {}
}
