package io.github.geminibalance.server;

import io.github.geminibalance.GeminiBalanceException;
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
 * messages are already scrubbed of keys); our own bugs with their stack trace.
 */
@Singleton
@Produces
@Requires(classes = GeminiBalanceException.class)
final class GeminiBalanceExceptionHandler implements ExceptionHandler<GeminiBalanceException, HttpResponse<byte[]>> {

    private static final Logger log = LoggerFactory.getLogger(GeminiBalanceExceptionHandler.class);

    @Override
    public HttpResponse<byte[]> handle(HttpRequest request, GeminiBalanceException e) {
        int status = e.httpStatus();
        if (status >= 500) {
            if ("internal_error".equals(e.code().orElse(null))) {
                log.error("{} {} failed: {}", request.getMethodName(), request.getPath(), e.getMessage(), e);
            } else {
                log.warn("{} {} -> {}: {}", request.getMethodName(), request.getPath(), status, e.getMessage());
            }
        } else if (status == 429) {
            log.info("{} {} -> 429: {}", request.getMethodName(), request.getPath(), e.getMessage());
        } else {
            log.debug("{} {} -> {}: {}", request.getMethodName(), request.getPath(), status, e.getMessage());
        }
        return ErrorResponses.of(e);
    }
}
