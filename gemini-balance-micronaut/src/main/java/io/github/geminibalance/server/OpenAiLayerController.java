package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.NativeResponse;
import io.github.geminibalance.util.LogText;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Google's own OpenAI-compatible layer, pooled: {@code /openai/v1/<path>} is sent to
 * {@code <BASE_URL>/openai/<path>} with a pool key, the pool's retries and key verdicts, and a request
 * record, the body byte for byte and Gemini's answer unchanged (streams relayed as they arrive, the pool's
 * keys masked). For clients that want Google's translation of the OpenAI API rather than this server's
 * ({@code /v1/...}). The client authenticates with its bearer token ({@link AuthFilter}); that token is
 * never forwarded. Failures are answered in OpenAI's error shape.
 *
 * <p>The path after {@code /openai/v1/} is decoded once and must be plain path segments (letters, digits,
 * {@code . _ - :}), without {@code ..}: a client cannot reach anything outside {@code /openai/} with the
 * pool's keys.
 */
@Controller
final class OpenAiLayerController {

    /** The path prefix of this route. */
    static final String PREFIX = "/openai/v1/";

    private static final Logger log = LoggerFactory.getLogger(OpenAiLayerController.class);
    private static final Pattern SEGMENTS = Pattern.compile("[A-Za-z0-9._:-]+(/[A-Za-z0-9._:-]+)*");

    private final GeminiBalance gemini;
    private final NativeRelay relay;
    private final RequestRecords records;

    OpenAiLayerController(GeminiBalance gemini, RequestRecords records, SseResponses sse) {
        this.gemini = gemini;
        this.relay = new NativeRelay(new KeyScrubbers(gemini::keyValues), OpenAiLayerController::errorBody,
                sse::keepAlive);
        this.records = records;
    }

    /** {@code GET /openai/v1/<path>}: models, a model, and what else Google's layer serves by GET. */
    @Get(uri = "/openai/v1/{+path}", produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<MutableHttpResponse<byte[]>> get(HttpRequest<?> request, @PathVariable String path) {
        return forward(request, "GET", null);
    }

    /** {@code POST /openai/v1/<path>}: chat completions, embeddings, images... as Google's layer serves them. */
    @Post(uri = "/openai/v1/{+path}", consumes = MediaType.ALL,
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<MutableHttpResponse<byte[]>> post(HttpRequest<?> request, @PathVariable String path,
            @Nullable @Body byte[] body) {
        records.keepBody(request, body);
        return forward(request, "POST", body == null ? new byte[0] : body);
    }

    /** {@code DELETE /openai/v1/<path>}. */
    @Delete(uri = "/openai/v1/{+path}", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> delete(HttpRequest<?> request, @PathVariable String path) {
        return forward(request, "DELETE", null);
    }

    // The method is the route's, not the request's: Micronaut also routes HEAD to the GET handler.
    private CompletableFuture<MutableHttpResponse<byte[]>> forward(HttpRequest<?> request, String method, byte[] body) {
        String resource = resource(request);
        if (resource == null) {
            return CompletableFuture.completedFuture(ErrorResponses.of(404, "Unknown URL: " + request.getMethodName()
                    + " " + LogText.quote(request.getPath()) + " (Google's OpenAI layer is served under " + PREFIX
                    + "<path>, with plain path segments).", ErrorResponses.INVALID_REQUEST, null, "not_found"));
        }
        String query = request.getUri().getRawQuery();
        CompletableFuture<NativeResponse> call;
        try {
            call = gemini.forwardOpenAiLayer(method, resource, query, body, AccessLogFilter.trace(request));
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.thenCompose(response -> relay.answer(request, response, isStream(response)))
                .handle((response, failure) -> failure == null ? response : failed(request, failure));
    }

    // Google's layer streams as server-sent events; anything else is one body
    private static boolean isStream(NativeResponse response) {
        String type = response.contentType();
        return type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith(MediaType.TEXT_EVENT_STREAM);
    }

    /** The path after the prefix, decoded once, or null when it is not plain path segments. */
    static String resource(HttpRequest<?> request) {
        String raw = request.getUri().getRawPath();
        if (!raw.startsWith(PREFIX)) {
            return null;
        }
        String decoded;
        try {
            // URLDecoder is for forms: keep a literal '+' a plus
            decoded = URLDecoder.decode(raw.substring(PREFIX.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return null;
        }
        if (!SEGMENTS.matcher(decoded).matches()) {
            return null;
        }
        for (String segment : decoded.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return null;
            }
        }
        return decoded;
    }

    private static MutableHttpResponse<byte[]> failed(HttpRequest<?> request, Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        GeminiBalanceException e = GeminiBalanceException.from(t);
        AccessLogFilter.trace(request).errorCode(e.code().orElse(e.type())); // for the request record
        if ("internal_error".equals(e.code().orElse(null))) {
            log.error("request_id={} {} failed: {}", AccessLogFilter.id(request),
                    LogText.quote(request.getMethodName() + " " + request.getPath()), LogText.quote(e.getMessage()), e);
        }
        return ErrorResponses.of(e);
    }

    private static byte[] errorBody(GeminiBalanceException e) {
        return ErrorResponses.envelope(e.getMessage(), e.type(), e.param().orElse(null), e.code().orElse(null));
    }
}
