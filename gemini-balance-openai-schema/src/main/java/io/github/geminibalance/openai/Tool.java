package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A tool the model may call: {@code {"type":"function","function":{...}}}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Tool(String type, FunctionDefinition function) {

    /** A function tool. */
    public static Tool function(String name, String description, JsonNode parameters) {
        return new Tool("function", new FunctionDefinition(name, description, parameters, null));
    }

    /** A function's name, description and JSON Schema parameters. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FunctionDefinition(String name, String description, JsonNode parameters, Boolean strict) {}
}
