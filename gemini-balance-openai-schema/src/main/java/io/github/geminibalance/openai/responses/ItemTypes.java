package io.github.geminibalance.openai.responses;

/** Known values of an input or output item's and a content part's {@code type} (an open set). */
public final class ItemTypes {

    /** A message item ({@code role} and {@code content}). */
    public static final String MESSAGE = "message";
    /** A function tool call the model made. */
    public static final String FUNCTION_CALL = "function_call";
    /** The client's result for a function call. */
    public static final String FUNCTION_CALL_OUTPUT = "function_call_output";
    /** The model's reasoning (its summary, and opaque state in {@code encrypted_content}). */
    public static final String REASONING = "reasoning";
    /** A reference to an earlier item by id. */
    public static final String ITEM_REFERENCE = "item_reference";
    /** Input part: text. */
    public static final String INPUT_TEXT = "input_text";
    /** Input part: an image by URL (or data URL) or file id. */
    public static final String INPUT_IMAGE = "input_image";
    /** Input part: a file as a data URL, a URL or a file id. */
    public static final String INPUT_FILE = "input_file";
    /** Output part: text with annotations. */
    public static final String OUTPUT_TEXT = "output_text";
    /** Output part: a refusal. */
    public static final String REFUSAL = "refusal";
    /** A reasoning summary part. */
    public static final String SUMMARY_TEXT = "summary_text";
    /** An annotation citing a web page. */
    public static final String URL_CITATION = "url_citation";

    private ItemTypes() {}
}
