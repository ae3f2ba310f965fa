package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.util.LogText;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the routes of key-bound resources (files, cached contents, batches) read from a request the same
 * way: whose resources the caller may see, a list's page size, and how a failure is answered (Gemini's
 * error shape, noted for the request record, logged when it is the server's).
 */
final class KeyBoundRequests {

    private static final Logger log = LoggerFactory.getLogger(KeyBoundRequests.class);

    private KeyBoundRequests() {
    }

    /** The client token's label; what a new resource is kept with. */
    static String label(HttpRequest<?> request) {
        return request.getAttribute(AccessLogFilter.LABEL_ATTRIBUTE, String.class).orElse("");
    }

    /** Whose resources the caller may see: its own with isolation, anybody's ({@code null}) without. */
    static @Nullable String owner(HttpRequest<?> request, FilesSettings settings) {
        return settings.userIsolation() ? label(request) : null;
    }

    /** The {@code pageSize} query parameter, or null when absent; a 400 when it is not a whole number. */
    static @Nullable Integer pageSize(HttpRequest<?> request) {
        String size = request.getParameters().get("pageSize");
        if (size == null) {
            return null;
        }
        try {
            return Integer.valueOf(size.strip());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(400, "pageSize", "invalid_argument", "pageSize: expected a whole number.");
        }
    }

    /** A failure in Gemini's error shape, its code noted for the request record, logged when it is a 5xx. */
    static MutableHttpResponse<byte[]> failed(HttpRequest<?> request, Throwable failure) {
        Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        GeminiBalanceException e = GeminiBalanceException.from(t);
        AccessLogFilter.trace(request).errorCode(e.code().orElse(e.type()));
        if (e.httpStatus() >= 500) {
            log.warn("request_id={} {} -> {}: {}", AccessLogFilter.id(request),
                    LogText.quote(request.getMethodName() + " " + request.getPath()), e.httpStatus(),
                    LogText.quote(e.getMessage()));
        }
        return NativeErrors.of(e);
    }
}
