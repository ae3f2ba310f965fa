package io.github.geminibalance.translate;
import io.github.geminibalance.gemini.*;
import io.github.geminibalance.openai.*;
import java.util.*;
public final class ChatCompletionAccumulator {
  private final StringBuilder sb = new StringBuilder(); private String id, model, finish; private long created; private Usage usage;
  public void add(ChatCompletionChunk c) { id = c.id(); model = c.model(); created = c.created(); if (c.usage() != null) usage = c.usage(); for (var ch : c.choices()) { if (ch.delta().content() != null) sb.append(ch.delta().content()); if (ch.finishReason() != null) finish = ch.finishReason(); } }
  public ChatCompletion result() { return new ChatCompletion(id, "chat.completion", created, model, List.of(new ChatCompletion.Choice(0, new ResponseMessage("assistant", sb.toString(), null, null, null, null), null, finish)), usage); }
  public static ChatCompletion translate(GenerateContentResponse r, ResponseOptions o, java.time.Clock c, java.util.random.RandomGenerator rnd) {
    ChatStreamTranslator t = new ChatStreamTranslator(new ResponseOptions(o.model(), o.choiceCount(), true, o.search(), o.codeExecution()), c, rnd);
    ChatCompletionAccumulator a = new ChatCompletionAccumulator(); t.onEvent(r).forEach(a::add); t.onComplete().forEach(a::add); return a.result();
  }
}
