package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** One {@code :embedContent} request, also an item of {@code :batchEmbedContents}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EmbedContentRequest(
        String model, Content content, String taskType, String title, Integer outputDimensionality) {}
