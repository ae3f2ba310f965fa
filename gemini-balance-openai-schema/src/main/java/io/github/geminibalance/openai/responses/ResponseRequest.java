package io.github.geminibalance.openai.responses;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * A {@code POST /v1/responses} request body. {@code tool_choice} is kept as {@link JsonNode} (a string or
 * an object of several shapes) for the translator to interpret.
 *
 * @param model the model to ask
 * @param input a string or a list of items
 * @param instructions the system instructions
 * @param tools function tools and hosted tools
 * @param toolChoice {@code auto}, {@code none}, {@code required} or an object naming a tool
 * @param parallelToolCalls whether the model may call several tools at once
 * @param text the output format
 * @param reasoning reasoning effort and summary
 * @param maxOutputTokens the output token limit, reasoning included
 * @param temperature sampling temperature
 * @param topP nucleus sampling mass
 * @param metadata up to 16 string pairs, echoed in the response
 * @param user an end-user id
 * @param store whether to keep the response for later retrieval
 * @param stream whether to stream events
 * @param previousResponseId the response this one continues
 * @param include extra output to include
 * @param truncation the truncation strategy
 * @param background whether to run in the background
 * @param conversation a conversation to add to
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResponseRequest(String model, Union.Input input, String instructions, List<Tool> tools,
        JsonNode toolChoice, Boolean parallelToolCalls, TextConfig text, Reasoning reasoning, Integer maxOutputTokens,
        Double temperature, Double topP, Map<String, String> metadata, String user, Boolean store, Boolean stream,
        String previousResponseId, List<String> include, String truncation, Boolean background,
        JsonNode conversation) {

    /** Whether the client asked for a stream. */
    public boolean streamRequested() {
        return Boolean.TRUE.equals(stream);
    }

    /**
     * A tool: a {@code function} tool, or a hosted tool ({@code web_search}, {@code web_search_preview},
     * {@code code_interpreter}...).
     *
     * @param type the tool type
     * @param name a function's name
     * @param description a function's description
     * @param parameters a function's parameters as JSON Schema
     * @param strict whether the arguments must match the schema exactly
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Tool(String type, String name, String description, JsonNode parameters, Boolean strict) {

        /** A function tool. */
        public static Tool function(String name, String description, JsonNode parameters) {
            return new Tool("function", name, description, parameters, null);
        }
    }

    /**
     * {@code text}: the output format.
     *
     * @param format {@code text}, {@code json_object} or {@code json_schema}
     * @param verbosity the verbosity hint
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TextConfig(Format format, String verbosity) {}

    /**
     * {@code text.format}.
     *
     * @param type {@code text}, {@code json_object} or {@code json_schema}
     * @param name a schema's name
     * @param schema a schema
     * @param description a schema's description
     * @param strict whether the output must match the schema exactly
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Format(String type, String name, JsonNode schema, String description, Boolean strict) {}

    /**
     * {@code reasoning}.
     *
     * @param effort {@code none}, {@code minimal}, {@code low}, {@code medium}, {@code high} or {@code xhigh}
     * @param summary {@code auto}, {@code concise} or {@code detailed}: include a reasoning summary
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reasoning(String effort, String summary) {}
}
