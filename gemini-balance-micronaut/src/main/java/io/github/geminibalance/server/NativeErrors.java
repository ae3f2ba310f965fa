package io.github.geminibalance.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.GeminiBalanceException;
import io.github.geminibalance.UpstreamError;
import io.github.geminibalance.util.Secrets;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds the errors that native Gemini clients (Google's SDKs, Gemini CLI) see on the {@code /v1beta}
 * routes, in Google's shape {@code {"error":{"code":404,"message":"...","status":"NOT_FOUND"}}} (plus
 * {@code details} when Gemini sent some), so their own error handling works: the SDKs read
 * {@code error.code}, {@code error.status} and {@code error.message}, and retrying clients read
 * {@code RetryInfo} from the details.
 */
final class NativeErrors {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private NativeErrors() {}

    /** An error with the given status, its google.rpc status name and a message. */
    static MutableHttpResponse<byte[]> of(int status, String message) {
        return response(status, body(status, message, googleStatus(status), List.of()));
    }

    /**
     * The answer to a failed native call. When the core passed Gemini's own verdict through (the
     * client's status equals Gemini's code: a bad request, a 429 on every key, an unknown model that
     * Gemini reported...), Gemini's error is returned as it was, details included, scrubbed of keys.
     * When the core turned it into a gateway error (Gemini rejected one of the pool's keys, Gemini
     * failed, no key left), the client gets our status and message instead: passing on "API key not
     * valid" would make a native client blame its own, perfectly valid, token. {@code Retry-After} and
     * {@code retry-after-ms} are added when the core knows how long to wait.
     */
    static MutableHttpResponse<byte[]> of(GeminiBalanceException e) {
        MutableHttpResponse<byte[]> response = response(e.httpStatus(), body(e));
        e.retryAfter().ifPresent(wait -> ErrorResponses.retryAfter(response, wait));
        return response;
    }

    /** The serialized error for a failed native call (see {@link #of(GeminiBalanceException)}). */
    static byte[] body(GeminiBalanceException e) {
        int status = e.httpStatus();
        UpstreamError gemini = UpstreamError.of(e).orElse(null);
        if (gemini != null && gemini.code() == status) {
            return body(status, Secrets.scrub(gemini.message()),
                    gemini.status() != null ? gemini.status() : googleStatus(status), gemini.details());
        }
        return body(status, e.getMessage(), googleStatus(status), List.of());
    }

    /**
     * The google.rpc status name Google pairs with an HTTP status (the canonical gRPC to HTTP mapping);
     * 502 has no canonical code and is reported as {@code UNAVAILABLE}, 405 as {@code UNIMPLEMENTED}.
     */
    static String googleStatus(int httpStatus) {
        return switch (httpStatus) {
            case 400, 413, 415 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 405, 501 -> "UNIMPLEMENTED";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 499 -> "CANCELLED";
            case 502, 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> httpStatus >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }

    /** The serialized body; {@code details} is left out when empty, as Google does. */
    static byte[] body(int code, String message, String status, List<JsonNode> details) {
        ObjectNode root = NODES.objectNode();
        ObjectNode error = root.putObject("error");
        error.put("code", code);
        error.put("message", message == null ? "" : message);
        error.put("status", status);
        if (!details.isEmpty()) {
            ArrayNode array = error.putArray("details");
            details.forEach(d -> array.add(scrub(d.deepCopy())));
        }
        try {
            return GeminiBalance.jsonWriter().writeValueAsBytes(root);
        } catch (JsonProcessingException impossible) {
            return ("{\"error\":{\"code\":500,\"message\":\"internal error\",\"status\":\"INTERNAL\"}}")
                    .getBytes(StandardCharsets.UTF_8);
        }
    }

    // Google quotes the caller's key in some details (a suspended consumer's ErrorInfo metadata).
    private static JsonNode scrub(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(Secrets.scrub(node.asText()));
        }
        if (node instanceof ObjectNode object) {
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                field.setValue(scrub(field.getValue()));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, scrub(array.get(i)));
            }
        }
        return node;
    }

    private static MutableHttpResponse<byte[]> response(int status, byte[] body) {
        return HttpResponse.<byte[]>status(status, ErrorResponses.reason(status))
                .contentType(MediaType.APPLICATION_JSON_TYPE)
                .body(body);
    }
}
