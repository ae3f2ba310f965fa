package io.github.geminibalance.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.common.ConsoleNotifier;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.matching.UrlPathPattern;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A fake Gemini REST API (v1beta) on WireMock, answering in Google's exact wire format
 * (WIRE_FORMATS.md A.1-A.8): non-stream bodies pretty-printed with {@code Content-Type:
 * application/json; charset=UTF-8}; streams as {@code text/event-stream} (plus {@code
 * Content-Disposition: attachment}) with each event {@code data: <one-line JSON>\r\n\r\n}; error bodies
 * as Google sends them.
 *
 * <p><b>Keys.</b> Every stub answers for one API key, or for any key when {@code key} is null. The key
 * may arrive in the {@code x-goog-api-key} header or the {@code ?key=} query parameter. A stub for a
 * specific key always wins over an any-key stub, whatever the registration order; among stubs of the
 * same kind for the same key, model and method, the latest registered wins. A request with no key at
 * all gets Google's 403 "Method doesn't allow unregistered callers", even where an any-key stub
 * exists; {@link #reset()} keeps that rule.
 *
 * <p><b>Unstubbed calls</b> get WireMock's own 404 (not a Gemini body), so a forgotten stub shows up
 * as such. The fake does not validate generateContent request bodies; assert on {@link
 * #requestBodies} instead.
 *
 * <p><b>No per-event stream delay.</b> WireMock's only way to pace a body is its chunked dribble
 * delay, which cuts the body into equal byte counts, not at event boundaries, and its normal write
 * path buffers the whole body. A faithful "one event every N ms" stream is therefore not offered.
 *
 * <p>Instances are thread-safe as far as WireMock is; one per test class is the usual pattern:
 * <pre>{@code
 * try (FakeGemini gemini = FakeGemini.start()) {
 *     gemini.error("gemini-2.5-flash", "key-a", GeminiErrorKind.RATE_LIMITED_429)
 *           .generateContent("gemini-2.5-flash", null, GeminiFixtures.textResponse("hi"));
 *     // point BASE_URL at gemini.baseUrl()
 * }
 * }</pre>
 */
public final class FakeGemini implements AutoCloseable {

    /** The header Google's SDKs send the key in. */
    public static final String API_KEY_HEADER = "x-goog-api-key";

    /** Google's limit on requests in one batchEmbedContents call. */
    public static final int MAX_BATCH_EMBED_REQUESTS = 100;

    private static final String JSON = "application/json; charset=UTF-8";
    // Lower number = higher precedence in WireMock.
    private static final int PRIORITY_KEYED = 1;
    private static final int PRIORITY_ANY_KEY = 5;
    private static final int PRIORITY_NO_KEY = 9;
    private static final Pattern RETRY_DELAY = Pattern.compile("\\d+(\\.\\d{1,9})?s");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern THINKING = Pattern.compile("^gemini-(2\\.5|[3-9])");

    private final WireMockServer server;
    private final DynamicResponses dynamic;

    private FakeGemini(WireMockServer server, DynamicResponses dynamic) {
        this.server = server;
        this.dynamic = dynamic;
    }

    /** Starts a fake on 127.0.0.1 and a free port, with no stubs but the no-key rule. */
    public static FakeGemini start() {
        DynamicResponses dynamic = new DynamicResponses();
        WireMockServer server = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .dynamicPort()
                // Google gzips only when asked; tests compare exact bytes, so never compress.
                .gzipDisabled(true)
                .notifier(new ConsoleNotifier(false))
                .extensions(dynamic));
        server.start();
        FakeGemini fake = new FakeGemini(server, dynamic);
        fake.installDefaults();
        return fake;
    }

    /** The base URL to configure as Gemini's, e.g. {@code http://127.0.0.1:41234/v1beta} (no slash at the end). */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port() + "/v1beta";
    }

    /** The underlying server, for custom stubs (scenarios, faults, delays) and verification. */
    public WireMockServer server() {
        return server;
    }

    /** Removes all stubs and recorded requests; the no-key 403 rule is put back. */
    public void reset() {
        server.resetAll();
        dynamic.clear();
        installDefaults();
    }

    /** Stops the server. */
    @Override
    public void close() {
        server.stop();
    }

    // ---- stubs ----

    /**
     * {@code POST models/{model}:generateContent} answers 200 with {@code responseJson}, re-printed in
     * Google's pretty style.
     *
     * @param key the key this stub answers for, or null for any key
     * @throws IllegalArgumentException if {@code responseJson} is not valid JSON
     */
    public FakeGemini generateContent(String model, String key, String responseJson) {
        String body = GoogleJson.pretty(Objects.requireNonNull(responseJson, "responseJson"));
        stub(key, () -> post(methodPath(model, "generateContent")), json(200, body));
        return this;
    }

    /**
     * {@code POST models/{model}:streamGenerateContent?alt=sse} answers 200 with one SSE event per
     * element of {@code eventsJson}: {@code data: } + the JSON on one line in Google's compact style +
     * {@code \r\n\r\n}. Requests without {@code alt=sse} do not match (Google would send a JSON array).
     * An empty list gives an empty 200 stream.
     *
     * @param key the key this stub answers for, or null for any key
     * @throws IllegalArgumentException if an event is not valid JSON
     */
    public FakeGemini streamGenerateContent(String model, String key, List<String> eventsJson) {
        return streamGenerateContentRaw(model, key, GeminiFixtures.sseBody(eventsJson));
    }

    /**
     * Like {@link #streamGenerateContent} but sends {@code rawBody} byte for byte (UTF-8), for LF-only
     * framing, events without a trailing blank line, non-JSON data lines and the like.
     *
     * @param key the key this stub answers for, or null for any key
     */
    public FakeGemini streamGenerateContentRaw(String model, String key, String rawBody) {
        byte[] body = Objects.requireNonNull(rawBody, "rawBody").getBytes(StandardCharsets.UTF_8);
        ResponseDefinitionBuilder response = ResponseDefinitionBuilder.responseDefinition()
                .withStatus(200)
                .withHeader("Content-Type", "text/event-stream")
                .withHeader("Content-Disposition", "attachment")
                .withBody(body);
        stub(key, () -> post(methodPath(model, "streamGenerateContent")).withQueryParam("alt", equalTo("sse")), response);
        return this;
    }

    /**
     * Both {@code :generateContent} and {@code :streamGenerateContent} (with or without {@code alt=sse})
     * answer with the error {@code kind}, as a plain JSON error body: Google reports errors found before
     * a stream starts that way, not as SSE.
     *
     * @param key the key this stub answers for, or null for any key
     */
    public FakeGemini error(String model, String key, GeminiErrorKind kind) {
        error(model, "generateContent", key, kind);
        return error(model, "streamGenerateContent", key, kind);
    }

    /**
     * {@code models/{model}:{method}} (any of generateContent, streamGenerateContent, countTokens,
     * embedContent, batchEmbedContents) answers with the error {@code kind}.
     *
     * @param key the key this stub answers for, or null for any key
     */
    public FakeGemini error(String model, String method, String key, GeminiErrorKind kind) {
        Objects.requireNonNull(kind, "kind");
        String body = GeminiFixtures.errorBody(kind, bareModel(model), method, key);
        stub(key, () -> post(methodPath(model, method)), json(kind.httpStatus(), body));
        return this;
    }

    /**
     * Like {@code error(model, key, RATE_LIMITED_429)} but with RetryInfo {@code retryDelay} set to
     * {@code retryDelay}, a protobuf duration string such as {@code "7s"} or {@code "0.5s"}.
     *
     * @throws IllegalArgumentException if {@code retryDelay} is not of the form {@code 12s} / {@code 1.5s}
     */
    public FakeGemini rateLimited(String model, String key, String retryDelay) {
        if (retryDelay == null || !RETRY_DELAY.matcher(retryDelay).matches()) {
            throw new IllegalArgumentException("retryDelay must look like \"38s\" or \"1.5s\", got " + retryDelay);
        }
        String body = GeminiFixtures.rateLimitedBody(bareModel(model), retryDelay);
        for (String method : List.of("generateContent", "streamGenerateContent")) {
            stub(key, () -> post(methodPath(model, method)), json(429, body));
        }
        return this;
    }

    /**
     * {@code :embedContent} and {@code :batchEmbedContents} answer with deterministic vectors: the
     * vector of a text is {@link #embeddingValues(String, int)} (the text is the concatenation of the
     * content's text parts), {@code outputDimensionality} in a request overrides {@code dimensions},
     * batch answers keep the request order, and a batch of more than 100 requests gets Google's 400
     * "at most 100 requests can be in one batch". A batch item whose {@code model} differs from the
     * URL's gets a 400 whose message starts with "FakeGemini:" (Google's exact wording is not recorded).
     *
     * @param key the key this stub answers for, or null for any key
     * @throws IllegalArgumentException if {@code dimensions < 1}
     */
    public FakeGemini embed(String model, String key, int dimensions) {
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be >= 1, got " + dimensions);
        }
        String bare = bareModel(model);
        stub(key, () -> post(methodPath(model, "embedContent")),
                dynamic.response(request -> embedOne(request, dimensions)));
        stub(key, () -> post(methodPath(model, "batchEmbedContents")),
                dynamic.response(request -> embedBatch(request, bare, dimensions)));
        return this;
    }

    /**
     * Imagen's {@code models/{model}:predict} answers 200 with {@code responseJson} (a {@code predictions}
     * list), re-printed in Google's pretty style.
     *
     * @param key the key this stub answers for, or null for any key
     */
    public FakeGemini predict(String model, String key, String responseJson) {
        String body = GoogleJson.pretty(Objects.requireNonNull(responseJson, "responseJson"));
        stub(key, () -> post(methodPath(model, "predict")), json(200, body));
        return this;
    }

    /**
     * {@code models/{model}:{method}} answers {@code status} with the JSON {@code body} as given, for
     * errors whose exact wording a test needs (a billing-only 403, say).
     *
     * @param key the key this stub answers for, or null for any key
     */
    public FakeGemini answer(String model, String method, String key, int status, String body) {
        String pretty = GoogleJson.pretty(Objects.requireNonNull(body, "body"));
        stub(key, () -> post(methodPath(model, method)), json(status, pretty));
        return this;
    }

    /**
     * {@code :countTokens} answers {@code {"totalTokens": total, "promptTokensDetails": [...]}} (A.6).
     *
     * @param key the key this stub answers for, or null for any key
     */
    public FakeGemini countTokens(String model, String key, int total) {
        stub(key, () -> post(methodPath(model, "countTokens")), json(200, GeminiFixtures.countTokensBody(total)));
        return this;
    }

    /**
     * {@code GET /v1beta/models} lists {@code modelIds} in pages of at most {@code pageSize} (fewer if
     * the client's {@code pageSize} query parameter asks for fewer), linked by {@code nextPageToken}
     * and the {@code pageToken} query parameter; the last page has no {@code nextPageToken}. Each
     * model has realistic fields; ids containing "embedding" list {@code embedContent} among their
     * supportedGenerationMethods, others {@code generateContent} and {@code countTokens}. {@code GET
     * /v1beta/models/{id}} returns the single model. Answers for any key.
     *
     * @throws IllegalArgumentException if {@code pageSize < 1}
     */
    public FakeGemini models(List<String> modelIds, int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pageSize must be >= 1, got " + pageSize);
        }
        List<String> ids = List.copyOf(modelIds);
        stub(null, () -> get(urlPathEqualTo("/v1beta/models")),
                dynamic.response(request -> modelsPage(request, ids, pageSize)));
        for (String id : ids) {
            String body = GoogleJson.pretty(model(id));
            stub(null, () -> get(urlPathEqualTo("/v1beta/models/" + bareModel(id))), json(200, body));
        }
        return this;
    }

    // ---- verification ----

    /**
     * The JSON bodies received for {@code models/{model}:{method}} (e.g. "generateContent",
     * "streamGenerateContent"), oldest first, whatever the answer was.
     *
     * @throws IllegalStateException if one of them is not valid JSON
     */
    public List<JsonNode> requestBodies(String model, String method) {
        Pattern path = Pattern.compile(methodRegex(model, Objects.requireNonNull(method, "method")));
        List<JsonNode> bodies = new ArrayList<>();
        for (LoggedRequest request : requestsInOrder()) {
            if (path.matcher(pathOf(request)).matches()) {
                try {
                    bodies.add(GoogleJson.parse(request.getBodyAsString(), "request body of " + pathOf(request)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(e.getMessage(), e);
                }
            }
        }
        return bodies;
    }

    /**
     * The key of every received request, oldest first: the {@code x-goog-api-key} header, else the
     * {@code key} query parameter, else null.
     */
    public List<String> keysUsed() {
        List<String> keys = new ArrayList<>();
        for (LoggedRequest request : requestsInOrder()) {
            keys.add(keyOf(request));
        }
        return keys;
    }

    /** How many requests the fake received since start or the last {@link #reset()}. */
    public int requestCount() {
        return server.getAllServeEvents().size();
    }

    /**
     * The embedding the fake returns for {@code text}: {@code dimensions} values in [-0.1, 0.1] with
     * five decimals, a pure function of the text and the value's index. A shorter vector is a prefix of
     * a longer one, as with Gemini's MRL truncation.
     */
    public static double[] embeddingValues(String text, int dimensions) {
        BigDecimal[] values = vector(text, dimensions);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i].doubleValue();
        }
        return out;
    }

    // ---- internals ----

    private void installDefaults() {
        server.stubFor(any(urlPathMatching("/v1beta/.*"))
                .atPriority(PRIORITY_NO_KEY)
                .withHeader(API_KEY_HEADER, absent())
                .withQueryParam("key", absent())
                .willReturn(json(403, GeminiFixtures.unregisteredCallerBody())));
    }

    /** One stub for the header form of the key and one for the query form. */
    private void stub(String key, Supplier<MappingBuilder> request, ResponseDefinitionBuilder response) {
        int priority = key == null ? PRIORITY_ANY_KEY : PRIORITY_KEYED;
        var keyPattern = key == null ? matching(".+") : equalTo(key);
        server.stubFor(request.get().atPriority(priority).withHeader(API_KEY_HEADER, keyPattern).willReturn(response));
        server.stubFor(request.get().atPriority(priority).withQueryParam("key", keyPattern).willReturn(response));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return ResponseDefinitionBuilder.responseDefinition()
                .withStatus(status)
                .withHeader("Content-Type", JSON)
                .withBody(body);
    }

    private static ResponseDefinition jsonDefinition(int status, String body) {
        return json(status, body).build();
    }

    private static UrlPathPattern methodPath(String model, String method) {
        return urlPathMatching(methodRegex(model, method));
    }

    // The colon before the method may arrive raw or percent-encoded.
    private static String methodRegex(String model, String method) {
        return "/v1beta/models/" + Pattern.quote(bareModel(model)) + "(?::|%3[aA])" + Pattern.quote(method);
    }

    private static String bareModel(String model) {
        Objects.requireNonNull(model, "model");
        String bare = model.startsWith("models/") ? model.substring("models/".length()) : model;
        if (bare.isEmpty() || bare.contains("/")) {
            throw new IllegalArgumentException("model must be an id like gemini-2.5-flash, got " + model);
        }
        return bare;
    }

    private List<LoggedRequest> requestsInOrder() {
        List<ServeEvent> events = new ArrayList<>(server.getAllServeEvents());
        // WireMock's journal lists the newest first; its timestamps are too coarse to sort by.
        Collections.reverse(events);
        List<LoggedRequest> requests = new ArrayList<>(events.size());
        for (ServeEvent event : events) {
            requests.add(event.getRequest());
        }
        return requests;
    }

    private static String pathOf(Request request) {
        String url = request.getUrl();
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }

    private static String keyOf(Request request) {
        String header = request.getHeader(API_KEY_HEADER);
        if (header != null) {
            return header;
        }
        QueryParameter query = request.queryParameter("key");
        return query.isPresent() ? query.firstValue() : null;
    }

    private static ResponseDefinition embedOne(Request request, int defaultDimensions) {
        JsonNode body = requestJson(request);
        if (body == null) {
            return invalidJson();
        }
        ObjectNode root = NODES.objectNode();
        root.putObject("embedding").set("values", values(body, defaultDimensions));
        return jsonDefinition(200, GoogleJson.pretty(root));
    }

    private static ResponseDefinition embedBatch(Request request, String model, int defaultDimensions) {
        JsonNode body = requestJson(request);
        if (body == null) {
            return invalidJson();
        }
        JsonNode requests = body.path("requests");
        if (!requests.isArray()) {
            return invalidArgument("FakeGemini: batchEmbedContents needs a \"requests\" array");
        }
        if (requests.size() > MAX_BATCH_EMBED_REQUESTS) {
            return jsonDefinition(400, GeminiFixtures.batchTooLargeBody());
        }
        ObjectNode root = NODES.objectNode();
        ArrayNode embeddings = root.putArray("embeddings");
        for (int i = 0; i < requests.size(); i++) {
            JsonNode item = requests.get(i);
            String itemModel = item.path("model").asText(null);
            if (itemModel != null && !itemModel.equals("models/" + model)) {
                return invalidArgument("FakeGemini: requests[" + i + "].model is " + itemModel
                        + " but the URL names models/" + model);
            }
            embeddings.addObject().set("values", values(item, defaultDimensions));
        }
        return jsonDefinition(200, GoogleJson.pretty(root));
    }

    private static ArrayNode values(JsonNode embedRequest, int defaultDimensions) {
        StringBuilder text = new StringBuilder();
        for (JsonNode part : embedRequest.path("content").path("parts")) {
            text.append(part.path("text").asText(""));
        }
        int dimensions = embedRequest.path("outputDimensionality").asInt(0);
        ArrayNode values = NODES.arrayNode();
        for (BigDecimal value : vector(text.toString(), dimensions > 0 ? dimensions : defaultDimensions)) {
            values.add(value);
        }
        return values;
    }

    private static BigDecimal[] vector(String text, int dimensions) {
        Objects.requireNonNull(text, "text");
        if (dimensions < 1) {
            throw new IllegalArgumentException("dimensions must be >= 1, got " + dimensions);
        }
        long seed = 0xcbf29ce484222325L; // FNV-1a over the UTF-8 bytes
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            seed = (seed ^ (b & 0xff)) * 0x100000001b3L;
        }
        BigDecimal[] values = new BigDecimal[dimensions];
        for (int i = 0; i < dimensions; i++) {
            long z = seed + (i + 1) * 0x9E3779B97F4A7C15L; // splitmix64 finaliser
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z = z ^ (z >>> 31);
            values[i] = BigDecimal.valueOf(Math.floorMod(z, 20_001L) - 10_000L, 5);
        }
        return values;
    }

    private static ResponseDefinition modelsPage(Request request, List<String> ids, int maxPageSize) {
        int size = maxPageSize;
        QueryParameter asked = request.queryParameter("pageSize");
        if (asked.isPresent()) {
            try {
                int n = Integer.parseInt(asked.firstValue());
                if (n > 0) {
                    size = Math.min(n, maxPageSize);
                }
            } catch (NumberFormatException ignored) {
                // Google would reject it; the fake just uses its own page size.
            }
        }
        int offset = 0;
        QueryParameter token = request.queryParameter("pageToken");
        if (token.isPresent() && !token.firstValue().isEmpty()) {
            Integer decoded = decodePageToken(token.firstValue());
            if (decoded == null || decoded > ids.size()) {
                return invalidArgument("FakeGemini: pageToken " + token.firstValue() + " was not issued by this fake");
            }
            offset = decoded;
        }
        int end = Math.min(ids.size(), offset + size);
        ObjectNode root = NODES.objectNode();
        ArrayNode models = root.putArray("models");
        for (String id : ids.subList(offset, end)) {
            models.add(model(id));
        }
        if (end < ids.size()) {
            root.put("nextPageToken", encodePageToken(end));
        }
        return jsonDefinition(200, GoogleJson.pretty(root));
    }

    // Opaque-looking like Google's, but just the offset of the next page.
    private static String encodePageToken(int offset) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(("models-offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static Integer decodePageToken(String token) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            return text.startsWith("models-offset:") ? Integer.valueOf(text.substring("models-offset:".length())) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ObjectNode model(String id) {
        String bare = bareModel(id);
        boolean embedding = bare.contains("embedding");
        ObjectNode model = NODES.objectNode();
        model.put("name", "models/" + bare);
        model.put("version", "001");
        model.put("displayName", displayName(bare));
        model.put("description", embedding
                ? "Obtain a distributed representation of a text."
                : "Fake " + displayName(bare) + " for tests.");
        model.put("inputTokenLimit", embedding ? 2048 : 1048576);
        model.put("outputTokenLimit", embedding ? 1 : 65536);
        ArrayNode methods = model.putArray("supportedGenerationMethods");
        if (embedding) {
            methods.add("embedContent").add("countTextTokens").add("countTokens").add("asyncBatchEmbedContent");
        } else {
            methods.add("generateContent").add("countTokens").add("createCachedContent").add("batchGenerateContent");
            model.put("temperature", 1);
            model.put("topP", 0.95);
            model.put("topK", 64);
            model.put("maxTemperature", 2);
            if (THINKING.matcher(bare).find()) {
                model.put("thinking", true);
            }
        }
        return model;
    }

    private static String displayName(String id) {
        StringBuilder name = new StringBuilder();
        for (String word : id.split("-")) {
            if (word.isEmpty()) {
                continue;
            }
            if (name.length() > 0) {
                name.append(' ');
            }
            name.append(word.substring(0, 1).toUpperCase(Locale.ROOT)).append(word.substring(1));
        }
        return name.toString();
    }

    private static JsonNode requestJson(Request request) {
        try {
            JsonNode node = GoogleJson.parse(request.getBodyAsString(), "request body");
            return node.isObject() ? node : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static ResponseDefinition invalidJson() {
        return invalidArgument("Invalid JSON payload received. Expected an object.");
    }

    private static ResponseDefinition invalidArgument(String message) {
        ObjectNode root = NODES.objectNode();
        root.putObject("error").put("code", 400).put("message", message).put("status", "INVALID_ARGUMENT");
        return jsonDefinition(400, GoogleJson.pretty(root));
    }
}
