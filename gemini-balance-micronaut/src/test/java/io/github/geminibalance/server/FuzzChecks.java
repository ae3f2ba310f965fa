package io.github.geminibalance.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.server.FuzzBodies.Door;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The rules every answer of {@link FrontDoorFuzzTest} must keep, as one check returning what is wrong
 * (or null): no 500 of the server's own, 5xx only as mapped upstream failures, errors in the door's
 * shape (OpenAI's four members, or Gemini's {@code code}/{@code message}/{@code status}), no Java type
 * name in a message, and well-formed success bodies and streams.
 */
final class FuzzChecks {

    private FuzzChecks() {}

    static String problem(Door door, int status, String contentType, byte[] bytes, Set<String> gatewayCodes) {
        String body = new String(bytes, StandardCharsets.UTF_8);
        if (status == 500) {
            return "a 500 of the server's own: " + body;
        }
        if (status >= 400) {
            if (!contentType.startsWith("application/json")) {
                return status + " with content type " + contentType + ": " + body;
            }
            JsonNode json = parse(body);
            if (json == null) {
                return status + " with a body that is not JSON: " + body;
            }
            String shape = door.gemini ? geminiError(json, status) : openAiError(json);
            if (shape != null) {
                return status + " " + shape + ": " + body;
            }
            if (status >= 500) {
                if (door.gemini && (status < 502 || status > 504)) {
                    return status + " is not a gateway status: " + body;
                }
                if (!door.gemini && !gatewayCodes.contains(json.path("error").path("code").asText())) {
                    return status + " without a gateway code: " + body;
                }
            }
            return null;
        }
        if (status != 200) {
            return "unexpected status " + status + ": " + body;
        }
        if (contentType.startsWith("text/event-stream")) { // a mutation may also have added "stream": true
            return streamProblem(door, body);
        }
        // a mutation may have dropped "stream": a JSON answer is then right
        return parse(body) == null ? "a 200 whose body is not JSON: " + body : null;
    }

    private static String streamProblem(Door door, String body) {
        if (door.responses()) {
            return responsesStreamProblem(body);
        }
        boolean done = false;
        for (String line : body.split("\r?\n")) {
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).trim();
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            JsonNode event = parse(data);
            if (event == null) {
                return "a stream event that is not JSON: " + data;
            }
            if (event.has("error")) {
                String shape = door.gemini ? geminiError(event, event.path("error").path("code").asInt()) : openAiError(event);
                if (shape != null) {
                    return "an error event " + shape + ": " + data;
                }
            }
        }
        return !door.gemini && !done ? "an OpenAI stream without [DONE]: " + body : null;
    }

    /** The Responses stream: typed events numbered from 0, ending in a terminal lifecycle event or {@code error}. */
    private static String responsesStreamProblem(String body) {
        int next = 0;
        String last = null;
        for (String line : body.split("\r?\n")) {
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).trim();
            JsonNode event = parse(data);
            if (event == null || !event.path("type").isTextual()) {
                return "a Responses stream event that is not a typed JSON object: " + data;
            }
            if (event.path("sequence_number").asInt(-1) != next++) {
                return "a Responses stream event out of sequence: " + data;
            }
            last = event.path("type").asText();
            if (last.equals("error")) {
                if (!event.path("message").isTextual()) {
                    return "an error event without a message: " + data;
                }
                String java = javaName(event.path("message").asText());
                if (java != null) {
                    return "an error event " + java + ": " + data;
                }
            }
        }
        return last != null && (last.equals("error") || last.equals("response.completed")
                || last.equals("response.incomplete") || last.equals("response.failed")) ? null
                : "a Responses stream without a last response.completed, response.incomplete or error: " + body;
    }

    private static String openAiError(JsonNode json) {
        JsonNode error = json.path("error");
        if (!error.isObject() || !error.path("message").isTextual() || !error.path("type").isTextual()
                || !error.has("param") || !error.has("code")) {
            return "is not in the OpenAI envelope";
        }
        return javaName(error.path("message").asText());
    }

    private static String geminiError(JsonNode json, int status) {
        JsonNode error = json.path("error");
        if (!error.isObject() || error.path("code").asInt() != status || !error.path("message").isTextual()
                || !error.path("status").isTextual()) {
            return "is not in Gemini's error shape";
        }
        return javaName(error.path("message").asText());
    }

    private static String javaName(String message) {
        return RequestBodies.JAVA_NAME.matcher(message).find() ? "names Java in its message" : null;
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            return null;
        }
    }
}
