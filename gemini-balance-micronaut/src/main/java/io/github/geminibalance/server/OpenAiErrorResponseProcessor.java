package io.github.geminibalance.server;

import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.ErrorResponseProcessor;
import jakarta.inject.Singleton;

/**
 * Replaces Micronaut's JSON and HTML error bodies with the OpenAI envelope for every error the framework
 * produces itself: unknown routes (404), wrong methods (405), unsupported media types (415), bodies over
 * the size limit (413), binding failures (400) and unhandled exceptions (500, with a generic message: the
 * stack trace goes to the server log, which Micronaut writes before calling this). On the Gemini-native
 * routes ({@link NativeController}) the same errors use Gemini's shape ({@link NativeErrors}).
 */
@Singleton
final class OpenAiErrorResponseProcessor implements ErrorResponseProcessor<byte[]> {

    private final long maxRequestBytes;

    OpenAiErrorResponseProcessor(ServerSettings settings) {
        this.maxRequestBytes = settings.maxRequestBytes();
    }

    @Override
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<byte[]> processResponse(ErrorContext context, MutableHttpResponse<?> response) {
        HttpRequest<?> request = context.getRequest();
        MutableHttpResponse<byte[]> typed = (MutableHttpResponse<byte[]>) response;
        if (request.getMethod() == HttpMethod.HEAD) {
            return typed;
        }
        int status = response.code();
        String param = null;
        String code = null;
        String message;
        switch (status) {
            case 404 -> {
                message = "Unknown URL: " + request.getMethodName() + " " + request.getPath();
                code = "not_found";
            }
            case 405 -> {
                message = "Method " + request.getMethodName() + " is not allowed for " + request.getPath()
                        + allowed(response) + ".";
                code = "method_not_allowed";
            }
            case 413 -> {
                // Micronaut's own text names its settings; say what the client can act on
                message = RequestGuard.tooLargeMessage(maxRequestBytes);
                code = "request_too_large";
            }
            default -> {
                if (status >= 500) {
                    message = "Internal server error; see the server log.";
                    code = "internal_error";
                } else {
                    message = detail(context, "");
                    if (message.isEmpty()) {
                        message = response.reason();
                    }
                    param = context.getErrors().stream().map(Error::getPath).flatMap(java.util.Optional::stream)
                            .findFirst().orElse(null);
                }
            }
        }
        AccessLogFilter.trace(request).errorCode(code != null ? code : ErrorResponses.typeFor(status));
        byte[] body = NativeController.isNativePath(request.getPath())
                ? NativeErrors.body(status, message, NativeErrors.googleStatus(status), java.util.List.of())
                : MessagesController.isMessagesPath(request.getPath())
                ? AnthropicErrors.body(status, param == null ? message : param + ": " + message)
                : ErrorResponses.envelope(message, ErrorResponses.typeFor(status), param, code);
        return typed.body(body).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    private static String detail(ErrorContext context, String prefix) {
        return context.getErrors().stream().map(Error::getMessage).filter(m -> m != null && !m.isBlank())
                .findFirst().map(m -> prefix + m).orElse("");
    }

    private static String allowed(MutableHttpResponse<?> response) {
        String allow = String.join(", ", response.getHeaders().getAll("Allow"));
        return allow.isEmpty() ? "" : " (allowed: " + allow + ")";
    }
}
