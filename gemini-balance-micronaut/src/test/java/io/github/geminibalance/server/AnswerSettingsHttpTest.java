package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.config.AnswerSettings;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The original's answer settings through the running server: {@code FILTERED_MODELS} on every front door
 * and model list, {@code URL_CONTEXT_*} in what Gemini receives, {@code SHOW_THINKING_PROCESS} and
 * {@code SHOW_SEARCH_LINK} in the answers, changed at run time with {@code PUT /admin/config/{name}}.
 */
class AnswerSettingsHttpTest {

    private static final String FILTERED = "gemini-pro-vision"; // in the original's default list
    private static final String THINKER = "gemini-2.5-pro";
    private static final String SEARCHER = "gemini-2.5-flash";
    private static final String URL_MODEL = "gemini-2.5-flash-lite"; // in URL_CONTEXT_MODELS by default
    private static final String OTHER = "gemini-2.0-flash-lite"; // not in it

    private static FakeGemini gemini;
    private static TestServer server;
    private static AdminClient admin;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start()
                .generateContent(THINKER, null, GeminiFixtures.thinkingResponse())
                .generateContent(SEARCHER, null, GeminiFixtures.groundedResponse())
                .generateContent(URL_MODEL, null, GeminiFixtures.textResponse("read it"))
                .generateContent(OTHER, null, GeminiFixtures.textResponse("no pages"))
                .generateContent(FILTERED, null, GeminiFixtures.textResponse("must not be called"))
                .models(List.of(SEARCHER, FILTERED, THINKER), 10);
        AnswerSettings answers = new AnswerSettings(AnswerSettings.DEFAULT_FILTERED_MODELS, true,
                AnswerSettings.DEFAULT_URL_CONTEXT_MODELS, true, true, false, Duration.ofSeconds(5));
        server = TestServer.start(TestServer.config(gemini, List.of("AIzaSyTEST-only-key-0001"))
                .answers(answers).build(), TestServer.serverConfig().withAuthToken(AdminClient.ADMIN_TOKEN));
        admin = new AdminClient(server);
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @AfterEach
    void defaults() throws Exception {
        for (String name : List.of("SHOW_THINKING_PROCESS", "SHOW_SEARCH_LINK", "FILTERED_MODELS", "URL_CONTEXT_ENABLED")) {
            admin.send("DELETE", "/admin/config/" + name, null);
        }
    }

