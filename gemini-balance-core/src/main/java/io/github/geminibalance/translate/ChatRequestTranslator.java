package io.github.geminibalance.translate;
import io.github.geminibalance.gemini.*;
import io.github.geminibalance.openai.*;
import java.util.*;
public final class ChatRequestTranslator {
  public ChatRequestTranslator(TranslationOptions o) {}
  public GeminiChatRequest translate(ChatCompletionRequest r) {
    List<Content> contents = new ArrayList<>();
    for (ChatMessage m : r.messages()) contents.add(new Content(m.role().equals("assistant") ? "model" : "user", List.of(Part.text(m.content().text()))));
    return new GeminiChatRequest(r.model(), ModelNames.stripPrefix(r.model()), new GenerateContentRequest(contents, null, null, null, null, null, null), 1, r.includeUsage(), false, false);
  }
}
