package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.MessageStream;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.anthropic.MessageRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;

/**
 * The Anthropic Messages API ({@code POST /v1/messages}, {@code POST /v1/messages/count_tokens}, also
 * under {@code /hf/v1}), on the same pool as the OpenAI routes. Clients authenticate with
 * {@code x-api-key: <client token>} (what the Anthropic SDKs and Claude Code send) or a bearer token;
 * {@code anthropic-version} and {@code anthropic-beta} are accepted and ignored. Every error is in
 * Anthropic's shape ({@link AnthropicErrors}). Nothing here blocks: a stream's {@code 200} is sent once
 * Gemini produced the first event, then events are relayed as they come, {@code event: <type>} and
 * {@code data: <json>}.
 */
@Controller
final class MessagesController {

    /** The paths of this front door. */
    static final List<String> PATHS = List.of("/v1/messages", "/v1/messages/count_tokens",
            "/hf/v1/messages", "/hf/v1/messages/count_tokens");

    private final GeminiBalance gemini;
    private final KeyScrubbers scrubbers;
    private final RequestRecords records;
    private final SseResponses sse;

    /** Anthropic's keep-alive event. */
    static final byte[] PING = SseResponses.event("ping", "{\"type\":\"ping\"}");

    MessagesController(GeminiBalance gemini, RequestRecords records, SseResponses sse) {
        this.gemini = gemini;
        this.sse = sse;
        this.scrubbers = new KeyScrubbers(gemini::keyValues);
        this.records = records;
    }

    /** Whether a path belongs to the Anthropic front door (its errors use Anthropic's shape). */
    static boolean isMessagesPath(String path) {
        return path.equals("/v1/messages") || path.startsWith("/v1/messages/")
                || path.equals("/hf/v1/messages") || path.startsWith("/hf/v1/messages/");
    }

    /**
     * {@code POST /v1/messages}: a {@code message}, or with {@code "stream": true} the event stream
     * ({@code message_start} ... {@code message_stop}).
     */
    @Post(uris = {"/v1/messages", "/hf/v1/messages"}, consumes = MediaType.ALL,
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<MutableHttpResponse<?>> messages(HttpRequest<?> http, @Nullable @Body byte[] body) {
        records.keepBody(http, body);
        MessageRequest request = RequestBodies.read(body, MessageRequest.class);
        RequestTrace trace = AccessLogFilter.trace(http);
        if (request.streamRequested()) {
            return gemini.messagesStream(request, trace).thenApply(this::eventStream);
        }
        return gemini.messages(request, trace).thenApply(this::json);
    }

    /** {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}} from Gemini's countTokens. */
    @Post(uris = {"/v1/messages/count_tokens", "/hf/v1/messages/count_tokens"}, consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<?>> countTokens(HttpRequest<?> http, @Nullable @Body byte[] body) {
        records.keepBody(http, body);
        MessageRequest request = RequestBodies.read(body, MessageRequest.class);
        return gemini.countTokens(request, AccessLogFilter.trace(http)).thenApply(this::json);
    }

    private MutableHttpResponse<?> eventStream(MessageStream stream) {
        KeyScrubber scrubber = scrubbers.get();
        Publisher<byte[]> events = Publishers.map(FlowAdapters.toPublisher(stream.sse()),
                frame -> SseResponses.event(frame.event(), scrubber.scrub(frame.data())));
        return sse.response(FlowAdapters.toFlowPublisher(events), stream.heartbeat(), PING);
    }

    private MutableHttpResponse<?> json(Object value) {
        try {
            return HttpResponse.ok(scrubbers.get().scrub(GeminiBalance.jsonWriter().writeValueAsBytes(value)))
                    .contentType(MediaType.APPLICATION_JSON_TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not serialize the answer", e); // a bug: 500, logged
        }
    }
}
