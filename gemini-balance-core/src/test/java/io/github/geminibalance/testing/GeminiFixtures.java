package io.github.geminibalance.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Literal Gemini responses in the recorded shapes of WIRE_FORMATS.md section D, for tests to feed to
 * {@link FakeGemini} or to a translator directly. The fixed ones are the files under {@code
 * fixtures/gemini/} (see the README there); the parameterised ones edit such a file.
 *
 * <p>Non-stream answers come back in Google's pretty style (2-space indent, trailing newline); stream
 * events come back as single-line JSON in Google's compact style, ready for {@link
 * FakeGemini#streamGenerateContent}. Every call returns a fresh string.
 */
public final class GeminiFixtures {

    private static final String ROOT = "/fixtures/gemini/";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GeminiFixtures() {}

    /**
     * A D1-shaped non-stream answer (gemini-2.5-flash, thinking on but not shown) whose single text
     * part is {@code text}. The usage is D1's whatever the text: prompt 9, candidates 8, thoughts 41,
     * total 58, so a translator must report 49 completion tokens of which 41 are reasoning.
     *
     * @throws NullPointerException if {@code text} is null
     */
    public static String textResponse(String text) {
        Objects.requireNonNull(text, "text");
        ObjectNode root = load("text-response.json");
        part(root, 0).put("text", text);
        return GoogleJson.pretty(root);
    }

    /**
     * D2-shaped stream events (gemini-2.0-flash), one per piece, each holding only its own piece.
     * {@code finishReason: "STOP"} is on the last event only. Usage is on every event and cumulative:
     * prompt 8, and candidatesTokenCount after event i is the sum of {@code max(1, ceil(length/4))}
     * over pieces 0..i; totalTokenCount = prompt + candidates. Take the last event's usage, never sum.
     *
     * @throws IllegalArgumentException if no piece is given
     */
    public static List<String> textStream(String... pieces) {
        if (pieces == null || pieces.length == 0) {
            throw new IllegalArgumentException("textStream needs at least one piece");
        }
        int prompt = 8;
        int candidates = 0;
        List<String> events = new ArrayList<>(pieces.length);
        for (int i = 0; i < pieces.length; i++) {
            String piece = Objects.requireNonNull(pieces[i], "pieces[" + i + "]");
            boolean last = i == pieces.length - 1;
            candidates += Math.max(1, (piece.length() + 3) / 4);

            ObjectNode event = NODES.objectNode();
            ObjectNode candidate = event.putArray("candidates").addObject();
            ObjectNode content = candidate.putObject("content");
            content.putArray("parts").addObject().put("text", piece);
            content.put("role", "model");
            if (last) {
                candidate.put("finishReason", "STOP");
            }
            candidate.put("index", 0);
            ObjectNode usage = event.putObject("usageMetadata");
            usage.put("promptTokenCount", prompt);
            usage.put("candidatesTokenCount", candidates);
            usage.put("totalTokenCount", prompt + candidates);
            modality(usage.putArray("promptTokensDetails"), prompt);
            if (last) {
                modality(usage.putArray("candidatesTokensDetails"), candidates);
            }
            event.put("modelVersion", "gemini-2.0-flash");
            event.put("responseId", "c3RyZWFtX2RlbW9fMDI");
            events.add(GoogleJson.compact(event));
        }
        return events;
    }

    /**
     * D2 verbatim as raw SSE bytes: three events, each {@code data: <json>\r\n\r\n}, usage only
     * prompt/total on the first two and candidates 17 / total 25 on the last. Meant for {@link
     * FakeGemini#streamGenerateContentRaw} or for cutting into odd pieces.
     */
    public static String textStreamSse() {
        return resource("text-stream.sse");
    }

    /**
     * D3: a Gemini 3 parallel tool-call stream. Event 1 calls get_weather(Oslo) with id {@code
     * k2v9x1qa} and a thoughtSignature; event 2 calls get_weather(Bergen) with id {@code p7d3m0zs} and
     * no signature; event 3 is an empty text part with {@code finishReason: "STOP"}. Usage: prompt 74,
     * candidates 30, thoughts 42, total 146.
     */
    public static List<String> parallelToolCallStream() {
        return sseEvents(resource("parallel-tool-call-stream.sse"));
    }

