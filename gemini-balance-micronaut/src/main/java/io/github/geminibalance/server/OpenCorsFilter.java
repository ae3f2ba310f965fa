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

/**
 * CORS for every endpoint, open to all origins: browser apps call the proxy with a bearer token, never
 * with cookies, so {@code *} without credentials is safe. Preflights are answered 204 before
 * authentication (browsers send them without the {@code Authorization} header); every other response,
 * errors included, carries {@code Access-Control-Allow-Origin} and exposes the retry headers.
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
    private static final String DEFAULT_ALLOWED_HEADERS = "Authorization, Content-Type";
    private static final String EXPOSED_HEADERS = "Retry-After, retry-after-ms";

    /** Whether the request is a CORS preflight: OPTIONS with Origin and Access-Control-Request-Method. */
    static boolean isPreflight(HttpRequest<?> request) {
        HttpHeaders headers = request.getHeaders();
        return request.getMethod() == HttpMethod.OPTIONS && headers.contains(HttpHeaders.ORIGIN)
                && headers.contains(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD);
    }

    /** Answers preflights; lets everything else through. */
    @RequestFilter
    @Nullable
    HttpResponse<?> preflight(HttpRequest<?> request) {
        if (!isPreflight(request)) {
            return null;
        }
        String requested = request.getHeaders().get(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS);
        return HttpResponse.status(HttpStatus.NO_CONTENT)
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
                .header(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
                        requested == null || requested.isBlank() ? DEFAULT_ALLOWED_HEADERS : requested)
                .header(HttpHeaders.ACCESS_CONTROL_MAX_AGE, MAX_AGE);
    }

    /** Adds the CORS headers to actual responses, errors included. */
    @ResponseFilter
    void decorate(HttpRequest<?> request, MutableHttpResponse<?> response) {
        if (response.getHeaders().contains(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN)) {
            return;
        }
        response.header(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        response.header(HttpHeaders.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.order();
    }
}
