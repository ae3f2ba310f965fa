package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * A {@code POST /v1/embeddings} request. {@code input} is a string, a list of strings, or token arrays
 * (which Gemini cannot embed); it stays a {@link JsonNode} so the core can say precisely what is wrong.
 *
 * @param encodingFormat {@code float} (default) or {@code base64}; the OpenAI SDKs ask for base64
 * @param dimensions the number of dimensions to truncate the vectors to
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EmbeddingRequest(
        String model, JsonNode input, String encodingFormat, Integer dimensions, String user) {}
