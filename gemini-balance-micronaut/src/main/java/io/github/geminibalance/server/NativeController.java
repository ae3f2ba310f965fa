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
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Gemini-native API for clients that speak Gemini's own REST protocol (Google's genai SDKs, Gemini
 * CLI), under {@code /v1beta} and {@code /gemini/v1beta}: a passthrough with a pooled key. The body is
 * forwarded byte for byte (every Gemini feature and unknown field survives), and Gemini's answer comes
 * back unchanged, with its status and content type; streams are relayed as they arrive: {@code alt=sse}
 * gives server-sent events, no {@code alt} gives Gemini's JSON-array stream, exactly as the client asked.
 *
 * <p>Served: {@code GET models}, {@code GET models/{model}}, and {@code POST models/{model}:method}
 * for {@code generateContent}, {@code streamGenerateContent}, {@code countTokens}, {@code embedContent}
 * and {@code batchEmbedContents}. The route is a catch-all because Micronaut's templates cannot hold
 * the colon of {@code model:method}; the resource is checked against that list here, so a token
 * cannot reach any other Google API with the pool's keys. The client's token ({@code x-goog-api-key},
 * {@code ?key=} or bearer, checked by {@link AuthFilter}) is never forwarded: the core sends a pool key
 * in {@code x-goog-api-key}, and {@code key} is removed from the query. Failures are answered in
 * Gemini's error shape ({@link NativeErrors}), also when Gemini's body breaks after its {@code 200}
 * head, and the pool's keys are masked in what Gemini sends ({@link NativeRelay}).
 *
 * <p>The handlers declare the route's {@code path} variable as Micronaut requires, but read the raw
 * request URI instead, so escapes such as {@code %2F} are decoded once, here, and then checked. As in
 * {@link OpenAiController}, the body is a {@code @Nullable byte[]} (an empty POST is forwarded as such);
 * Micronaut's processor warns about {@code @Nullable} on a "primitive" type, which a {@code byte[]} is not.
 */
@Controller
final class NativeController {

    /** The path prefixes of the native API (Vertex express is authenticated and answered the same way). */
    static final List<String> PREFIXES = List.of("/v1beta", "/gemini/v1beta", VertexExpressController.PREFIX);

    private static final Logger log = LoggerFactory.getLogger(NativeController.class);
    private static final String MODEL_ID = "[A-Za-z0-9][A-Za-z0-9._-]*";
    private static final Pattern MODEL = Pattern.compile("models/(" + MODEL_ID + ")");
    private static final Pattern CALL = Pattern.compile("models/(" + MODEL_ID + "):([A-Za-z]+)");
    /** The native calls served after {@code models/{model}:}. */
    static final Set<String> METHODS = Set.of("generateContent", "streamGenerateContent", "countTokens",
            "embedContent", "batchEmbedContents");
    /** The calls after {@code models/{model}:} that create a batch ({@link KeyBoundController}). */
    static final Set<String> BATCH_METHODS = Set.of("batchGenerateContent", "asyncBatchEmbedContent");

    private final GeminiBalance gemini;
    private final NativeRelay relay;
    private final RequestRecords records;
    private final FilesSettings files;
    private final KeyBoundController keyBound;

    NativeController(GeminiBalance gemini, RequestRecords records, SseResponses sse, FilesSettings files,
            KeyBoundController keyBound) {
        this.files = files;
        this.keyBound = keyBound;
        this.gemini = gemini;
        this.relay = new NativeRelay(new KeyScrubbers(gemini::keyValues), NativeErrors::body, sse::keepAlive);
        this.records = records;
    }

    /**
     * Whether a request path belongs to the native API, the Files API's upload endpoint included (so it
     * is authenticated and answered Gemini's way).
     */
    static boolean isNativePath(String path) {
        if (FilesController.isUploadPath(path) || FilesController.isDownloadPath(path)) {
            return true;
        }
        for (String prefix : PREFIXES) {
            if (path.equals(prefix) || path.startsWith(prefix + "/")) {
                return true;
            }
        }
        return false;
    }

