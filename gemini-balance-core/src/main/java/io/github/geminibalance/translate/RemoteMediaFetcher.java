package io.github.geminibalance.translate;
import io.github.geminibalance.openai.*;
import java.util.concurrent.CompletableFuture;
public final class RemoteMediaFetcher {
  public RemoteMediaFetcher(java.net.http.HttpClient c, long max, java.time.Duration t) {}
  public CompletableFuture<ChatCompletionRequest> inline(ChatCompletionRequest r) { return CompletableFuture.completedFuture(r); }
}
