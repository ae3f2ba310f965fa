package io.github.geminibalance.anthropic;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Token counts of an answer ({@code usage}); in a {@code message_delta} event only the counts that are
 * known by then (always {@code output_tokens}), the others null and left out.
 *
 * @param inputTokens prompt tokens that were not read from a cache
 * @param outputTokens answer tokens, thinking included
 * @param cacheCreationInputTokens tokens written to a cache
 * @param cacheReadInputTokens tokens read from a cache
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Usage(Integer inputTokens, Integer outputTokens, Integer cacheCreationInputTokens,
        Integer cacheReadInputTokens) {}
