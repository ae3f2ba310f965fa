package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.util.LogText;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers a failed request with the status and OpenAI envelope the core chose, plus {@code Retry-After}
 * and {@code retry-after-ms} when it knows how long to wait. Server-side failures are logged (their
 * messages are already scrubbed of keys, and quoted: they may hold client text); our own bugs with their
 * stack trace.
 */
@Singleton
@Produces
@Requires(classes = GeminiBalanceException.class)
final class GeminiBalanceExceptionHandler implements ExceptionHandler<GeminiBalanceException, HttpResponse<byte[]>> {

    private static final Logger log = LoggerFactory.getLogger(GeminiBalanceExceptionHandler.class);

    @Override
    public HttpResponse<byte[]> handle(HttpRequest request, GeminiBalanceException e) {
        int status = e.httpStatus();
        // the path and the message can carry client text (a model name): quoted, never raw
        String route = LogText.quote(request.getMethodName() + " " + request.getPath());
        String message = LogText.quote(e.getMessage());
        String id = AccessLogFilter.id(request);
        AccessLogFilter.trace(request).errorCode(e.code().orElse(e.type())); // for the request record
        if (status >= 500) {
            if ("internal_error".equals(e.code().orElse(null))) {
                log.error("request_id={} {} failed: {}", id, route, message, e);
            } else {
                log.warn("request_id={} {} -> {}: {}", id, route, status, message);
            }
        } else if (status == 429) {
            log.info("request_id={} {} -> 429: {}", id, route, message);
        } else {
            log.debug("request_id={} {} -> {}: {}", id, route, status, message);
        }
        return MessagesController.isMessagesPath(request.getPath()) ? AnthropicErrors.of(e) : ErrorResponses.of(e);
    }
}
