package io.github.geminibalance.translate;

import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.responses.InputItem;
import io.github.geminibalance.openai.responses.InputPart;
import io.github.geminibalance.openai.responses.Response;
import io.github.geminibalance.openai.responses.ResponseRequest;
import io.github.geminibalance.openai.responses.ResponseStreamEvent;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.random.RandomGenerator;

/**
 * The OpenAI Responses front door: {@link ResponsesRequestTranslator} on the way in,
 * {@link ResponsesStreamTranslator} on the way out, {@link ResponsesAccumulator} for non-stream
 * answers. Remote {@code image_url} and {@code file_url} inputs are fetched first with the chat door's
 * fetcher and address policy. A request comes as a {@link Turn}: with the stored conversation of its
 * {@code previous_response_id}, which the caller looked up, placed before its input.
 */
public final class ResponsesFrontDoor implements FrontDoor<ResponsesFrontDoor.Turn, ResponseStreamEvent, Response> {

    /**
     * One request of a conversation.
     *
     * @param request the client's request, possibly null (then rejected)
     * @param previous the stored conversation of its {@code previous_response_id}, empty for none
     */
    public record Turn(ResponseRequest request, List<InputItem> previous) {

        /** Copies {@code previous}. */
        public Turn {
            previous = List.copyOf(previous);
        }
    }

    private final ResponsesRequestTranslator translator;

    /** A door translating with {@code translator}. */
    public ResponsesFrontDoor(ResponsesRequestTranslator translator) {
        this.translator = Objects.requireNonNull(translator, "translator");
    }

    @Override
    public CompletableFuture<Call<ResponseStreamEvent, Response>> prepare(Turn turn, RemoteMediaFetcher media) {
        ResponseRequest request = turn == null ? null : turn.request();
        if (request == null) {
            throw new InvalidRequestException(null, "the request body is empty");
        }
        Map<String, String> urls = urls(turn.previous(), "previous_response_id.input.");
        List<InputItem> items = request.input() == null || request.input().items() == null ? List.of()
                : request.input().items();
        urls(items, "input.").forEach(urls::putIfAbsent);
        return media.inlineUrls(urls, fetched -> translator.translate(request, turn.previous(), fetched))
                .thenApply(g -> new ResponsesCall(g, Json.bytes(g.body())));
    }

    /** Every distinct remote URL of the items, with the JSON path named in errors. */
    private static Map<String, String> urls(List<InputItem> items, String path) {
        Map<String, String> urls = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i++) {
            InputItem item = items.get(i);
            if (item == null || item.content() == null || item.content().parts() == null) {
                continue;
            }
            List<InputPart> parts = item.content().parts();
            for (int j = 0; j < parts.size(); j++) {
                InputPart part = parts.get(j);
                String at = path + i + ".content." + j;
                if (part != null && remote(part.imageUrl())) {
                    urls.putIfAbsent(part.imageUrl(), at + ".image_url");
                }
                if (part != null && part.fileData() == null && remote(part.fileUrl())) {
                    urls.putIfAbsent(part.fileUrl(), at + ".file_url");
                }
            }
        }
        return urls;
    }

    private static boolean remote(String url) {
        if (url == null) {
            return false;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }

    private record ResponsesCall(GeminiResponsesRequest request, byte[] body)
            implements Call<ResponseStreamEvent, Response> {

        @Override
        public String requestedModel() {
            return request.echo().model();
        }

        @Override
        public String upstreamModel() {
            return request.upstreamModel();
        }

        @Override
        public EventTranslator<ResponseStreamEvent> events(Clock clock, RandomGenerator random) {
            return new ResponsesStreamTranslator(request.echo(), request.parallelToolCalls(), request.summaries(),
                    clock, random);
        }

        @Override
        public Folded<Response> fold(GenerateContentResponse response, Clock clock, RandomGenerator random) {
            EventTranslator<ResponseStreamEvent> events = events(clock, random);
            ResponsesAccumulator accumulator = new ResponsesAccumulator();
            events.onEvent(response).forEach(accumulator::add);
            events.onComplete().forEach(accumulator::add);
            return new Folded<>(accumulator.result(), events.tokens());
        }
    }
}
