package io.github.geminibalance.server;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.http.server.cors.CorsFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * CORS for the client API, following {@code CORS_ALLOWED_ORIGINS}: with {@code *} (the default) any
 * origin may call it, since browser apps send a bearer token, never cookies, so {@code *} without
 * credentials is safe; with a list, a listed origin is echoed back (with {@code Vary: Origin}) and other
 * origins get no CORS headers at all, so browsers refuse to show them the answer. Preflights are answered
 * before authentication (browsers send them without the {@code Authorization} header). {@code /admin}
 * never gets CORS headers: the admin API is for operators' tools, not for web pages.
 *
 * <p>Replaces Micronaut's {@link CorsFilter}, which forbids cross-origin requests to a server bound to
 * localhost even when CORS is disabled: exactly the setup of a local proxy used from a web UI.
 */
@ServerFilter(Filter.MATCH_ALL_PATTERN)
@Replaces(CorsFilter.class)
final class OpenCorsFilter implements Ordered {

    /** How long browsers may cache a preflight answer, in seconds. */
    static final String MAX_AGE = "600";
    private static final String ALLOWED_METHODS = "GET, POST, OPTIONS";
    /**
     * The request headers browsers may send: what the OpenAI and Google SDKs and chat front ends use.
     * Anything else (cookies aside, which never authenticate here) has no business in a call.
     */
    static final Set<String> ALLOWED_HEADERS = Set.of("authorization", "content-type", "x-api-key",
            "x-goog-api-key", "x-goog-api-client", "anthropic-version", "x-request-id", "openai-beta",
            "openai-organization", "openai-project", "accept", "accept-language", "content-language",
            "cache-control");
    /** Header prefixes allowed as a family: the OpenAI SDKs' platform headers. */
    private static final String STAINLESS_PREFIX = "x-stainless-";
    private static final String DEFAULT_ALLOWED_HEADERS = "authorization, content-type, x-api-key, x-goog-api-key";
    private static final String EXPOSED_HEADERS = "Retry-After, retry-after-ms";
    private static final String ADMIN_PREFIX = "/admin";

    private final boolean anyOrigin;
    private final Set<String> origins;

    OpenCorsFilter(ServerSettings settings) {
        this.anyOrigin = settings.corsAnyOrigin();
        this.origins = Set.copyOf(settings.corsAllowedOrigins());
    }

    /** Whether the request is a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
    static boolean isPreflight(HttpRequest<?> request) {
        HttpHeaders headers = request.getHeaders();
        return request.getMethod() == HttpMethod.OPTIONS && headers.contains(HttpHeaders.ORIGIN)
                && headers.contains(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
    }

    private static boolean isAdmin(String path) {
        return path.equals(ADMIN_PREFIX) || path.startsWith(ADMIN_PREFIX + "/");
    }

    /**
     * The {@code Access-Control-Allow-Origin} value for this request, or null when it gets no CORS
     * headers (no Origin, an origin not allowed, or the admin API).
     */
    @Nullable
    private String allowOrigin(HttpRequest<?> request) {
        String origin = request.getHeaders().get(HttpHeaders.ORIGIN);
        if (origin == null || isAdmin(request.getPath())) {
            return null;
        }
        if (anyOrigin) {
            return "*";
        }
        return origins.contains(origin.strip().toLowerCase(Locale.ROOT)) ? origin.strip() : null;
    }

    /**
     * Answers preflights: 204 with the CORS headers for an allowed origin, 403 without any otherwise
     * (the browser then refuses the call); lets everything else through.
     */
    @RequestFilter
    @Nullable
    HttpResponse<?> preflight(HttpRequest<?> request) {
        if (!isPreflight(request)) {
            return null;
        }
        String allowOrigin = allowOrigin(request);
        if (allowOrigin == null) {
            return HttpResponse.status(HttpStatus.FORBIDDEN).header(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        }
        MutableHttpResponse<?> response = HttpResponse.status(HttpStatus.NO_CONTENT)
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin)
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
                        allowedHeaders(request.getHeaders().get(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS)))
                .header(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE);
        if (!anyOrigin) {
            response.header(HttpHeaders.VARY, HttpHeaders.ORIGIN);
        }
        return response;
    }

    /**
     * The requested headers that are allowed, in the order asked (a browser fails the preflight if one
     * it needs is missing), or the default list when none were asked for.
     */
    static String allowedHeaders(@Nullable String requested) {
        if (requested == null || requested.isBlank()) {
            return DEFAULT_ALLOWED_HEADERS;
        }
        List<String> allowed = new ArrayList<>();
        for (String name : requested.split(",")) {
            String header = name.strip().toLowerCase(Locale.ROOT);
            if (ALLOWED_HEADERS.contains(header)
                    || (header.startsWith(STAINLESS_PREFIX) && header.matches("[a-z0-9-]+"))) {
                allowed.add(header);
            }
        }
        return allowed.isEmpty() ? DEFAULT_ALLOWED_HEADERS : String.join(", ", allowed);
    }

    /** Adds the CORS headers to actual responses from allowed origins, errors included. */
    @ResponseFilter
    void decorate(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (!anyOrigin && !isAdmin(request.getPath())
                && !response.getHeaders().getAll(HttpHeaders.VARY).contains(HttpHeaders.ORIGIN)) {
            response.getHeaders().add(HttpHeaders.VARY, HttpHeaders.ORIGIN); // the answer depends on Origin
        }
        if (response.getHeaders().contains(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)) {
            return;
        }
        String allowOrigin = allowOrigin(request);
        if (allowOrigin == null) {
            return;
        }
        response.header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin);
        response.header(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
