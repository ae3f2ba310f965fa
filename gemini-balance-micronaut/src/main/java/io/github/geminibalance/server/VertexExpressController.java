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
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vertex AI express mode, for Gemini-native clients: {@code POST /vertex-express/v1beta/models/{model}:generateContent}
 * and {@code :streamGenerateContent}, sent to {@code VERTEX_EXPRESS_BASE_URL} with a key of the Vertex pool
 * ({@code VERTEX_API_KEYS}). Authenticated, forwarded and answered as the native routes are ({@link
 * NativeController}): the body byte for byte, the client's token never sent on, Gemini's error shape, the
 * pools' keys masked in what comes back.
 */
@Controller
final class VertexExpressController {

    /** The path prefix of the Vertex express routes. */
    static final String PREFIX = "/vertex-express/v1beta";

    private static final Logger log = LoggerFactory.getLogger(VertexExpressController.class);
    private static final Pattern CALL = Pattern.compile("models/([A-Za-z0-9][A-Za-z0-9._-]*):(generateContent|streamGenerateContent)");
    private static final String SERVED = "POST serves models/{model}:generateContent and models/{model}:streamGenerateContent";

    private final GeminiBalance gemini;
    private final NativeRelay relay;
    private final RequestRecords records;

    VertexExpressController(GeminiBalance gemini, RequestRecords records) {
        this.gemini = gemini;
        this.relay = new NativeRelay(new KeyScrubbers(new BothPools(gemini)));
        this.records = records;
    }

    /** Both pools' keys, one list instance while the Gemini pool's do not change (see {@link KeyScrubbers}). */
    private static final class BothPools implements java.util.function.Supplier<List<String>> {
        private final GeminiBalance gemini;
        private volatile Joined joined;

        private record Joined(List<String> gemini, List<String> both) {}

        BothPools(GeminiBalance gemini) {
            this.gemini = gemini;
        }

        @Override
        public List<String> get() {
            List<String> now = gemini.keyValues();
            Joined j = joined;
            if (j == null || j.gemini() != now) {
                List<String> both = new java.util.ArrayList<>(now);
                both.addAll(gemini.vertex().keyValues());
                j = new Joined(now, List.copyOf(both));
                joined = j; // a racing thread may build its own: both are right
            }
            return j.both();
        }
    }

    /** The record route of a Vertex express request ({@code vertex.generateContent}), or null for others. */
    static String route(HttpRequest<?> request) {
        String resource = resource(request);
        Matcher m = resource == null ? null : CALL.matcher(resource);
        return m != null && m.matches() ? "vertex." + m.group(2) : null;
    }

    /** Anything but the two generate calls: 404 in Gemini's shape. */
    @Get(uris = {PREFIX, PREFIX + "/{+path}"}, produces = MediaType.APPLICATION_JSON)
    CompletableFuture<MutableHttpResponse<byte[]>> get(HttpRequest<?> request, @Nullable @PathVariable String path) {
        return notFound(request, resource(request));
    }

    /** {@code POST models/{model}:generateContent} and {@code :streamGenerateContent}. */
    @Post(uris = PREFIX + "/{+path}", consumes = MediaType.ALL,
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<MutableHttpResponse<byte[]>> post(HttpRequest<?> request, @PathVariable String path,
            @Nullable @Body byte[] body) {
        String resource = resource(request);
        Matcher call = resource == null ? null : CALL.matcher(resource);
        if (call == null || !call.matches()) {
            return notFound(request, resource);
        }
        records.keepBody(request, body);
        String query = NativeController.withoutKey(request.getUri().getRawQuery());
        if (query != null && !validQuery(query)) {
            return CompletableFuture.completedFuture(NativeErrors.of(400,
                    "The query string is not valid: escape special characters as %XX."));
        }
        CompletableFuture<NativeResponse> answer;
        try {
            answer = gemini.vertex().forward(resource, query, body == null ? new byte[0] : body,
                    AccessLogFilter.trace(request));
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        boolean stream = call.group(2).equals("streamGenerateContent");
        return answer.thenCompose(response -> relay.answer(request, response, stream))
                .handle((response, failure) -> failure == null ? response : failed(request, failure));
    }

    private static boolean validQuery(String query) {
        try {
            new java.net.URI("http://gemini.invalid/?" + query);
            return true;
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    private static MutableHttpResponse<byte[]> failed(HttpRequest<?> request, Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        GeminiBalanceException e = GeminiBalanceException.from(t);
        AccessLogFilter.trace(request).errorCode(e.code().orElse(e.type()));
        String route = LogText.quote(request.getMethodName() + " " + request.getPath());
        if ("internal_error".equals(e.code().orElse(null))) {
            log.error("request_id={} {} failed: {}", AccessLogFilter.id(request), route, LogText.quote(e.getMessage()), e);
        } else if (e.httpStatus() >= 500) {
            log.warn("request_id={} {} -> {}: {}", AccessLogFilter.id(request), route, e.httpStatus(),
                    LogText.quote(e.getMessage()));
        }
        return NativeErrors.of(e);
    }

    private static CompletableFuture<MutableHttpResponse<byte[]>> notFound(HttpRequest<?> request, String resource) {
        String what = resource == null ? request.getPath() : resource;
        return CompletableFuture.completedFuture(NativeErrors.of(404, "Unknown resource for "
                + request.getMethodName() + ": " + what + " (the Vertex express API " + SERVED + ")."));
    }

    /** The resource after the prefix, percent-decoded, or null. */
    private static String resource(HttpRequest<?> request) {
        String raw = request.getUri().getRawPath();
        if (!raw.startsWith(PREFIX + "/")) {
            return null;
        }
        try {
            return URLDecoder.decode(raw.substring(PREFIX.length() + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return null;
        }
    }
}
