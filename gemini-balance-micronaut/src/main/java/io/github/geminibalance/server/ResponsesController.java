package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.ResponseStream;
import io.github.geminibalance.openai.responses.ResponseRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;

/**
 * The OpenAI Responses API ({@code POST /v1/responses}, also under {@code /hf/v1}) on the same pool,
 * tokens and error envelope as the chat route. A stream's {@code 200} is sent once Gemini produced the
 * first event, then events are relayed as they come, {@code event: <type>} and {@code data: <json>}.
 * Responses are kept in the server's store ({@code store} not false) for their client token only:
 * {@code previous_response_id}, {@code GET} and {@code DELETE /v1/responses/{id}} see the responses of the
 * token that asks, and answer 404 for any other.
 */
@Controller
final class ResponsesController {

    private final GeminiBalance gemini;
    private final KeyScrubbers scrubbers;
    private final RequestRecords records;
    private final SseResponses sse;

    ResponsesController(GeminiBalance gemini, RequestRecords records, SseResponses sse) {
        this.gemini = gemini;
        this.sse = sse;
        this.scrubbers = new KeyScrubbers(gemini::keyValues);
        this.records = records;
    }

    /**
     * {@code POST /v1/responses}: a {@code response}, or with {@code "stream": true} the event stream
     * ({@code response.created} ... {@code response.completed}).
     */
    @Post(uris = {"/v1/responses", "/hf/v1/responses"}, consumes = MediaType.ALL,
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<MutableHttpResponse<?>> create(HttpRequest<?> http, @Nullable @Body byte[] body) {
        records.keepBody(http, body);
        ResponseRequest request = RequestBodies.read(body, ResponseRequest.class);
        RequestTrace trace = AccessLogFilter.trace(http);
        if (request.streamRequested()) {
            return gemini.responsesStream(request, trace, owner(http)).thenApply(this::eventStream);
        }
        return gemini.responses(request, trace, owner(http)).thenApply(this::json);
    }

    /** {@code GET /v1/responses/{id}}: the stored response, as it was returned; 404 when unknown. */
    @Get(uris = {"/v1/responses/{id}", "/hf/v1/responses/{id}"}, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<?>> retrieve(HttpRequest<?> http, String id) {
        return gemini.storedResponse(id, owner(http)).thenApply(this::json);
    }

    /** {@code DELETE /v1/responses/{id}}: {@code {"id", "object": "response", "deleted": true}}; 404 when unknown. */
    @Delete(uris = {"/v1/responses/{id}", "/hf/v1/responses/{id}"}, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<?>> delete(HttpRequest<?> http, String id) {
        return gemini.deleteStoredResponse(id, owner(http)).thenApply(done -> {
            Map<String, Object> deleted = new LinkedHashMap<>();
            deleted.put("id", id);
            deleted.put("object", "response");
            deleted.put("deleted", true);
            return json(deleted);
        });
    }

    // the client token's label: a response is seen only by the token that created it
    private static String owner(HttpRequest<?> http) {
        return http.getAttribute(AccessLogFilter.LABEL_ATTRIBUTE, String.class).orElse("");
    }

    private MutableHttpResponse<?> eventStream(ResponseStream stream) {
        KeyScrubber scrubber = scrubbers.get();
        Publisher<byte[]> events = Publishers.map(FlowAdapters.toPublisher(stream.sse()),
                frame -> SseResponses.event(frame.event(), scrubber.scrub(frame.data())));
        return sse.response(FlowAdapters.toFlowPublisher(events), stream.heartbeat(), null);
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