    /**
     * A Gemini 2.5 style non-stream tool call: one {@code functionCall} part without {@code id},
     * carrying a {@code thoughtSignature} sibling (2.5 with thinking signs its calls too), {@code
     * finishReason: "STOP"} and {@code finishMessage: "Model generated function call(s)."}.
     *
     * @param name the function name
     * @param argsJson the {@code args} object as JSON, e.g. {@code {"city":"Oslo"}}
     * @throws IllegalArgumentException if {@code argsJson} is not a JSON object
     */
    public static String toolCallResponse(String name, String argsJson) {
        Objects.requireNonNull(name, "name");
        JsonNode args = GoogleJson.parse(Objects.requireNonNull(argsJson, "argsJson"), "argsJson");
        if (!args.isObject()) {
            throw new IllegalArgumentException("argsJson must be a JSON object, got " + args.getNodeType());
        }
        ObjectNode root = load("tool-call-response.json");
        ObjectNode call = (ObjectNode) part(root, 0).get("functionCall");
        call.put("name", name);
        call.set("args", args);
        return GoogleJson.pretty(root);
    }

    /** D4: a googleSearch-grounded answer with groundingMetadata (chunks, supports, queries). */
    public static String groundedResponse() {
        return GoogleJson.pretty(load("grounded-response.json"));
    }

    /** D5: text, executableCode, codeExecutionResult, text parts in one candidate. */
    public static String codeExecutionResponse() {
        return GoogleJson.pretty(load("code-execution-response.json"));
    }

    /** D6: a thought-summary part ({@code "thought": true}) before the answer, thoughts 312 tokens. */
    public static String thinkingResponse() {
        return GoogleJson.pretty(load("thinking-response.json"));
    }

    /** D12: HTTP-200 answer to a blocked prompt, {@code promptFeedback.blockReason} and no candidates. */
    public static String blockedPrompt() {
        return GoogleJson.pretty(load("blocked-prompt.json"));
    }

    /**
     * An "empty 200": {@code "candidates": []}, usage and ids but no finishReason anywhere. Google's
     * proto3 JSON usually omits an empty list instead (see {@link #blockedPrompt()} for that form); a
     * proxy has to treat both as "no answer".
     */
    public static String emptyCandidates() {
        return GoogleJson.pretty(load("empty-candidates.json"));
    }

    /**
     * The error body of {@code kind} as Google sends it, for model gemini-2.5-flash and method
     * generateContent.
     */
    public static String errorBody(GeminiErrorKind kind) {
        return errorBody(kind, "gemini-2.5-flash", "generateContent", null);
    }

    /**
     * A mid-stream error as one SSE event payload, in the compact single-line style:
     * {@code {"error": {"code": 503,"message": "The model is overloaded. ...","status": "UNAVAILABLE"}}}.
     * Put it after some text events to check that a proxy fails the stream instead of ending it as
     * a short answer.
     */
    public static String inStreamError() {
        return GoogleJson.compact(load("in-stream-error.json"));
    }

    /**
     * The raw SSE body Google would send for {@code eventsJson}: each event as {@code data: } plus its
     * JSON re-printed on one line in Google's compact style, followed by {@code \r\n\r\n}.
     *
     * @throws IllegalArgumentException if an event is not valid JSON
     */
    public static String sseBody(List<String> eventsJson) {
        StringBuilder body = new StringBuilder();
        for (String event : eventsJson) {
            body.append("data: ").append(GoogleJson.compact(event)).append("\r\n\r\n");
        }
        return body.toString();
    }

    // ---- package-private builders used by FakeGemini ----

    /**
     * The body of {@code kind} adapted to the call: model name in quota dimensions and in the 404
     * message, gRPC method name in the 403 service block, and {@code key} (when not null) quoted in
     * the suspension message as Google does.
     */
    static String errorBody(GeminiErrorKind kind, String model, String method, String key) {
        ObjectNode root = load("errors/" + kind.fixture());
        ObjectNode error = (ObjectNode) root.get("error");
        switch (kind) {
            case RATE_LIMITED_429, DAILY_QUOTA_429 -> quotaModel(error, model);
            case MODEL_NOT_FOUND_404 -> error.put("message", "models/" + model
                    + " is not found for API version v1beta, or is not supported for " + method
                    + ". Call ListModels to see the list of available models and their supported methods.");
            case PERMISSION_DENIED_403 -> serviceBlocked(error, method);
            case CONSUMER_SUSPENDED_403 -> {
                if (key != null) {
                    error.put("message", "Permission denied: Consumer 'api_key:" + key + "' has been suspended.");
                }
            }
            default -> {
                // the fixture is used as it is
            }
        }
        return GoogleJson.pretty(root);
    }

