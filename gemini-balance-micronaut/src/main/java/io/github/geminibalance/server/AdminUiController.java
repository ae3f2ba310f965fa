package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.TokenVerifier;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The web admin: its pages, their files, and login, logout and the session. The pages hold no data
 * and no secret; they call the JSON admin API ({@code /admin/keys}, ...) with the session cookie.
 *
 * <ul>
 *   <li>{@code GET /admin/}: the keys page ({@link AuthFilter} sends a browser without a session to the
 *       login page);
 *   <li>{@code GET /admin/pages/usage}, {@code GET /admin/pages/logs}: the usage and logs pages (same rule);
 *   <li>{@code GET /admin/login}: the login form; {@code POST /admin/login} with the form field
 *       {@code token}: 204 and the session cookie when it is {@code AUTH_TOKEN}, 401 when not, 429 with
 *       {@code Retry-After} while the client's address must wait ({@link LoginThrottle});
 *   <li>{@code POST /admin/logout}: ends the session (a change: with the CSRF token) and deletes the cookie;
 *   <li>{@code GET /admin/session}: the session's CSRF token and end, for the pages' scripts;
 *   <li>{@code GET /admin/ui/<file>}: scripts, styles, language bundles ({@link AdminUiAssets}).
 * </ul>
 *
 * <p>The cookie is {@code HttpOnly}, {@code SameSite=Strict}, limited to {@code /admin}, lasts
 * {@code ADMIN_SESSION_EXPIRE}, and is {@code Secure} when the request came over HTTPS: over TLS to this
 * server, or through a reverse proxy that says so in {@code X-Forwarded-Proto: https} (honoured for this
 * flag only: a client that fakes it only stops its own browser from sending the cookie over plain HTTP).
 * Pages carry a strict Content-Security-Policy: scripts, styles and requests from this origin only, no
 * inline script or style, no framing.
 */
@Controller("/admin")
final class AdminUiController {

    static final String LOGIN_PATH = "/admin/login";
    static final String LOGOUT_PATH = "/admin/logout";
    static final String SESSION_PATH = "/admin/session";
    /** The settings page. */
    static final String SETTINGS_PATH = "/admin/pages/settings";
    static final String ASSETS_PREFIX = "/admin/ui/";
    static final String USAGE_PAGE = "/admin/pages/usage";
    static final String LOGS_PAGE = "/admin/pages/logs";

    /** The pages' policy: nothing but this origin's own files and API; no inline code, no frames. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    private static final String FORWARDED_PROTO = "X-Forwarded-Proto";
    private static final java.util.regex.Pattern ASSET_NAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*\\.[A-Za-z0-9-]+(\\.[a-z]+)?");
    /** A login form is a few hundred bytes; anything far larger is not one. */
    private static final int MAX_LOGIN_BODY = 8 * 1024;

    private final AdminUiAssets assets;
    private final AdminSessions sessions;
    private final LoginThrottle throttle;
    private final TokenVerifier adminToken;

    AdminUiController(AdminSessions sessions, LoginThrottle throttle, ServerConfig config) {
        this.assets = new AdminUiAssets();
        this.sessions = sessions;
        this.throttle = throttle;
        this.adminToken = new TokenVerifier(config.authToken() == null ? List.of() : List.of(config.authToken()));
    }

    /**
     * Whether a path is open without a session: the login form and the admin's static files. A file path
     * must look like one ({@code i18n/en.json}: no dot segments, no escapes); any other path under
     * {@value #ASSETS_PREFIX} needs a session like the rest of the admin, so no router quirk can turn an
     * open prefix into a way around the login.
     */
    static boolean isPublic(String path) {
        return path.equals(LOGIN_PATH)
                || path.startsWith(ASSETS_PREFIX) && ASSET_NAME.matcher(path.substring(ASSETS_PREFIX.length())).matches();
    }

    /** Whether a path is the admin page, to which a browser without a session is sent to log in. */
    static boolean isPage(String path) {
        return path.equals("/admin") || path.equals("/admin/") || path.equals(USAGE_PAGE) || path.equals(LOGS_PAGE)
                || path.equals(SETTINGS_PATH);
    }

