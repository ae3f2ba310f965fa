package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One part of a {@link Content}: exactly one data member is set. {@code thought} marks a thought
 * summary; {@code thoughtSignature} is an opaque signature that must be sent back with the part.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Part(
        String text,
        Boolean thought,
        String thoughtSignature,
        Blob inlineData,
        FileData fileData,
        FunctionCall functionCall,
        FunctionResponse functionResponse,
        ExecutableCode executableCode,
        CodeExecutionResult codeExecutionResult) {

    /** A text part. */
    public static Part text(String text) {
        return new Part(text, null, null, null, null, null, null, null, null);
    }

    /** An inline-data part. */
    public static Part inline(String mimeType, String base64) {
        return new Part(null, null, null, new Blob(mimeType, base64), null, null, null, null, null);
    }

    /** A function call part, with the signature Gemini attached to it (may be null). */
    public static Part functionCall(FunctionCall call, String thoughtSignature) {
        return new Part(null, null, thoughtSignature, null, null, call, null, null, null);
    }

    /** A function response part. */
    public static Part functionResponse(FunctionResponse response) {
        return new Part(null, null, null, null, null, null, response, null, null);
    }

    /** Whether this is a thought-summary part. */
    public boolean thoughtSummary() {
        return Boolean.TRUE.equals(thought);
    }

    /** Base64 bytes with a MIME type. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Blob(String mimeType, String data) {}

    /** A file by URI (Files API or YouTube). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FileData(String mimeType, String fileUri) {}

    /** A call the model made; {@code id} is set by Gemini 3 and must be echoed in the response. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionCall(String name, JsonNode args, String id) {}

    /** The result of a call; {@code response} must be a JSON object. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionResponse(String name, JsonNode response, String id) {}

    /** Code the model wrote and ran with the code-execution tool. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ExecutableCode(String language, String code) {}

    /** The outcome and output of executed code. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CodeExecutionResult(String outcome, String output) {}
}