    /** RATE_LIMITED_429 for {@code model} with a custom RetryInfo delay such as {@code "7s"}. */
    static String rateLimitedBody(String model, String retryDelay) {
        ObjectNode root = load("errors/" + GeminiErrorKind.RATE_LIMITED_429.fixture());
        ObjectNode error = (ObjectNode) root.get("error");
        quotaModel(error, model);
        for (JsonNode detail : error.get("details")) {
            if (detail.path("@type").asText().endsWith("google.rpc.RetryInfo")) {
                ((ObjectNode) detail).put("retryDelay", retryDelay);
            }
        }
        return GoogleJson.pretty(root);
    }

    /**
     * A 429 about the per-minute <em>input-token</em> quota, as Gemini answers a prompt larger than a
     * free-tier key's input tokens per minute: RATE_LIMITED_429 with the QuotaFailure violation's quotaId
     * {@code GenerateContentInputTokensPerModelPerMinute-FreeTier} and metric {@code
     * generativelanguage.googleapis.com/generate_content_free_tier_input_token_count} (WIRE_FORMATS.md D9).
     */
    public static String inputTokenQuotaBody(String model, String retryDelay) {
        ObjectNode root = load("errors/" + GeminiErrorKind.RATE_LIMITED_429.fixture());
        ObjectNode error = (ObjectNode) root.get("error");
        quotaModel(error, model);
        for (JsonNode detail : error.get("details")) {
            String type = detail.path("@type").asText();
            if (type.endsWith("google.rpc.RetryInfo")) {
                ((ObjectNode) detail).put("retryDelay", retryDelay);
            } else if (type.endsWith("google.rpc.QuotaFailure")) {
                for (JsonNode violation : detail.path("violations")) {
                    ((ObjectNode) violation)
                            .put("quotaMetric", "generativelanguage.googleapis.com/generate_content_free_tier_input_token_count")
                            .put("quotaId", "GenerateContentInputTokensPerModelPerMinute-FreeTier")
                            .put("quotaValue", "250000");
                }
            }
        }
        return GoogleJson.pretty(root);
    }

    /** 403 for a request that carries no key at all (no details, A.8). */
    static String unregisteredCallerBody() {
        return GoogleJson.pretty(load("errors/unregistered-caller-403.json"));
    }

    /** 400 for a batchEmbedContents call with more than 100 requests (A.7). */
    static String batchTooLargeBody() {
        return GoogleJson.pretty(load("errors/batch-too-large-400.json"));
    }

    /** A.6 countTokens answer for {@code total} text tokens. */
    static String countTokensBody(int total) {
        ObjectNode root = load("count-tokens-response.json");
        root.put("totalTokens", total);
        ((ObjectNode) root.get("promptTokensDetails").get(0)).put("tokenCount", total);
        return GoogleJson.pretty(root);
    }

    /** Splits a raw SSE body on CRLF CRLF and strips {@code data: }, giving the JSON payloads. */
    static List<String> sseEvents(String raw) {
        List<String> events = new ArrayList<>();
        for (String block : raw.split("\r\n\r\n")) {
            if (!block.isEmpty()) {
                if (!block.startsWith("data: ")) {
                    throw new IllegalStateException("SSE fixture block does not start with 'data: ': " + block);
                }
                events.add(block.substring("data: ".length()));
            }
        }
        return events;
    }

    private static void quotaModel(ObjectNode error, String model) {
        for (JsonNode detail : error.get("details")) {
            for (JsonNode violation : detail.path("violations")) {
                ((ObjectNode) violation.get("quotaDimensions")).put("model", model);
            }
        }
    }

    private static void serviceBlocked(ObjectNode error, String method) {
        String rpc = "google.ai.generativelanguage.v1beta.GenerativeService."
                + Character.toUpperCase(method.charAt(0)) + method.substring(1);
        String message = "Requests to this API generativelanguage.googleapis.com method " + rpc + " are blocked.";
        error.put("message", message);
        for (JsonNode detail : error.get("details")) {
            ObjectNode d = (ObjectNode) detail;
            if (d.has("metadata")) {
                ((ObjectNode) d.get("metadata")).put("methodName", rpc);
            }
            if (d.has("locale")) {
                d.put("message", message);
            }
        }
    }

    private static ObjectNode part(ObjectNode response, int index) {
        return (ObjectNode) response.get("candidates").get(0).get("content").get("parts").get(index);
    }

    private static void modality(ArrayNode details, int tokens) {
        details.addObject().put("modality", "TEXT").put("tokenCount", tokens);
    }

    private static ObjectNode load(String name) {
        return (ObjectNode) GoogleJson.parse(resource(name), ROOT + name);
    }

    private static String resource(String name) {
        try (InputStream in = GeminiFixtures.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                throw new IllegalStateException("fixture " + ROOT + name + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fixture " + ROOT + name, e);
        }
    }
}
