package io.github.geminibalance.anthropic;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The answer of {@code POST /v1/messages/count_tokens}.
 *
 * @param inputTokens the tokens the request's prompt (system, messages, tools) counts
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CountTokensResponse(int inputTokens) {}
