package io.github.geminibalance.translate;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.anthropic.InputBlock;
import io.github.geminibalance.anthropic.Message;
import io.github.geminibalance.anthropic.MessageRequest;
import io.github.geminibalance.anthropic.StreamEvent;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The Anthropic Messages front door: {@link MessagesRequestTranslator} on the way in,
 * {@link MessagesStreamTranslator} on the way out, {@link MessagesAccumulator} for non-stream answers.
 * Image and document URL sources are fetched first with the chat door's fetcher and address policy.
 */
public final class MessagesFrontDoor implements FrontDoor<MessageRequest, StreamEvent, Message> {

    private final MessagesRequestTranslator translator;

    /** A door translating with {@code translator}. */
    public MessagesFrontDoor(MessagesRequestTranslator translator) {
        this.translator = Objects.requireNonNull(translator, "translator");
    }

    @Override
    public CompletableFuture<Call<StreamEvent, Message>> prepare(MessageRequest request, RemoteMediaFetcher media) {
        return translate(request, media, false).thenApply(g -> new MessagesCall(g, Json.bytes(g.body())));
    }

    /**
     * Translates a request (URL sources fetched), for a call or for {@code count_tokens}.
     *
     * @param countOnly true for {@code /v1/messages/count_tokens} ({@code max_tokens} not required)
     */
    public CompletableFuture<GeminiMessagesRequest> translate(MessageRequest request, RemoteMediaFetcher media,
            boolean countOnly) {
        if (request == null) {
            throw new InvalidRequestException(null, "the request body is empty");
        }
        java.util.Set<String> documents = new java.util.HashSet<>();
        Map<String, String> urls = urls(request, documents);
        return media.inlineUrls(urls, documents, fetched -> translator.translate(request, fetched, countOnly));
    }

    /**
     * The {@code countTokens} body for a translated request: its contents, system instruction, tools and
     * tool config inside {@code generateContentRequest}.
     */
    public static byte[] countTokensBody(GeminiMessagesRequest g) {
        ObjectNode inner = Json.mapper().valueToTree(g.body());
        inner.remove("safetySettings");
        inner.remove("generationConfig");
        inner.put("model", "models/" + g.upstreamModel());
        ObjectNode root = Json.mapper().createObjectNode();
        root.set("generateContentRequest", inner);
        return Json.bytes(root);
    }

    /** Every distinct URL source, with the JSON path named in errors. */
    private static Map<String, String> urls(MessageRequest request, java.util.Set<String> documents) {
        Map<String, String> urls = new LinkedHashMap<>();
        List<MessageRequest.InputMessage> messages = request.messages() == null ? List.of() : request.messages();
        for (int i = 0; i < messages.size(); i++) {
            MessageRequest.InputMessage m = messages.get(i);
            if (m != null && m.content() != null && m.content().blocks() != null) {
                collect(m.content().blocks(), "messages." + i + ".content", urls, documents);
            }
        }
        return urls;
    }

    private static void collect(List<InputBlock> blocks, String at, Map<String, String> urls,
            java.util.Set<String> documents) {
        for (int j = 0; j < blocks.size(); j++) {
            InputBlock b = blocks.get(j);
            if (b == null) {
                continue;
            }
            if (b.source() != null && "url".equals(b.source().type()) && b.source().url() != null) {
                urls.putIfAbsent(b.source().url(), at + "." + j + ".source.url");
                if (io.github.geminibalance.anthropic.BlockTypes.DOCUMENT.equals(b.type())) {
                    documents.add(b.source().url());
                }
            }
            if (b.content() != null && b.content().blocks() != null) {
                collect(b.content().blocks(), at + "." + j + ".content", urls, documents);
            }
        }
    }

    private record MessagesCall(GeminiMessagesRequest request, byte[] body) implements Call<StreamEvent, Message> {

        @Override
        public String requestedModel() {
            return request.requestedModel();
        }

        @Override
        public String upstreamModel() {
            return request.upstreamModel();
        }

        @Override
        public EventTranslator<StreamEvent> events(Clock clock, RandomGenerator random) {
            return new MessagesStreamTranslator(request.requestedModel(), request.search(), request.parallelToolUse(),
                    random);
        }

        @Override
        public Folded<Message> fold(GenerateContentResponse response, Clock clock, RandomGenerator random) {
            EventTranslator<StreamEvent> events = events(clock, random);
            MessagesAccumulator accumulator = new MessagesAccumulator();
            events.onEvent(response).forEach(accumulator::add);
            events.onComplete().forEach(accumulator::add);
            return new Folded<>(accumulator.result(), events.tokens());
        }
    }
}
