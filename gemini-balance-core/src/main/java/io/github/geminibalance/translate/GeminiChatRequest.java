package io.github.geminibalance.translate;
import io.github.geminibalance.gemini.GenerateContentRequest;
public record GeminiChatRequest(String requestedModel, String upstreamModel, GenerateContentRequest body, int choiceCount, boolean includeUsage, boolean search, boolean codeExecution) {}
