package io.github.geminibalance.gemini;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** The answer of {@code :embedContent}: one vector. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EmbedContentResponse(BatchEmbedContentsResponse.ContentEmbedding embedding) {}
