package io.github.geminibalance.translate;
public record ResponseOptions(String model, int choiceCount, boolean includeUsage, boolean search, boolean codeExecution) {}