    /** 303 to the login form. */
    static MutableHttpResponse<?> toLogin() {
        return HttpResponse.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, LOGIN_PATH)
                .header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    /** {@code GET /admin/}: the keys page. */
    @Get(uris = {"/", ""}, produces = MediaType.TEXT_HTML)
    MutableHttpResponse<byte[]> index() {
        return page("index.html");
    }

    /** {@code GET /admin/pages/settings}: the settings page (its data: {@code /admin/config}). */
    @Get(uri = "/pages/settings", produces = MediaType.TEXT_HTML)
    MutableHttpResponse<byte[]> settingsPage() {
        return page("settings.html");
    }

    /** {@code GET /admin/pages/usage}: the usage page ({@code /admin/usage} is the JSON report it reads). */
    @Get(uri = "/pages/usage", produces = MediaType.TEXT_HTML)
    MutableHttpResponse<byte[]> usagePage() {
        return page("usage.html");
    }

    /** {@code GET /admin/pages/logs}: the request and error records. */
    @Get(uri = "/pages/logs", produces = MediaType.TEXT_HTML)
    MutableHttpResponse<byte[]> logsPage() {
        return page("logs.html");
    }

    /** {@code GET /admin/login}: the login form. */
    @Get(uri = "/login", produces = MediaType.TEXT_HTML)
    MutableHttpResponse<byte[]> loginPage() {
        return page("login.html");
    }

