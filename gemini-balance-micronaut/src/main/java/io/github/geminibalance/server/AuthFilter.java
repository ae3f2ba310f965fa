package io.github.geminibalance.server;

import io.github.geminibalance.TokenVerifier;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.util.List;

/**
 * Requires {@code Authorization: Bearer <token>} on every path except {@code /health} and CORS preflights.
 * Client endpoints accept a token from {@code ALLOWED_TOKENS}; {@code /admin/**} accepts only
 * {@code AUTH_TOKEN} and does not exist when that is unset. The Gemini-native routes
 * ({@link NativeController}) also take the token where Google's clients put their API key, the
 * {@code x-goog-api-key} header or the {@code key} query parameter, and refuse in Gemini's error shape.
 * Tokens are compared in constant time and never logged or echoed; an accepted one is labelled
 * ({@link TokenVerifier#label}) for the access log. Runs after {@link OpenCorsFilter},
 * so refusals carry CORS headers.
 */
@ServerFilter(Filter.MATCH_ALL_PATTERN)
final class AuthFilter implements Ordered {

    /** The one path that needs no token. */
    static final String HEALTH_PATH = "/health";
    private static final String ADMIN_PREFIX = "/admin";
    /** The header Google's SDKs send the API key in. */
    static final String GOOG_API_KEY = "x-goog-api-key";

    private final TokenVerifier clientTokens;
    private final TokenVerifier adminTokens;

    AuthFilter(ServerConfig config) {
        this.clientTokens = new TokenVerifier(config.allowedTokens());
        this.adminTokens = new TokenVerifier(config.authToken() == null ? List.of() : List.of(config.authToken()));
    }

    /** Lets the request through (null), or answers 401/404 (in Gemini's shape on the native routes). */
    @RequestFilter
    @Nullable
    HttpResponse<?> authenticate(HttpRequest<?> request) {
        String path = request.getPath();
        if (HEALTH_PATH.equals(path) || OpenCorsFilter.isPreflight(request)) {
            return null;
        }
        String token = TokenVerifier.bearerToken(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        if (NativeController.isNativePath(path)) {
            return authenticateNative(request, token);
        }
        boolean admin = path.equals(ADMIN_PREFIX) || path.startsWith(ADMIN_PREFIX + "/");
        if (admin && adminTokens.isEmpty()) {
            return ErrorResponses.of(404, "Unknown URL: " + request.getMethodName() + " " + path
                    + " (the admin API is off: AUTH_TOKEN is not set).", ErrorResponses.INVALID_REQUEST, null,
                    "not_found");
        }
        if (token == null) {
            return unauthorized("Missing bearer token: send the header 'Authorization: Bearer <token>'.");
        }
        boolean accepted = admin ? adminTokens.verify(token) : clientTokens.verify(token);
        if (!accepted) {
            return unauthorized(admin ? "Invalid admin token (the admin API accepts only AUTH_TOKEN)."
                    : "Invalid API token.");
        }
        request.setAttribute(AccessLogFilter.LABEL_ATTRIBUTE, TokenVerifier.label(token));
        return null;
    }

    /**
     * Native routes: any of the three places may hold a client token; the request passes when one that
     * is present verifies. Every present one is checked, so timing does not tell which one failed.
     */
    @Nullable
    private HttpResponse<?> authenticateNative(HttpRequest<?> request, @Nullable String bearer) {
        String header = request.getHeaders().get(GOOG_API_KEY);
        String query = request.getParameters().get("key");
        String accepted = null;
        boolean presented = false;
        for (String candidate : new String[] {header, query, bearer}) {
            if (candidate != null && !candidate.isBlank()) {
                presented = true;
                if (clientTokens.verify(candidate.strip()) && accepted == null) {
                    accepted = candidate.strip();
                }
            }
        }
        if (accepted != null) {
            request.setAttribute(AccessLogFilter.LABEL_ATTRIBUTE, TokenVerifier.label(accepted));
            return null;
        }
        return NativeErrors.of(401, presented
                ? "API key not valid: it is not one of this proxy's client tokens (ALLOWED_TOKENS)."
                : "Missing API key: send a client token in the 'x-goog-api-key' header, the 'key' query "
                        + "parameter or 'Authorization: Bearer <token>'.");
    }

    private static HttpResponse<?> unauthorized(String message) {
        return ErrorResponses.of(401, message, ErrorResponses.INVALID_REQUEST, null, "invalid_api_key")
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.order();
    }
}
