package io.github.geminibalance.server;

import io.github.geminibalance.TokenVerifier;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.util.List;

/**
 * Requires {@code Authorization: Bearer <token>} on every path except {@code /health}, CORS preflights and
 * the kept images ({@code GET /images/{id}.{ext}}, whose random id is the secret).
 * Client endpoints accept a token from {@code ALLOWED_TOKENS}; {@code /admin/**} accepts only
 * {@code AUTH_TOKEN} and does not exist when that is unset. The Gemini-native routes
 * ({@link NativeController}) also take the token where Google's clients put their API key, the
 * {@code x-goog-api-key} header or the {@code key} query parameter, and refuse in Gemini's error shape;
 * the Anthropic routes ({@link MessagesController}) take it in {@code x-api-key} and refuse in
 * Anthropic's shape.
 * Tokens are compared in constant time and never logged or echoed; an accepted one is labelled
 * ({@link TokenVerifier#label}) for the access log. Runs after {@link OpenCorsFilter},
 * so refusals carry CORS headers.
 *
 * <p>The admin also accepts the web admin's session cookie ({@link AdminSessions}) instead of the bearer
 * token, so that its pages can call the JSON admin API. A request authenticated by the cookie that changes
 * something (any method but GET and HEAD) must also carry the session's CSRF token in
 * {@value AdminSessions#CSRF_HEADER}, else 403; a bearer token needs none (browsers never add it by
 * themselves). The login page and the admin's static assets ({@link AdminUiController#isPublic}) are
 * open, the admin page itself sends a browser without a session to the login page, and everything else
 * answers 401 without a valid token or session.
 */
@ServerFilter(Filter.MATCH_ALL_PATTERN)
final class AuthFilter implements Ordered {

    /** The one path that needs no token. */
    static final String HEALTH_PATH = "/health";
    private static final String ADMIN_PREFIX = "/admin";
    /** The header Google's SDKs send the API key in. */
    static final String GOOG_API_KEY = "x-goog-api-key";
    /** The header the Anthropic SDKs send the API key in. */
    static final String ANTHROPIC_API_KEY = "x-api-key";

    /** The request attribute holding the {@link AdminSessions.Session} of a request authenticated by cookie. */
    static final String SESSION_ATTRIBUTE = "gemini-balance.admin-session";

    private final TokenVerifier clientTokens;
    private final TokenVerifier adminTokens;
    private final AdminSessions sessions;
    private final String adminLabel;

    AuthFilter(ServerConfig config, AdminSessions sessions) {
        this.clientTokens = new TokenVerifier(config.allowedTokens());
        this.adminTokens = new TokenVerifier(config.authToken() == null ? List.of() : List.of(config.authToken()));
        this.sessions = sessions;
        this.adminLabel = config.authToken() == null ? null : TokenVerifier.label(config.authToken());
    }

    /** Lets the request through (null), or answers 401/404 (in Gemini's shape on the native routes). */
    @RequestFilter
    @Nullable
    HttpResponse<?> authenticate(HttpRequest<?> request) {
        String path = request.getPath();
        if (HEALTH_PATH.equals(path) || OpenCorsFilter.isPreflight(request)) {
            return null;
        }
        if (ImagesController.isImagePath(path) && isSafe(request.getMethod())) {
            return null; // a kept image: its random id is the secret
        }
        String token = TokenVerifier.bearerToken(request.getHeaders().get(HttpHeaders.AUTHORIZATION));
        if (NativeController.isNativePath(path)) {
            return authenticateNative(request, token);
        }
        if (isAdmin(path)) {
            return authenticateAdmin(request, path, token);
        }
        if (MessagesController.isMessagesPath(path)) {
            return authenticateAnthropic(request, token);
        }
        if (token == null) {
            return unauthorized("Missing bearer token: send the header 'Authorization: Bearer <token>'.");
        }
        String label = clientTokens.labelIfAllowed(token);
        if (label == null) {
            return unauthorized("Invalid API token.");
        }
        request.setAttribute(AccessLogFilter.LABEL_ATTRIBUTE, label);
        return null;
    }

    /** Whether a path is the admin's: the JSON admin API and the web admin. */
    static boolean isAdmin(String path) {
        return path.equals(ADMIN_PREFIX) || path.startsWith(ADMIN_PREFIX + "/");
    }

    /**
     * The admin: 404 while {@code AUTH_TOKEN} is unset; the login page and assets open; else the bearer
     * {@code AUTH_TOKEN}, or a valid session cookie plus, on a change, the session's CSRF token.
     */
    @Nullable
    private HttpResponse<?> authenticateAdmin(HttpRequest<?> request, String path, @Nullable String token) {
        if (adminTokens.isEmpty()) {
            return ErrorResponses.of(404, "Unknown URL: " + request.getMethodName() + " " + path
                    + " (the admin API is off: AUTH_TOKEN is not set).", ErrorResponses.INVALID_REQUEST, null,
                    "not_found");
        }
        if (AdminUiController.isPublic(path)) {
            return null; // the login page and its assets; the login handler checks the token itself
        }
        if (token != null) {
            if (!adminTokens.verify(token)) {
                return unauthorized("Invalid admin token (the admin API accepts only AUTH_TOKEN).");
            }
            request.setAttribute(AccessLogFilter.LABEL_ATTRIBUTE, adminLabel);
            return null;
        }
        String cookie = request.getCookies().findCookie(AdminSessions.COOKIE)
                .map(io.micronaut.http.cookie.Cookie::getValue).orElse(null);
        AdminSessions.Session session = sessions.verify(cookie);
        if (session == null) {
            if (AdminUiController.isPage(path) && isSafe(request.getMethod())) {
                return AdminUiController.toLogin(); // a browser opening the admin: the login form
            }
            return unauthorized(cookie == null
                    ? "Missing bearer token: send the header 'Authorization: Bearer <AUTH_TOKEN>', or log in at "
                            + AdminUiController.LOGIN_PATH + "."
                    : "The admin session has ended or is not valid: log in again at "
                            + AdminUiController.LOGIN_PATH + ".");
        }
        if (!isSafe(request.getMethod())
                && !sessions.csrfMatches(session, request.getHeaders().get(AdminSessions.CSRF_HEADER))) {
            return ErrorResponses.of(403, "Missing or wrong " + AdminSessions.CSRF_HEADER + " header: a change made "
                    + "with the admin session cookie must carry the session's CSRF token (GET "
                    + AdminUiController.SESSION_PATH + ").", ErrorResponses.INVALID_REQUEST, null, "csrf_token_invalid");
        }
        request.setAttribute(SESSION_ATTRIBUTE, session);
        request.setAttribute(AccessLogFilter.LABEL_ATTRIBUTE, adminLabel);
        return null;
    }

    private static boolean isSafe(HttpMethod method) {
        return method == HttpMethod.GET || method == HttpMethod.HEAD;
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

    /**
     * The Anthropic Messages routes: the client token in {@code x-api-key} (what the Anthropic SDKs and
     * Claude Code send) or as a bearer token; refusals in Anthropic's shape. Both present ones are checked.
     */
    @Nullable
    private HttpResponse<?> authenticateAnthropic(HttpRequest<?> request, @Nullable String bearer) {
        String header = request.getHeaders().get(ANTHROPIC_API_KEY);
        String accepted = null;
        boolean presented = false;
        for (String candidate : new String[] {header, bearer}) {
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
        return AnthropicErrors.of(401, presented ? "invalid x-api-key: it is not one of this proxy's client tokens"
                : "x-api-key header is required (a client token of this proxy; 'Authorization: Bearer' works too)");
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