    /** {@code POST /admin/login}: checks the token (form field {@code token}) and opens a session. */
    @Post(uri = "/login", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    MutableHttpResponse<?> login(HttpRequest<?> request, @Nullable @Body byte[] body) {
        InetAddress address = address(request);
        Duration wait = throttle.waitFor(address);
        if (!wait.isZero()) {
            return tooManyAttempts(wait);
        }
        String token = body == null || body.length > MAX_LOGIN_BODY ? null : formField(body, "token");
        if (token == null || !adminToken.verify(token.strip())) {
            Duration next = throttle.failed(address);
            MutableHttpResponse<byte[]> refused = ErrorResponses.of(401, "Wrong admin token: the login takes "
                    + "AUTH_TOKEN.", ErrorResponses.INVALID_REQUEST, "token", "invalid_admin_token");
            if (!next.isZero()) {
                ErrorResponses.retryAfter(refused, next);
            }
            return noStore(refused);
        }
        throttle.succeeded(address);
        AdminSessions.Session session = sessions.issue();
        String cookie = AdminSessions.COOKIE + "=" + sessions.cookieValue(session) + "; Path="
                + AdminSessions.COOKIE_PATH + "; Max-Age=" + sessions.expire().toSeconds() + "; HttpOnly; SameSite=Strict"
                + (secure(request) ? "; Secure" : "");
        return noStore(HttpResponse.noContent().header(HttpHeaders.SET_COOKIE, cookie));
    }

    /** {@code POST /admin/logout}: ends the session here and deletes the cookie. */
    @Post(uri = "/logout", consumes = MediaType.ALL)
    MutableHttpResponse<?> logout(HttpRequest<?> request) {
        request.getAttribute(AuthFilter.SESSION_ATTRIBUTE, AdminSessions.Session.class).ifPresent(sessions::revoke);
        String cookie = AdminSessions.COOKIE + "=; Path=" + AdminSessions.COOKIE_PATH
                + "; Max-Age=0; HttpOnly; SameSite=Strict" + (secure(request) ? "; Secure" : "");
        return noStore(HttpResponse.noContent().header(HttpHeaders.SET_COOKIE, cookie));
    }

    /**
     * {@code GET /admin/session}: {@code {"csrf","expires_at","expire_seconds"}} of the cookie's session
     * ({@code csrf} and {@code expires_at} are null for a bearer-token caller, which needs no CSRF token).
     */
    @Get(uri = "/session", produces = MediaType.APPLICATION_JSON)
    MutableHttpResponse<byte[]> session(HttpRequest<?> request) throws JsonProcessingException {
        AdminSessions.Session session = request.getAttribute(AuthFilter.SESSION_ATTRIBUTE, AdminSessions.Session.class)
                .orElse(null);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("csrf", session == null ? null : sessions.csrfToken(session));
        body.put("expires_at", session == null ? null : session.expiresAt().toString());
        body.put("expire_seconds", sessions.expire().toSeconds());
        return noStore(HttpResponse.ok(GeminiBalance.jsonWriter().writeValueAsBytes(body))
                .contentType(MediaType.APPLICATION_JSON_TYPE));
    }

    /** {@code GET /admin/ui/<file>}: a script, style sheet or language bundle; 304 when unchanged. */
    @Get(uri = "/ui/{+name}")
    MutableHttpResponse<byte[]> asset(@PathVariable String name, HttpRequest<?> request) {
        AdminUiAssets.Asset asset = name.endsWith(".html") ? null : assets.get(name);
        if (asset == null) {
            return ErrorResponses.of(404, "Unknown URL: GET " + ASSETS_PREFIX + "... (no such admin file).",
                    ErrorResponses.INVALID_REQUEST, null, "not_found");
        }
        MutableHttpResponse<byte[]> response = asset.etag().equals(request.getHeaders().get(HttpHeaders.IF_NONE_MATCH))
                ? HttpResponse.notModified()
                : HttpResponse.ok(asset.bytes()).contentType(asset.contentType());
        // revalidated on every use (a cheap 304): a new server version is picked up at once
        return common(response).header(HttpHeaders.ETAG, asset.etag()).header(HttpHeaders.CACHE_CONTROL, "no-cache");
    }

    private MutableHttpResponse<byte[]> page(String name) {
        AdminUiAssets.Asset asset = assets.get(name);
        return noStore(common(HttpResponse.ok(asset.bytes()).contentType(asset.contentType())))
                .header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Frame-Options", "DENY");
    }

    private static MutableHttpResponse<byte[]> tooManyAttempts(Duration wait) {
        MutableHttpResponse<byte[]> response = ErrorResponses.of(429, "Too many wrong logins from this address: "
                + "wait " + Math.max(1, (wait.toMillis() + 999) / 1000) + " s before the next try.",
                ErrorResponses.INVALID_REQUEST, null, "too_many_login_attempts");
        ErrorResponses.retryAfter(response, wait);
        return noStore(response);
    }

    private static <T> MutableHttpResponse<T> common(MutableHttpResponse<T> response) {
        return response.header("X-Content-Type-Options", "nosniff").header("Referrer-Policy", "no-referrer");
    }

    private static <T> MutableHttpResponse<T> noStore(MutableHttpResponse<T> response) {
        return response.header(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    /** Whether the browser reached us over HTTPS: directly, or as a reverse proxy says. */
    static boolean secure(HttpRequest<?> request) {
        if (request.isSecure()) {
            return true;
        }
        String proto = request.getHeaders().get(FORWARDED_PROTO);
        if (proto == null) {
            return false;
        }
        int comma = proto.indexOf(',');
        String first = (comma < 0 ? proto : proto.substring(0, comma)).strip();
        return first.toLowerCase(Locale.ROOT).equals("https");
    }

    @Nullable
    private static InetAddress address(HttpRequest<?> request) {
        InetSocketAddress remote = request.getRemoteAddress();
        return remote == null ? null : remote.getAddress();
    }

    /** A field of an {@code application/x-www-form-urlencoded} body, or null when absent or malformed. */
    @Nullable
    static String formField(byte[] body, String name) {
        String text = new String(body, StandardCharsets.UTF_8);
        for (String pair : text.split("&")) {
            int eq = pair.indexOf('=');
            String key = eq < 0 ? pair : pair.substring(0, eq);
            if (!key.equals(name)) {
                continue;
            }
            try {
                return eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return null;
            }
        }
        return null;
    }
}
