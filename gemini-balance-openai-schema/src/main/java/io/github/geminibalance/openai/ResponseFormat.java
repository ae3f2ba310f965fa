package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code response_format}: {@code type} is {@code text}, {@code json_object} or {@code json_schema};
 * the latter carries {@link JsonSchemaFormat}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResponseFormat(String type, JsonSchemaFormat jsonSchema) {

    /** The {@code json_schema} member of a {@code response_format}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record JsonSchemaFormat(String name, String description, JsonNode schema, Boolean strict) {}
}
