package io.github.geminibalance.translate;
import io.github.geminibalance.gemini.*;
import io.github.geminibalance.openai.*;
import java.util.*;
public final class ChatStreamTranslator {
  private final ResponseOptions o; private boolean started, finished; private final long created; private String id = "chatcmpl-x"; private Usage usage;
  public ChatStreamTranslator(ResponseOptions o, java.time.Clock c, java.util.random.RandomGenerator r) { this.o = o; created = c.instant().getEpochSecond(); }
  public List<ChatCompletionChunk> onEvent(GenerateContentResponse e) {
    List<ChatCompletionChunk> out = new ArrayList<>();
    for (Candidate c : e.candidatesOrEmpty()) {
      if (!started) { started = true; out.add(chunk(new ChatCompletionChunk.Delta("assistant", "", null, null, null, null), null)); }
      StringBuilder sb = new StringBuilder(); for (Part p : c.parts()) if (p.text() != null) sb.append(p.text());
      if (sb.length() > 0) out.add(chunk(new ChatCompletionChunk.Delta(null, sb.toString(), null, null, null, null), null));
      if (c.finishReason() != null) { finished = true; out.add(chunk(ChatCompletionChunk.Delta.EMPTY, "stop")); }
    }
    if (e.usageMetadata() != null) { var u = e.usageMetadata(); int p = u.promptTokenCount() == null ? 0 : u.promptTokenCount(); int t = u.totalTokenCount() == null ? 0 : u.totalTokenCount(); usage = new Usage(p, t - p, t, null, null); }
    return out;
  }
  private ChatCompletionChunk chunk(ChatCompletionChunk.Delta d, String f) { return new ChatCompletionChunk(id, "chat.completion.chunk", created, o.model(), List.of(new ChatCompletionChunk.Choice(0, d, null, f)), null); }
  public List<ChatCompletionChunk> onComplete() { return o.includeUsage() ? List.of(new ChatCompletionChunk(id, "chat.completion.chunk", created, o.model(), List.of(), usage)) : List.of(); }
  public boolean finished() { return finished; }
  public boolean producedOutput() { return started; }
  public Usage usage() { return usage; }
}
