package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * A function the model may call. At most one of {@code parameters} (Google's OpenAPI subset) and
 * {@code parametersJsonSchema} (full JSON Schema) is set.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FunctionDeclaration(
        String name, String description, JsonNode parameters, JsonNode parametersJsonSchema) {}
