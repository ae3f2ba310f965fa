package io.github.geminibalance.translate;
import java.util.*;
public record TranslationOptions(boolean codeExecutionEnabled, Set<String> searchModels, Map<String,String> safetySettings, Map<String,Integer> thinkingBudgets) {
  public static TranslationOptions defaults() { return new TranslationOptions(false, Set.of(), Map.of(), Map.of()); }
}
