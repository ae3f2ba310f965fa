package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.ChatStream;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.EmbeddingRequest;
import io.github.geminibalance.openai.Model;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;

/**
 * The OpenAI-compatible endpoints, served identically under {@code /v1} and {@code /hf/v1}. Each handler
 * parses the raw body with the core's mapper, calls the {@link GeminiBalance} facade and writes the
 * answer with the same mapper. Nothing here blocks: handlers return futures, and streams are relayed
 * event by event. Failures complete the future exceptionally and become OpenAI error envelopes in
 * {@link GeminiBalanceExceptionHandler}.
 *
 * <p>Bodies are {@code @Nullable byte[]} so an empty body reaches {@link RequestBodies} and gets its
 * message; Micronaut's processor warns about {@code @Nullable} on a "primitive" type, which a
 * {@code byte[]} is not.
 */
@Controller
final class OpenAiController {

    private final GeminiBalance gemini;
    // A model may quote one of the pool's keys (a file URI with ?key=); clients never see it.
    private final KeyScrubbers scrubbers;
    private final RequestRecords records;
    // generated images are served by URL rather than inline
    private final ImageHost images;
    private final ChatImages chatImages;
    private final SseResponses sse;
    private final FilesSettings files;

    OpenAiController(GeminiBalance gemini, RequestRecords records, ImageHost images, SseResponses sse,
            FilesSettings files) {
        this.gemini = gemini;
        this.sse = sse;
        this.files = files;
        this.scrubbers = new KeyScrubbers(gemini::keyValues);
        this.records = records;
        this.images = images;
        this.chatImages = new ChatImages(images);
    }

    /**
     * {@code POST /v1/chat/completions}: a JSON answer, or with {@code "stream": true} an SSE stream of
     * {@code chat.completion.chunk} events ending in {@code data: [DONE]}. The stream's 200 is only sent
     * once Gemini has produced the first chunk, so upstream failures before that get a real status.
     */
    @Post(uris = {"/v1/chat/completions", "/hf/v1/chat/completions"}, consumes = MediaType.ALL,
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<MutableHttpResponse<?>> chatCompletions(HttpRequest<?> http, @Nullable @Body byte[] body) {
        records.keepBody(http, body);
        ChatCompletionRequest request = RequestBodies.read(body, ChatCompletionRequest.class);
        RequestTrace trace = AccessLogFilter.trace(http);
        String base = images.baseOrNull(http);
        // a chat naming an uploaded file (file.file_id) goes to the file's key, if the file is the caller's
        String owner = files.userIsolation()
                ? http.getAttribute(AccessLogFilter.LABEL_ATTRIBUTE, String.class).orElse("") : null;
        if (request.streamRequested()) {
            return gemini.chatStream(request, trace, owner).thenApply(stream -> eventStream(stream, base));
        }
        return gemini.chat(request, trace, owner).thenApply(answer -> json(chatImages.serve(answer, base)));
    }

    /** {@code POST /v1/embeddings}: float arrays or base64, as {@code encoding_format} asks. */
    @Post(uris = {"/v1/embeddings", "/hf/v1/embeddings"}, consumes = MediaType.ALL,
            produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<?>> embeddings(HttpRequest<?> http, @Nullable @Body byte[] body) {
        records.keepBody(http, body);
        EmbeddingRequest request = RequestBodies.read(body, EmbeddingRequest.class);
        return gemini.embeddings(request, AccessLogFilter.trace(http)).thenApply(this::json);
    }

    /** {@code GET /v1/models}: every Gemini model in OpenAI shape. */
    @Get(uris = {"/v1/models", "/hf/v1/models"}, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<?>> models(HttpRequest<?> http) {
        return gemini.models(AccessLogFilter.trace(http)).thenApply(this::json);
    }

    /** {@code GET /v1/models/{id}}: one model, or 404 {@code model_not_found}. */
    @Get(uris = {"/v1/models/{+id}", "/hf/v1/models/{+id}"}, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<?>> model(HttpRequest<?> http, @PathVariable String id) {
        String wanted = id.startsWith("models/") ? id.substring("models/".length()) : id;
        return gemini.models(AccessLogFilter.trace(http)).thenApply(list -> {
            for (Model m : list.data()) {
                if (m.id().equals(wanted)) {
                    return json(m);
                }
            }
            throw new InvalidRequestException(404, "model", "model_not_found",
                    "The model '" + wanted + "' does not exist or is not offered by this proxy.");
        });
    }

    private MutableHttpResponse<?> eventStream(ChatStream stream, String base) {
        KeyScrubber scrubber = scrubbers.get();
        Publisher<byte[]> events = Publishers.map(FlowAdapters.toPublisher(stream.sseData()),
                data -> SseResponses.event(null, scrubber.scrub(chatImages.serveChunk(data, base))));
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
