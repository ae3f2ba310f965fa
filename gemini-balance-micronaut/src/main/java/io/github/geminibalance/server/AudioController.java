package io.github.geminibalance.server;

import io.github.geminibalance.AudioResponse;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.RequestTrace;
import io.github.geminibalance.SpeechStream;
import io.github.geminibalance.openai.SpeechRequest;
import io.github.geminibalance.openai.SpeechStreamEvent;
import io.github.geminibalance.openai.TranscriptionRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.reactivestreams.FlowAdapters;
import org.reactivestreams.Publisher;

/**
 * OpenAI's audio endpoints, under {@code /v1} and {@code /hf/v1}: speech (JSON in, audio out) and
 * transcriptions and translations (a multipart form in, text out). The form is read as it arrives and kept
 * only within {@code MAX_MEDIA_BYTES} plus a little for its other fields (413 beyond), then handed to the
 * facade; the work is the core's.
 */
@Controller
final class AudioController {

    /** Room for the form's text fields and part headers besides the file. */
    static final long FORM_OVERHEAD_BYTES = 256 * 1024;

    private static final String DELTA_PREFIX = "{\"type\":\"" + SpeechStreamEvent.DELTA + "\"";

    private final GeminiBalance gemini;
    private final RequestRecords records;
    private final KeyScrubbers scrubbers;
    private final SseResponses sse;

    AudioController(GeminiBalance gemini, RequestRecords records, SseResponses sse) {
        this.gemini = gemini;
        this.records = records;
        this.scrubbers = new KeyScrubbers(gemini::keyValues);
        this.sse = sse;
    }

    /**
     * {@code POST /v1/audio/speech}: a WAV file (default) or raw PCM; with {@code stream_format: "sse"} the
     * audio as server-sent events while Gemini speaks.
     */
    @Post(uris = {"/v1/audio/speech", "/hf/v1/audio/speech"}, consumes = MediaType.ALL, produces = MediaType.ALL)
    CompletableFuture<MutableHttpResponse<?>> speech(HttpRequest<?> http, @Nullable @Body byte[] body) {
        records.keepBody(http, body);
        SpeechRequest request = RequestBodies.read(body, SpeechRequest.class);
        if (request != null && request.streamFormat() != null && request.streamFormat().strip().equalsIgnoreCase("sse")) {
            return gemini.speechStream(request, AccessLogFilter.trace(http)).thenApply(this::events);
        }
        return gemini.speech(request, AccessLogFilter.trace(http)).thenApply(this::audio);
    }

    // data-only events; only an error event can quote text from Gemini, so only it is scrubbed of keys
    private MutableHttpResponse<?> events(SpeechStream stream) {
        KeyScrubber scrubber = scrubbers.get();
        Publisher<byte[]> events = Publishers.map(FlowAdapters.toPublisher(stream.sse()), frame ->
                SseResponses.event(null, frame.data().startsWith(DELTA_PREFIX) ? frame.data() : scrubber.scrub(frame.data())));
        return sse.response(FlowAdapters.toFlowPublisher(events), Optional.empty(), null);
    }

    /** {@code POST /v1/audio/transcriptions}: the speech as text, in the requested format. */
    @Post(uris = {"/v1/audio/transcriptions", "/hf/v1/audio/transcriptions"}, consumes = MediaType.ALL,
            produces = MediaType.ALL)
    CompletableFuture<MutableHttpResponse<?>> transcriptions(HttpRequest<?> http) {
        return transcribe(http, gemini::transcription);
    }

    /** {@code POST /v1/audio/translations}: the speech translated into English. */
    @Post(uris = {"/v1/audio/translations", "/hf/v1/audio/translations"}, consumes = MediaType.ALL,
            produces = MediaType.ALL)
    CompletableFuture<MutableHttpResponse<?>> translations(HttpRequest<?> http) {
        return transcribe(http, gemini::translation);
    }

    private CompletableFuture<MutableHttpResponse<?>> transcribe(HttpRequest<?> http,
            BiFunction<TranscriptionRequest, RequestTrace, CompletableFuture<AudioResponse>> call) {
        RequestTrace trace = AccessLogFilter.trace(http);
        String boundary = MultipartForm.boundary(http.getHeaders().get(io.micronaut.http.HttpHeaders.CONTENT_TYPE));
        long maxFile = gemini.config().media().maxItemBytes();
        long limit = maxFile + FORM_OVERHEAD_BYTES;
        if (http.getContentLength() > limit) {
            throw tooLarge(maxFile);
        }
        if (!(http instanceof ServerHttpRequest<?> server)) {
            throw new IllegalStateException("the request body cannot be streamed"); // a bug: 500, logged
        }
        return BoundedBody.collect(server.byteBody().move().toByteArrayPublisher(), limit, () -> tooLarge(maxFile))
                .thenCompose(bytes -> call.apply(request(MultipartForm.parse(bytes, boundary), maxFile), trace))
                .thenApply(this::audio);
    }

    private static InvalidRequestException tooLarge(long maxFile) {
        return new InvalidRequestException(413, "file", "file_too_large", "The upload is too large: the audio file "
                + "may be at most " + maxFile + " bytes (MAX_MEDIA_BYTES).");
    }

    private static TranscriptionRequest request(MultipartForm form, long maxFile) {
        MultipartForm.Part file = form.file();
        if (file == null) {
            throw new InvalidRequestException("file", "file is required: the audio to transcribe, as a file field.");
        }
        if (file.bytes().length > maxFile) {
            throw tooLarge(maxFile);
        }
        Map<String, String> f = form.fields();
        if ("true".equalsIgnoreCase(strip(f.get("stream")))) {
            throw new InvalidRequestException(400, "stream", "invalid_value",
                    "stream is not supported: the transcript is sent whole.");
        }
        Double temperature = null;
        String t = strip(f.get("temperature"));
        if (t != null) {
            try {
                temperature = Double.valueOf(t);
            } catch (NumberFormatException e) {
                throw new InvalidRequestException(400, "temperature", "invalid_value", "temperature must be a number.");
            }
        }
        return new TranscriptionRequest(file.bytes(), file.fileName(), file.contentType(), strip(f.get("model")),
                f.get("prompt"), strip(f.get("language")), strip(f.get("response_format")), temperature);
    }

    private static String strip(String v) {
        return v == null || v.isBlank() ? null : v.strip();
    }

    private MutableHttpResponse<?> audio(AudioResponse answer) {
        byte[] body = answer.body();
        if (!answer.contentType().startsWith("audio/")) {
            // a model can quote a URL with one of the pool's keys: clients never see it
            body = scrubbers.get().scrub(body);
        }
        return HttpResponse.ok(body).contentType(MediaType.of(answer.contentType()));
    }
}
