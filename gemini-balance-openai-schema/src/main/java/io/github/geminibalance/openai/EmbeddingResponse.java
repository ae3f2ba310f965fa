package io.github.geminibalance.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;

/** A {@code /v1/embeddings} answer: one {@link Embedding} per input, in input order. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EmbeddingResponse(String object, List<Embedding> data, String model, EmbeddingUsage usage) {

    /**
     * One vector. {@code embedding} is a {@code float[]} (written as a JSON array) or, with
     * {@code encoding_format: base64}, a base64 string of little-endian float32 values.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Embedding(String object, int index, Object embedding) {}

    /** Token usage; Gemini reports none for embeddings, so both counts are zero. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record EmbeddingUsage(int promptTokens, int totalTokens) {}
}