    /** Changes a setting as an operator does: {@code PUT /admin/config/{name}}. */
    private static void set(String name, String raw) throws Exception {
        admin.ok("PUT", "/admin/config/" + name, "{\"value\": " + Json.mapper().writeValueAsString(raw) + "}");
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.mapper().readTree(response.body());
        } catch (java.io.IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    private static String chat(String model, String extra) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]" + extra + "}";
    }

    private static String messages(String model) {
        return "{\"model\":\"" + model + "\",\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    }

    private static List<String> ids(JsonNode list, String field) {
        List<String> ids = new ArrayList<>();
        list.forEach(m -> ids.add(m.path(field).asText()));
        return ids;
    }

    // ---- FILTERED_MODELS ----

    @Test
    void aFilteredModelIsRefusedOnEveryOpenAiDoorInOpenAisShape() throws Exception {
        for (String path : List.of("/v1/chat/completions", "/hf/v1/chat/completions")) {
            for (String stream : List.of("", ",\"stream\":true")) {
                HttpResponse<String> r = server.postJson(path, chat(FILTERED, stream));
                assertThat(r.statusCode()).as(path + stream).isEqualTo(404);
                JsonNode error = json(r).path("error");
                assertThat(error.path("code").asText()).isEqualTo("model_not_found");
                assertThat(error.path("param").asText()).isEqualTo("model");
                assertThat(error.path("message").asText()).contains("'" + FILTERED + "'");
            }
        }
        HttpResponse<String> embeddings = server.postJson("/v1/embeddings",
                "{\"model\":\"" + FILTERED + "\",\"input\":\"hi\"}");
        assertThat(embeddings.statusCode()).isEqualTo(404);
        assertThat(json(embeddings).path("error").path("message").asText()).contains(FILTERED);
        HttpResponse<String> responses = server.postJson("/v1/responses",
                "{\"model\":\"" + FILTERED + "\",\"input\":\"hi\"}");
        assertThat(responses.statusCode()).isEqualTo(404);
        assertThat(json(responses).path("error").path("code").asText()).isEqualTo("model_not_found");
        assertThat(gemini.requestBodies(FILTERED, "generateContent")).isEmpty();
    }

    @Test
    void aFilteredModelIsRefusedOnMessagesInAnthropicsShape() throws Exception {
        for (String path : List.of("/v1/messages", "/v1/messages/count_tokens")) {
            HttpResponse<String> r = server.postJson(path, messages(FILTERED));
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            JsonNode body = json(r);
            assertThat(body.path("type").asText()).isEqualTo("error");
            assertThat(body.path("error").path("type").asText()).isEqualTo("not_found_error");
            assertThat(body.path("error").path("message").asText()).contains(FILTERED);
        }
    }

    @Test
    void aFilteredModelIsRefusedOnTheNativeApiInGeminisShape() throws Exception {
        for (String path : List.of("/v1beta/models/" + FILTERED + ":generateContent",
                "/v1beta/models/" + FILTERED + ":streamGenerateContent?alt=sse",
                "/gemini/v1beta/models/" + FILTERED + ":countTokens")) {
            HttpResponse<String> r = server.postJson(path, "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}");
            assertThat(r.statusCode()).as(path).isEqualTo(404);
            JsonNode error = json(r).path("error");
            assertThat(error.path("code").asInt()).isEqualTo(404);
            assertThat(error.path("status").asText()).isEqualTo("NOT_FOUND");
            assertThat(error.path("message").asText()).contains(FILTERED);
        }
        assertThat(server.get("/v1beta/models/" + FILTERED).statusCode()).isEqualTo(404);
    }

    @Test
    void aFilteredModelIsHiddenFromEveryModelList() throws Exception {
        for (String path : List.of("/v1/models", "/hf/v1/models")) {
            HttpResponse<String> r = server.get(path);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(ids(json(r).path("data"), "id")).as(path)
                    .contains(SEARCHER, SEARCHER + "-search", THINKER).doesNotContain(FILTERED);
        }
        assertThat(server.get("/v1/models/" + FILTERED).statusCode()).isEqualTo(404);
        HttpResponse<String> nativeList = server.get("/v1beta/models");
        assertThat(nativeList.statusCode()).isEqualTo(200);
        assertThat(ids(json(nativeList).path("models"), "name"))
                .contains("models/" + SEARCHER, "models/" + THINKER).doesNotContain("models/" + FILTERED);
    }

    @Test
    void filteredModelsChangeAtRunTime() throws Exception {
        set("FILTERED_MODELS", "[\"" + SEARCHER + "\"]");

        assertThat(ids(json(server.get("/v1/models")).path("data"), "id"))
                .contains(FILTERED, THINKER).doesNotContain(SEARCHER, SEARCHER + "-search");
        assertThat(server.postJson("/v1/chat/completions", chat(SEARCHER + "-search", "")).statusCode())
                .isEqualTo(404);
        assertThat(ids(json(server.get("/v1beta/models")).path("models"), "name")).contains("models/" + FILTERED);
    }

    // ---- URL_CONTEXT_ENABLED / URL_CONTEXT_MODELS ----

    private static boolean hasUrlContext(JsonNode body) {
        for (JsonNode tool : body.path("tools")) {
            if (tool.has("urlContext")) {
                return true;
            }
        }
        return false;
    }

    private static JsonNode lastBody(String model) {
        List<JsonNode> bodies = gemini.requestBodies(model, "generateContent");
        assertThat(bodies).isNotEmpty();
        return bodies.get(bodies.size() - 1);
    }

    @Test
    void urlContextIsAddedForListedModelsOnly() throws Exception {
        assertThat(server.postJson("/v1/chat/completions", chat(URL_MODEL, "")).statusCode()).isEqualTo(200);
        JsonNode sent = lastBody(URL_MODEL);
        assertThat(hasUrlContext(sent)).as("chat, listed model").isTrue();
        assertThat(sent.path("tools").get(0).path("urlContext").isObject()).isTrue();

        assertThat(server.postJson("/v1/messages", messages(URL_MODEL)).statusCode()).isEqualTo(200);
        assertThat(hasUrlContext(lastBody(URL_MODEL))).as("messages, listed model").isTrue();
        assertThat(server.postJson("/v1/responses", "{\"model\":\"" + URL_MODEL + "\",\"input\":\"hi\"}")
                .statusCode()).isEqualTo(200);
        assertThat(hasUrlContext(lastBody(URL_MODEL))).as("responses, listed model").isTrue();

        assertThat(server.postJson("/v1/chat/completions", chat(OTHER, "")).statusCode()).isEqualTo(200);
        assertThat(hasUrlContext(lastBody(OTHER))).as("a model not listed").isFalse();
    }

    @Test
    void urlContextIsLeftOutBesideFunctionTools() throws Exception {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_time\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]";
        assertThat(server.postJson("/v1/chat/completions", chat(URL_MODEL, tools)).statusCode()).isEqualTo(200);
        JsonNode sent = lastBody(URL_MODEL);
        assertThat(sent.path("tools").toString()).contains("functionDeclarations");
        assertThat(hasUrlContext(sent)).isFalse();
    }

    @Test
    void urlContextOffSendsNone() throws Exception {
        set("URL_CONTEXT_ENABLED", "false");
        assertThat(server.postJson("/v1/chat/completions", chat(URL_MODEL, "")).statusCode()).isEqualTo(200);
        assertThat(hasUrlContext(lastBody(URL_MODEL))).isFalse();
    }

    // ---- SHOW_THINKING_PROCESS ----

    @Test
    void thoughtsAreReturnedByDefault() throws Exception {
        JsonNode message = json(server.postJson("/v1/chat/completions", chat(THINKER, ",\"reasoning_effort\":\"low\"")))
                .path("choices").get(0).path("message");
        assertThat(message.path("reasoning_content").asText()).contains("Checking divisibility");
        assertThat(lastBody(THINKER).path("generationConfig").path("thinkingConfig").path("includeThoughts")
                .asBoolean()).isTrue();
    }

    @Test
    void thoughtsAreNeitherAskedForNorReturnedWhenHidden() throws Exception {
        set("SHOW_THINKING_PROCESS", "false");

        JsonNode message = json(server.postJson("/v1/chat/completions", chat(THINKER, ",\"reasoning_effort\":\"low\"")))
                .path("choices").get(0).path("message");
        assertThat(message.has("reasoning_content") && !message.path("reasoning_content").isNull()).isFalse();
        assertThat(message.path("content").asText()).isEqualTo("221 is not prime: 221 = 13 x 17.");
        JsonNode thinking = lastBody(THINKER).path("generationConfig").path("thinkingConfig");
        assertThat(thinking.path("thinkingBudget").asInt()).as("thinking itself stays").isEqualTo(1024);
        assertThat(thinking.has("includeThoughts")).isFalse();

        String anthropic = "{\"model\":\"" + THINKER + "\",\"max_tokens\":4000,\"thinking\":{\"type\":\"enabled\","
                + "\"budget_tokens\":2000},\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        JsonNode content = json(server.postJson("/v1/messages", anthropic)).path("content");
        assertThat(content.toString()).doesNotContain("\"thinking\"").doesNotContain("Checking divisibility");
        assertThat(lastBody(THINKER).path("generationConfig").path("thinkingConfig").has("includeThoughts")).isFalse();

        String responses = "{\"model\":\"" + THINKER + "\",\"input\":\"hi\",\"reasoning\":{\"summary\":\"auto\"}}";
        JsonNode output = json(server.postJson("/v1/responses", responses)).path("output");
        assertThat(output.toString()).doesNotContain("\"reasoning\"").doesNotContain("Checking divisibility");
    }

    // ---- SHOW_SEARCH_LINK ----

    @Test
    void searchSourcesAreAppendedByDefaultAndNotWhenTurnedOff() throws Exception {
        String shown = json(server.postJson("/v1/chat/completions", chat(SEARCHER + "-search", "")))
                .path("choices").get(0).path("message").path("content").asText();
        assertThat(shown).contains("letour.fr");

        set("SHOW_SEARCH_LINK", "false");
        String hidden = json(server.postJson("/v1/chat/completions", chat(SEARCHER + "-search", "")))
                .path("choices").get(0).path("message").path("content").asText();
        assertThat(hidden).doesNotContain("letour.fr").doesNotContain("Sources");
        assertThat(shown).startsWith(hidden);
        assertThat(lastBody(SEARCHER).path("tools").toString()).as("the search itself stays").contains("googleSearch");

        String anthropic = json(server.postJson("/v1/messages", "{\"model\":\"" + SEARCHER + "-search\","
                + "\"max_tokens\":100,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).toString();
        assertThat(anthropic).doesNotContain("letour.fr");
    }
}
