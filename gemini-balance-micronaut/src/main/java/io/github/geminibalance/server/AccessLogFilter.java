package io.github.geminibalance.server;

import io.github.geminibalance.RequestTrace;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The first filter and the last to see the response: gives every request an id and a
 * {@link RequestTrace}, answers every response (errors, 401s and preflights included) with
 * {@code x-request-id}, and hands the request to the {@link AccessLog} and to {@link RequestRecords}
 * when it is done: at once for a complete answer, when the body ends (or the client leaves) for a
 * stream. The controllers pass the trace to the facade ({@link #trace}); {@link AuthFilter} adds the
 * client's label.
 */
@ServerFilter(Filter.MATCH_ALL_PATTERN)
final class AccessLogFilter implements Ordered {

    /** The request id header, read from the client and written on every response. */
    static final String REQUEST_ID = "x-request-id";
    static final String ID_ATTRIBUTE = "gemini-balance.request-id";
    static final String TRACE_ATTRIBUTE = "gemini-balance.trace";
    static final String LABEL_ATTRIBUTE = "gemini-balance.client-label";

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final AccessLog accessLog;
    private final RequestRecords records;

    AccessLogFilter(AccessLog accessLog, RequestRecords records) {
        this.accessLog = accessLog;
        this.records = records;
    }

    /** The client's {@code x-request-id} when it is 1 to 128 of {@code [A-Za-z0-9._:-]}, else a new one. */
    static String requestId(String offered) {
        if (offered != null && isSane(offered)) {
            return offered;
        }
        // 16 lowercase hex digits of a random long (what String.format("%016x") gave, without its parser)
        long random = ThreadLocalRandom.current().nextLong();
        char[] hex = new char[16];
        for (int i = 15; i >= 0; i--, random >>>= 4) {
            hex[i] = HEX[(int) (random & 0xf)];
        }
        return new String(hex);
    }

    // A client's id is kept only when it cannot carry anything but an id: [A-Za-z0-9._:-]{1,128}, checked
    // without a regex (it runs for every request).
    private static boolean isSane(String id) {
        int n = id.length();
        if (n < 1 || n > 128) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == ':' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The request's trace, for the controllers to pass to the facade ({@link RequestTrace#none()} if none). */
    static RequestTrace trace(HttpRequest<?> request) {
        return request.getAttribute(TRACE_ATTRIBUTE).orElse(null) instanceof RequestTrace t ? t : RequestTrace.none();
    }

    /** The request's id, for other log lines about it ({@code -} if none). */
    static String id(HttpRequest<?> request) {
        String id = string(request, ID_ATTRIBUTE);
        return id != null ? id : "-";
    }

    // an attribute this server set, read without the conversion service getAttribute(name, type) goes through
    private static String string(HttpRequest<?> request, String name) {
        return request.getAttribute(name).orElse(null) instanceof String s ? s : null;
    }

    @RequestFilter
    void start(HttpRequest<?> request) {
        request.setAttribute(ID_ATTRIBUTE, requestId(request.getHeaders().get(REQUEST_ID)));
        request.setAttribute(TRACE_ATTRIBUTE, RequestTrace.start(accessLog.ticker()));
    }

    @ResponseFilter
    void finish(HttpRequest<?> request, MutableHttpResponse<?> response) {
        String id = Objects.requireNonNullElseGet(string(request, ID_ATTRIBUTE), () -> requestId(null));
        response.getHeaders().set(REQUEST_ID, id);
        RequestTrace trace = trace(request);
        trace.firstByte(); // the head is ready now; a stream's first chunk came earlier (its 200 waits for it)
        AccessLog.Entry entry = new AccessLog.Entry(id, address(request),
                string(request, LABEL_ATTRIBUTE), request.getMethodName(),
                path(request), response.code(), trace);
        trace.whenDone(() -> accessLog.write(entry));
        records.whenDone(request, id, response.code(), trace); // front-door calls: a request record
    }

    private static String address(HttpRequest<?> request) {
        InetSocketAddress remote = request.getRemoteAddress();
        if (remote == null) {
            return null;
        }
        return remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
    }

    // the raw path, never the query (Gemini-native clients may put their token in ?key=); Micronaut's
    // getPath() is cut from the request line once and cached for routing, unlike getUri(), which parses a URI
    private static String path(HttpRequest<?> request) {
        String p = request.getPath();
        int q = p.indexOf('?');
        String raw = q < 0 ? p : p.substring(0, q);
        return raw.isEmpty() ? "/" : raw;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.FIRST.before();
    }
}
