package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import io.github.geminibalance.GeminiBalance;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pool's keys and every client and admin token, known in advance, are pushed through every failure
 * path (an invalid key whose Gemini message and details quote it, a suspended consumer, 429, 500, 503,
 * a reset connection, random bytes, a timeout, a malformed body, an in-stream error, a 200 that echoes
 * the key, a wrong client token in each of its three places, the admin API with a wrong token) on the
 * OpenAI and native routes, streamed and not. No response header or body, and no log line (the
 * project's loggers at ALL, stack traces included), may contain any of them.
 */
class NoSecretsLeakTest {

    private static final String KEY_1 = "AIzaSyFAKE-secret-key-0000000001";
    private static final String KEY_2 = "AIzaSyFAKE-secret-key-0000000002";
    private static final String ADMIN_TOKEN = "admin-secret-token-7f3a9c";
    private static final String BAD_TOKEN = "sk-wrong-secret-token-5d1e";
    private static final String BAD_ADMIN_TOKEN = "wrong-admin-secret-9b2c";
    private static final List<String> SECRETS = List.of(KEY_1, KEY_2, TestServer.TOKEN, ADMIN_TOKEN, BAD_TOKEN,
            BAD_ADMIN_TOKEN, "FAKE-secret-key", "secret-token");
    // The fake Gemini logs what it receives, keys included, as a real upstream might; that is not ours.
    private static final List<String> FOREIGN_LOGGERS = List.of("com.github.tomakehurst", "wiremock", "org.eclipse.jetty");
    private static final List<String> MODELS = List.of("m-invalid", "m-suspended", "m-limited", "m-internal",
            "m-unavailable", "m-reset", "m-garbage", "m-timeout", "m-malformed", "m-echo");

    private static FakeGemini gemini;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        for (String key : List.of(KEY_1, KEY_2)) {
            stub(key, "m-invalid", ".*", json(400, error(400, "INVALID_ARGUMENT", "API_KEY_INVALID",
                    "API key not valid. Please pass a valid API key. (key: " + key + ")", key)));
            stub(key, "m-suspended", ".*", json(403, error(403, "PERMISSION_DENIED", "CONSUMER_SUSPENDED",
                    "Permission denied: Consumer 'api_key:" + key + "' has been suspended.", key)));
            stub(key, "m-limited", ".*", json(429, error(429, "RESOURCE_EXHAUSTED", "RATE_LIMIT_EXCEEDED",
                    "Quota exceeded for key " + key, key)));
            stub(key, "m-internal", ".*", json(500, error(500, "INTERNAL", "INTERNAL", "internal error for " + key, key)));
            stub(key, "m-unavailable", ".*", json(503, error(503, "UNAVAILABLE", "OVERLOADED", "overloaded " + key, key)));
            stub(key, "m-malformed", ".*", json(200, "{\"candidates\": [{\"content\": key=" + key));
            String echo = "See https://generativelanguage.googleapis.com/v1beta/files/abc?key=" + key + " for the file.";
            stub(key, "m-echo", "(generateContent|countTokens|embedContent|batchEmbedContents|batchGenerateContent)",
                    json(200, GeminiFixtures.textResponse(echo)));
            stub(key, "m-echo", "streamGenerateContent", aResponse().withStatus(200)
                    .withHeader("Content-Type", "text/event-stream")
                    .withBody(GeminiFixtures.sseBody(GeminiFixtures.textStream("file: ", echo))
                            + "data: {\"error\": {\"code\": 500, \"message\": \"stream broke for " + key
                            + "\", \"status\": \"INTERNAL\"}}\r\n\r\n"));
        }
        stub(null, "m-reset", ".*", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        stub(null, "m-garbage", ".*", aResponse().withFault(Fault.RANDOM_DATA_THEN_CLOSE));
        stub(null, "m-timeout", ".*", json(200, GeminiFixtures.textResponse("late")).withFixedDelay(3_000));
        server = TestServer.start(TestServer.config(gemini, List.of(KEY_1, KEY_2))
                .timeout(Duration.ofSeconds(1)).maxRetries(1).build(),
                TestServer.serverConfig().withAuthToken(ADMIN_TOKEN));
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @Test
    void noKeyOrTokenReachesAClientOrTheLog() throws Exception {
        List<String> leaks = new ArrayList<>();
        Map<Integer, Integer> statuses = new TreeMap<>();
        try (RootLogCapture log = RootLogCapture.everyLevel()) {
            for (String model : MODELS) {
                for (Call call : calls(model)) {
                    resetKeys();
                    HttpResponse<String> response = server.send(call.request().build());
                    statuses.merge(response.statusCode(), 1, Integer::sum);
                    leaks.addAll(leaks(call.name(), response));
                }
            }
            for (Call call : refusals()) {
                HttpResponse<String> response = server.send(call.request().build());
                statuses.merge(response.statusCode(), 1, Integer::sum);
                leaks.addAll(leaks(call.name(), response));
            }
            for (String line : log.lines()) {
                boolean foreign = FOREIGN_LOGGERS.stream().anyMatch(line.split(" ", 3)[1]::startsWith);
                for (String secret : SECRETS) {
                    if (!foreign && line.contains(secret)) {
                        leaks.add("log line contains " + secret + ": " + line);
                    }
                }
            }
            assertThat(log.lines()).as("the log was captured").isNotEmpty();
        }

        assertThat(leaks).isEmpty();
        assertThat(statuses).containsKeys(200, 401, 429, 502, 503, 504);
    }

    private record Call(String name, HttpRequest.Builder request) {}

    private static List<Call> calls(String model) {
        String chat = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        String contents = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";
        return List.of(
                new Call(model + " chat", post("/v1/chat/completions", chat + "}")),
                new Call(model + " chat stream", post("/v1/chat/completions", chat + ",\"stream\":true}")),
                new Call(model + " embeddings", post("/v1/embeddings", "{\"model\":\"" + model + "\",\"input\":\"hi\"}")),
                new Call(model + " generateContent", post("/v1beta/models/" + model + ":generateContent", contents)),
                new Call(model + " streamGenerateContent sse",
                        post("/v1beta/models/" + model + ":streamGenerateContent?alt=sse", contents)),
                new Call(model + " batchGenerateContent", post("/v1beta/models/" + model + ":batchGenerateContent",
                        "{\"batch\":{\"displayName\":\"b\",\"inputConfig\":{\"requests\":{\"requests\":[{\"request\":"
                                + contents + "}]}}}}")),
                new Call(model + " countTokens ?key=", server.request("/v1beta/models/" + model + ":countTokens?key="
                        + TestServer.TOKEN, null).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(contents))));
    }

    private static List<Call> refusals() {
        String chat = "{\"model\":\"m-echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String contents = "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}";
        return List.of(
                new Call("chat, wrong bearer", server.request("/v1/chat/completions", BAD_TOKEN)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(chat))),
                new Call("native, wrong x-goog-api-key", server.request("/v1beta/models/m-echo:generateContent", null)
                        .header("x-goog-api-key", BAD_TOKEN).POST(HttpRequest.BodyPublishers.ofString(contents))),
                new Call("native, wrong ?key=", server.request("/v1beta/models/m-echo:generateContent?key=" + BAD_TOKEN, null)
                        .POST(HttpRequest.BodyPublishers.ofString(contents))),
                new Call("native, wrong bearer", server.request("/v1beta/models", BAD_TOKEN).GET()),
                new Call("admin, wrong token", server.request("/admin/keys", BAD_ADMIN_TOKEN).GET()),
                new Call("admin, client token", server.request("/admin/keys", TestServer.TOKEN).GET()),
                new Call("admin, reset with wrong token", server.request("/admin/keys/k-1/reset", BAD_ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody())),
                new Call("admin, right token", server.request("/admin/keys", ADMIN_TOKEN).GET()),
                new Call("admin check, right token", server.request("/admin/keys/check", ADMIN_TOKEN)
                        .POST(HttpRequest.BodyPublishers.noBody())),
                new Call("health", server.request("/health", null).GET()));
    }

    private static HttpRequest.Builder post(String path, String body) {
        return server.request(path, TestServer.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private static List<String> leaks(String call, HttpResponse<String> response) {
        List<String> found = new ArrayList<>();
        for (String secret : SECRETS) {
            if (response.body().contains(secret)) {
                found.add(call + ": body (" + response.statusCode() + ") contains " + secret + ": " + response.body());
            }
            response.headers().map().forEach((name, values) -> values.stream().filter(v -> v.contains(secret))
                    .forEach(v -> found.add(call + ": header " + name + " contains " + secret)));
        }
        return found;
    }

    // Each call starts with both keys usable, so every one reaches its failure instead of "no key left".
    private static void resetKeys() {
        GeminiBalance balance = server.context().getBean(GeminiBalance.class);
        balance.keyStatus().forEach(k -> balance.resetKey(k.id()));
    }

    private static void stub(String key, String model, String methods, ResponseDefinitionBuilder response) {
        var mapping = WireMock.any(urlPathMatching("/v1beta/models/" + model + ":" + methods)).atPriority(2);
        if (key != null) {
            mapping = mapping.withHeader(FakeGemini.API_KEY_HEADER, equalTo(key));
        }
        gemini.server().stubFor(mapping.willReturn(response));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8").withBody(body);
    }

    private static String error(int code, String status, String reason, String message, String key) {
        return "{\"error\": {\"code\": " + code + ", \"message\": \"" + message + "\", \"status\": \"" + status + "\","
                + " \"details\": [{\"@type\": \"type.googleapis.com/google.rpc.ErrorInfo\", \"reason\": \"" + reason + "\","
                + " \"domain\": \"googleapis.com\", \"metadata\": {\"service\": \"generativelanguage.googleapis.com\","
                + " \"consumer\": \"api_key:" + key + "\", \"key\": \"" + key + "\"}},"
                + " {\"@type\": \"type.googleapis.com/google.rpc.LocalizedMessage\", \"locale\": \"en-US\","
                + " \"message\": \"" + message + "\"}]}}";
    }
}
