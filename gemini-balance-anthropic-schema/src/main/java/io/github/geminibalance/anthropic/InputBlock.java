package io.github.geminibalance.anthropic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A content block of a request, of any type; the members of other types are null. Types
 * ({@link BlockTypes}): {@code text}; {@code image} and {@code document} with a {@code source};
 * {@code tool_use} ({@code id}, {@code name}, {@code input}); {@code tool_result} ({@code tool_use_id},
 * {@code content}, {@code is_error}); {@code thinking} ({@code thinking}, {@code signature});
 * {@code redacted_thinking} ({@code data}).
 *
 * @param type the block type
 * @param text {@code text}: the text
 * @param source {@code image}, {@code document}: where the bytes are
 * @param id {@code tool_use}: the call id
 * @param name {@code tool_use}: the tool name
 * @param input {@code tool_use}: the call's input object
 * @param toolUseId {@code tool_result}: the call answered
 * @param content {@code tool_result}: the result, a string or text and image blocks
 * @param isError {@code tool_result}: whether the tool failed
 * @param thinking {@code thinking}: the thinking text
 * @param signature {@code thinking}: the signature that lets the thinking be sent back
 * @param data {@code redacted_thinking}: the opaque payload
 * @param title {@code document}: a title
 * @param context {@code document}: context about the document
 * @param citations citation settings or citations, accepted and ignored
 * @param cacheControl prompt caching marker, accepted and ignored
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record InputBlock(
        String type,
        String text,
        Source source,
        String id,
        String name,
        JsonNode input,
        String toolUseId,
        Content content,
        Boolean isError,
        String thinking,
        String signature,
        String data,
        String title,
        String context,
        JsonNode citations,
        JsonNode cacheControl) {

    /** A {@code text} block. */
    public static InputBlock text(String text) {
        return new InputBlock(BlockTypes.TEXT, text, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null);
    }

    /**
     * Where an image's or a document's bytes are.
     *
     * @param type {@code base64}, {@code url} or {@code text}
     * @param mediaType the MIME type ({@code base64}, {@code text})
     * @param data the base64 bytes or the text
     * @param url the address ({@code url})
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Source(String type, String mediaType, String data, String url) {}
}
