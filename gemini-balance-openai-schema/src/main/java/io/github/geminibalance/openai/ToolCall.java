package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A tool call made by the assistant. In stream deltas {@code index} is the ordinal of the call within
 * its choice and is always present; in complete messages it is absent.
 *
 * @param function the function name and its arguments as a JSON string
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCall(Integer index, String id, String type, FunctionCall function) {

    /** A function call's name and JSON-encoded arguments. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FunctionCall(String name, String arguments) {}
}
