package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The OpenAI error envelope {@code {"error":{"message","type","param","code"}}}; all four members are
 * always written, null or not, because clients read them unconditionally.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ErrorResponse(ErrorBody error) {

    /** An envelope around one error. */
    public static ErrorResponse of(String message, String type, String param, String code) {
        return new ErrorResponse(new ErrorBody(message, type, param, code));
    }

    /** The error itself. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record ErrorBody(String message, String type, String param, String code) {}
}
