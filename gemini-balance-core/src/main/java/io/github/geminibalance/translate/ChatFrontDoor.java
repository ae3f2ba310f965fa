package io.github.geminibalance.translate;

import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.Usage;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The OpenAI Chat Completions front door: {@link ChatRequestTranslator} on the way in,
 * {@link ChatStreamTranslator} on the way out, {@link ChatCompletionAccumulator} for non-stream answers.
 */
public final class ChatFrontDoor implements FrontDoor<ChatCompletionRequest, ChatCompletionChunk, ChatCompletion> {

    private final ChatRequestTranslator translator;

    /** A door translating with {@code translator}. */
    public ChatFrontDoor(ChatRequestTranslator translator) {
        this.translator = Objects.requireNonNull(translator, "translator");
    }

    @Override
    public CompletableFuture<Call<ChatCompletionChunk, ChatCompletion>> prepare(ChatCompletionRequest request,
            RemoteMediaFetcher media) {
        if (request == null) {
            throw new InvalidRequestException(null, "the request body is empty");
        }
        // built inside the media fetch, so the remote images stay counted against the server-wide
        // budget (MAX_MEDIA_INFLIGHT_BYTES) until their largest copies, base64 and JSON, exist
        return media.inline(request, inlined -> {
            GeminiChatRequest g = translator.translate(inlined);
            return new ChatCall(g, Json.bytes(g.body()));
        });
    }

    /** OpenAI usage as the trace's counts, or null. */
    static RequestTrace.Tokens tokens(Usage usage) {
        if (usage == null) {
            return null;
        }
        int thinking = usage.completionTokensDetails() == null || usage.completionTokensDetails().reasoningTokens() == null
                ? 0 : usage.completionTokensDetails().reasoningTokens();
        int cached = usage.promptTokensDetails() == null || usage.promptTokensDetails().cachedTokens() == null
                ? 0 : usage.promptTokensDetails().cachedTokens();
        return new RequestTrace.Tokens(usage.promptTokens(), usage.completionTokens(), usage.totalTokens(), thinking, cached);
    }

    private record ChatCall(GeminiChatRequest request, byte[] body)
            implements Call<ChatCompletionChunk, ChatCompletion> {

        private ResponseOptions options() {
            GeminiChatRequest g = request;
            return new ResponseOptions(g.requestedModel(), g.choiceCount(), g.includeUsage(), g.search(),
                    g.codeExecution(), g.parallelToolCalls());
        }

        @Override
        public String requestedModel() {
            return request.requestedModel();
        }

        @Override
        public String upstreamModel() {
            return request.upstreamModel();
        }

        @Override
        public EventTranslator<ChatCompletionChunk> events(Clock clock, RandomGenerator random) {
            return new ChatStreamTranslator(options(), clock, random);
        }

        @Override
        public Folded<ChatCompletion> fold(GenerateContentResponse response, Clock clock, RandomGenerator random) {
            ChatCompletion answer = ChatCompletionAccumulator.translate(response, options(), clock, random);
            return new Folded<>(answer, ChatFrontDoor.tokens(answer.usage()));
        }
    }
}