    /** {@code GET models} (Gemini's list, paged as the client asks) and {@code GET models/{model}}. */
    @Get(uris = {"/v1beta/{+path}", "/gemini/v1beta/{+path}"},
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<MutableHttpResponse<byte[]>> get(HttpRequest<?> request, @PathVariable String path) {
        String resource = resource(request);
        if (resource == null || !(resource.equals("models") || MODEL.matcher(resource).matches())) {
            return notFound(request, resource, "GET serves models and models/{model}");
        }
        return forward(request, "GET", resource, null);
    }

    /** {@code POST models/{model}:generateContent}, {@code :streamGenerateContent} and the others. */
    @Post(uris = {"/v1beta/{+path}", "/gemini/v1beta/{+path}"}, consumes = MediaType.ALL,
            produces = {MediaType.APPLICATION_JSON, MediaType.TEXT_EVENT_STREAM})
    CompletableFuture<MutableHttpResponse<byte[]>> post(HttpRequest<?> request, @PathVariable String path,
            @Nullable @Body byte[] body) {
        String resource = resource(request);
        Matcher call = resource == null ? null : CALL.matcher(resource);
        if (call != null && call.matches() && BATCH_METHODS.contains(call.group(2))) {
            return keyBound.createBatch(request, resource, body); // a batch lives with its key
        }
        if (call == null || !call.matches() || !METHODS.contains(call.group(2))) {
            return notFound(request, resource, "POST serves models/{model}:" + String.join(", :", sorted()));
        }
        records.keepBody(request, body);
        return forward(request, "POST", resource, body == null ? new byte[0] : body);
    }

    // The method is the route's, not the request's: Micronaut also routes HEAD to the GET handler.
    private CompletableFuture<MutableHttpResponse<byte[]>> forward(HttpRequest<?> request, String method,
            String resource, byte[] body) {
        String query = withoutKey(request.getUri().getRawQuery());
        if (query != null && !validQuery(query)) {
            return CompletableFuture.completedFuture(NativeErrors.of(400,
                    "The query string is not valid: escape special characters as %XX."));
        }
        CompletableFuture<NativeResponse> call;
        try {
            // a request naming an uploaded file goes to the file's key, if the file is the caller's
            String owner = files.userIsolation()
                    ? request.getAttribute(AccessLogFilter.LABEL_ATTRIBUTE, String.class).orElse("") : null;
            call = gemini.forward(method, resource, query, body, AccessLogFilter.trace(request), owner);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        boolean stream = resource.endsWith(":streamGenerateContent");
        return call.thenCompose(response -> relay.answer(request, response, stream))
                .handle((response, failure) -> failure == null ? response : failed(request, failure));
    }

    private static MutableHttpResponse<byte[]> failed(HttpRequest<?> request, Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        GeminiBalanceException e = GeminiBalanceException.from(t);
        int status = e.httpStatus();
        String route = LogText.quote(request.getMethodName() + " " + request.getPath());
        String id = AccessLogFilter.id(request);
        AccessLogFilter.trace(request).errorCode(e.code().orElse(e.type())); // for the request record
        if ("internal_error".equals(e.code().orElse(null))) {
            log.error("request_id={} {} failed: {}", id, route, LogText.quote(e.getMessage()), e);
        } else if (status >= 500) {
            log.warn("request_id={} {} -> {}: {}", id, route, status, LogText.quote(e.getMessage()));
        } else {
            log.debug("request_id={} {} -> {}: {}", id, route, status, LogText.quote(e.getMessage()));
        }
        return NativeErrors.of(e);
    }

    private static CompletableFuture<MutableHttpResponse<byte[]>> notFound(HttpRequest<?> request, String resource,
            String served) {
        String what = resource == null ? request.getPath() : resource;
        return CompletableFuture.completedFuture(NativeErrors.of(404, "Unknown resource for "
                + request.getMethodName() + ": " + what + " (this proxy's native API " + served + ")."));
    }

    /**
     * The resource path after the prefix, percent-decoded ({@code models/gemini-2.5-flash:generateContent},
     * whether the colon came raw or as {@code %3A}), or null when it cannot be decoded.
     */
    static String resource(HttpRequest<?> request) {
        String raw = request.getUri().getRawPath();
        for (String prefix : List.of("/gemini/v1beta/", "/v1beta/")) {
            if (raw.startsWith(prefix)) {
                try {
                    // URLDecoder is for forms: keep a literal '+' a plus
                    return URLDecoder.decode(raw.substring(prefix.length()).replace("+", "%2B"), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException badEscape) {
                    return null;
                }
            }
        }
        return null;
    }

    /** The raw query without any {@code key} parameter (the client's token), or null when nothing is left. */
    static String withoutKey(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        StringJoiner kept = new StringJoiner("&");
        for (String param : rawQuery.split("&")) {
            if (param.isEmpty()) {
                continue;
            }
            int eq = param.indexOf('=');
            String name = eq < 0 ? param : param.substring(0, eq);
            String decoded;
            try {
                decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException badEscape) {
                decoded = name;
            }
            if (!decoded.equals("key")) {
                kept.add(param);
            }
        }
        return kept.length() == 0 ? null : kept.toString();
    }

    private static boolean validQuery(String query) {
        try {
            new URI("http://gemini.invalid/?" + query);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static List<String> sorted() {
        return METHODS.stream().sorted().toList();
    }
}
