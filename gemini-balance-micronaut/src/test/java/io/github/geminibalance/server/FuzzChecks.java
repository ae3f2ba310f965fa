package io.github.geminibalance.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.server.FuzzBodies.Door;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The rules every answer of {@link FrontDoorFuzzTest} must keep, as one check returning what is wrong
 * (or null): no 500 of the server's own, 5xx only as mapped upstream failures, errors in the door's
 * shape (OpenAI's four members, Gemini's {@code code}/{@code message}/{@code status}, or Anthropic's
 * {@code type}/{@code error.type}/{@code error.message}), no Java type
 * name in a message, and well-formed success bodies and streams.
 */
final class FuzzChecks {

    private FuzzChecks() {}

    static String problem(Door door, int status, String contentType, byte[] bytes, Set<String> gatewayCodes,
            byte[] requestBody) {
        String body = new String(bytes, StandardCharsets.UTF_8);
        String request = requestBody == null ? "" : new String(requestBody, StandardCharsets.UTF_8);
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
            String shape = door.gemini ? geminiError(json, status, request) : door.anthropic() ? anthropicError(json, request)
                    : openAiError(json, request);
            if (shape != null) {
                return status + " " + shape + ": " + body;
            }
            if (status >= 500) {
                if (door.gemini && (status < 502 || status > 504)) {
                    return status + " is not a gateway status: " + body;
                }
                if (door.anthropic()) {
                    if (status != 502 && status != 503 && status != 504 && status != 529) {
                        return status + " is not a gateway status: " + body;
                    }
                } else if (!door.gemini && !gatewayCodes.contains(json.path("error").path("code").asText())) {
                    return status + " without a gateway code: " + body;
                }
            }
            return null;
        }
        if (status != 200) {
            return "unexpected status " + status + ": " + body;
        }
        if (contentType.startsWith("text/event-stream")) { // a mutation may also have added "stream": true
            return streamProblem(door, body, request);
        }
        if (contentType.startsWith("audio/") || contentType.startsWith("text/plain")) {
            return bytes.length == 0 && contentType.startsWith("audio/") ? "an empty audio answer" : null;
        }
        // a mutation may have dropped "stream": a JSON answer is then right
        return parse(body) == null ? "a 200 whose body is not JSON: " + body : null;
    }

    private static String streamProblem(Door door, String body, String request) {
        if (door.responses()) {
            return responsesStreamProblem(body, request);
        }
        if (door == Door.SPEECH_STREAM) {
            return speechStreamProblem(body, request);
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
            if (door.anthropic() && event.path("type").asText().equals("error")) {
                String shape = anthropicError(event, request);
                if (shape != null) {
                    return "an error event " + shape + ": " + data;
                }
                continue;
            }
            if (event.has("error")) {
                String shape = door.gemini ? geminiError(event, event.path("error").path("code").asInt(), request)
                        : openAiError(event, request);
                if (shape != null) {
                    return "an error event " + shape + ": " + data;
                }
            }
        }
        if (door.anthropic()) {
            return body.contains("event: message_start") ? null : "an Anthropic stream without message_start: " + body;
        }
        return !door.gemini && !done ? "an OpenAI stream without [DONE]: " + body : null;
    }

    /** The speech stream: {@code speech.audio.delta} events with audio, then {@code speech.audio.done} or an error. */
    private static String speechStreamProblem(String body, String request) {
        String last = null;
        for (String line : body.split("\r?\n")) {
            if (!line.startsWith("data:")) {
                continue;
            }
            String data = line.substring(5).trim();
            JsonNode event = parse(data);
            if (event == null || !event.path("type").isTextual()) {
                return "a speech stream event that is not a typed JSON object: " + data;
            }
            last = event.path("type").asText();
            if (last.equals("speech.audio.delta") && event.path("audio").asText("").isEmpty()) {
                return "a speech delta without audio: " + data;
            }
            if (last.equals("error")) {
                String shape = openAiError(event, request);
                if (shape != null) {
                    return "an error event " + shape + ": " + data;
                }
            }
        }
        return "speech.audio.done".equals(last) || "error".equals(last) ? null
                : "a speech stream without a last speech.audio.done or error: " + body;
    }

    /** The Responses stream: typed events numbered from 0, ending in a terminal lifecycle event or {@code error}. */
    private static String responsesStreamProblem(String body, String request) {
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
                String java = javaName(event.path("message").asText(), request);
                if (java != null) {
                    return "an error event " + java + ": " + data;
                }
            }
        }
        return last != null && (last.equals("error") || last.equals("response.completed")
                || last.equals("response.incomplete") || last.equals("response.failed")) ? null
                : "a Responses stream without a last response.completed, response.incomplete or error: " + body;
    }

    private static String openAiError(JsonNode json, String request) {
        JsonNode error = json.path("error");
        if (!error.isObject() || !error.path("message").isTextual() || !error.path("type").isTextual()
                || !error.has("param") || !error.has("code")) {
            return "is not in the OpenAI envelope";
        }
        return javaName(error.path("message").asText(), request);
    }

    private static String anthropicError(JsonNode json, String request) {
        JsonNode error = json.path("error");
        if (!"error".equals(json.path("type").asText()) || !error.isObject() || !error.path("type").isTextual()
                || !error.path("message").isTextual()) {
            return "is not in Anthropic's error envelope";
        }
        return javaName(error.path("message").asText(), request);
    }

    private static String geminiError(JsonNode json, int status, String request) {
        JsonNode error = json.path("error");
        if (!error.isObject() || error.path("code").asInt() != status || !error.path("message").isTextual()
                || !error.path("status").isTextual()) {
            return "is not in Gemini's error shape";
        }
        return javaName(error.path("message").asText(), request);
    }

    // A message may quote the client's own text (an unknown type 't$xt'): only a Java-like name the
    // request did not contain is ours.
    private static String javaName(String message, String request) {
        java.util.regex.Matcher m = RequestBodies.JAVA_NAME.matcher(message);
        while (m.find()) {
            if (!request.contains(m.group())) {
                return "names Java in its message";
            }
        }
        return null;
    }

    private static JsonNode parse(String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (Exception e) {
            return null;
        }
    }
}
