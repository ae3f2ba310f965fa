package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.github.geminibalance.server.KeyBoundFakes.cacheJson;
import static io.github.geminibalance.server.KeyBoundFakes.ok;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.CachedContent;
import com.google.genai.types.Content;
import com.google.genai.types.CreateCachedContentConfig;
import com.google.genai.types.File;
import com.google.genai.types.GenerateContentConfig;
import com.google.genai.types.ListCachedContentsConfig;
import com.google.genai.types.Part;
import com.google.genai.types.UpdateCachedContentConfig;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.testing.FakeGemini;
import io.github.geminibalance.testing.GeminiErrorKind;
import io.github.geminibalance.testing.GeminiFixtures;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Google's genai SDK ({@code client.caches}) creates, reads, lists, updates and deletes context caches
 * through the server, against a fake in Gemini's wire shapes: a cache lives with the key of the file it
 * names (or the pooled key that made it), every later call on it and every generation naming it, from
 * the SDK or from OpenAI chat, goes to that key, and each client token sees only its own caches.
 */
class CachedContentsSdkTest {

    private static final String MODEL = "gemini-2.5-flash";
    // caches made of no file use their own model, so a key resting for it does not disturb the other tests
    private static final String POOLED_MODEL = "gemini-2.0-flash";
    private static final String KEY_A = "AIzaSyTEST-caches-key-000A";
    private static final String KEY_B = "AIzaSyTEST-caches-key-000B";
    private static final String TOKEN_B = "sk-test-other-cache-client";
    private static final String EXPIRES = "2099-12-07T10:00:00.000000Z";

    private static FakeGemini gemini;
    private static KeyBoundFakes fakes;
    private static TestServer server;

    @BeforeAll
    static void start() {
        gemini = FakeGemini.start();
        fakes = new KeyBoundFakes(gemini);
        server = TestServer.start(TestServer.config(gemini, List.of(KEY_A, KEY_B)).build(),
                ServerConfig.of(List.of(TestServer.TOKEN, TOKEN_B)));
    }

    @AfterAll
    static void stop() {
        server.close();
        gemini.close();
    }

    @BeforeEach
    void stubs() {
        gemini.reset();
        gemini.generateContent(MODEL, null, GeminiFixtures.textResponse("From the cache."));
    }

    /** Stubs a cache create answered with the cache {@code id} when the request's displayName is {@code id}. */
    private static void stubCreate(String id, String model) {
        gemini.server().stubFor(post(urlEqualTo("/v1beta/cachedContents"))
                .withRequestBody(matchingJsonPath("$.displayName", equalTo(id)))
                .willReturn(ok(cacheJson(id, model, EXPIRES, 1234))));
        gemini.server().stubFor(get(urlEqualTo("/v1beta/cachedContents/" + id))
                .willReturn(ok(cacheJson(id, model, EXPIRES, 1234))));
        gemini.server().stubFor(delete(urlEqualTo("/v1beta/cachedContents/" + id))
                .willReturn(ok("{}")));
    }

    /** A cache of {@code file} made with the SDK, named {@code id}. */
    private static CachedContent cacheOf(Client client, String id, File file) {
        return client.caches.create(MODEL, CreateCachedContentConfig.builder().displayName(id)
                .contents(Content.fromParts(Part.fromUri(file.uri().orElseThrow(), "text/plain")))
                .systemInstruction(Content.fromParts(Part.fromText("Answer from the document.")))
                .ttl(Duration.ofHours(1)).build());
    }

    private static List<String> listed(Client client) {
        List<String> names = new ArrayList<>();
        client.caches.list(ListCachedContentsConfig.builder().pageSize(50).build())
                .forEach(c -> names.add(c.name().orElseThrow()));
        return names;
    }

    @Test
    void aCacheOfAnUploadedFileIsMadeReadUpdatedAndDeletedWithTheFilesKey() {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String fileId = fakes.stubUpload("the cached document");
        File file = KeyBoundFakes.upload(client, fileId, "the cached document");
        String owner = fakes.keysOn("/upload/v1beta/files.*").get(0);

        // two caches in a row: round robin alone would send one of them to the other key
        String first = KeyBoundFakes.id("cache");
        String second = KeyBoundFakes.id("cache");
        stubCreate(first, MODEL);
        stubCreate(second, MODEL);
        CachedContent made = cacheOf(client, first, file);
        cacheOf(client, second, file);
        assertThat(made.name()).contains("cachedContents/" + first);
        assertThat(made.model()).contains("models/" + MODEL);
        assertThat(made.expireTime()).contains(Instant.parse(EXPIRES));
        assertThat(made.usageMetadata().orElseThrow().totalTokenCount()).contains(1234);
        assertThat(fakes.keysOn("/v1beta/cachedContents")).containsExactly(owner, owner);
        JsonNode sent = readJson(fakes.requestsOn("/v1beta/cachedContents").get(0));
        assertThat(sent.path("model").asText()).isEqualTo("models/" + MODEL);
        assertThat(sent.at("/contents/0/parts/0/fileData/fileUri").asText()).isEqualTo(file.uri().orElseThrow());

        CachedContent read = client.caches.get("cachedContents/" + first, null);
        assertThat(read.displayName()).contains(first);
        assertThat(fakes.keysOn("/v1beta/cachedContents/" + first)).containsExactly(owner);
        assertThat(listed(client)).contains("cachedContents/" + first, "cachedContents/" + second);

        String later = "2099-12-07T12:00:00.000000Z";
        gemini.server().stubFor(patch(urlPathEqualTo("/v1beta/cachedContents/" + first))
                .willReturn(ok(cacheJson(first, MODEL, later, 1234))));
        CachedContent updated = client.caches.update("cachedContents/" + first,
                UpdateCachedContentConfig.builder().ttl(Duration.ofHours(3)).build());
        assertThat(updated.expireTime()).contains(Instant.parse(later));
        List<ServeEvent> patches = fakes.requestsOn("/v1beta/cachedContents/" + first + "(\\?.*)?").stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("PATCH")).toList();
        assertThat(patches).hasSize(1);
        assertThat(patches.get(0).getRequest().getHeader(FakeGemini.API_KEY_HEADER)).isEqualTo(owner);
        assertThat(readJson(patches.get(0)).path("ttl").asText()).isEqualTo("10800s");
        List<CachedContent> kept = new ArrayList<>();
        client.caches.list(ListCachedContentsConfig.builder().build()).forEach(kept::add);
        assertThat(kept).filteredOn(c -> c.name().orElseThrow().equals("cachedContents/" + first))
                .singleElement().satisfies(c -> assertThat(c.expireTime()).contains(Instant.parse(later)));

        client.caches.delete("cachedContents/" + first, null);
        assertThat(fakes.keysOn("/v1beta/cachedContents/" + first + ".*")).containsOnly(owner);
        int before = gemini.requestCount();
        assertThatThrownBy(() -> client.caches.get("cachedContents/" + first, null))
                .isInstanceOf(ClientException.class).hasMessageContaining("404");
        assertThat(gemini.requestCount()).as("a deleted cache is not asked for upstream").isEqualTo(before);
        assertThat(listed(client)).doesNotContain("cachedContents/" + first).contains("cachedContents/" + second);
    }

    @Test
    void anotherClientTokenNeitherSeesNorTouchesTheCache() throws Exception {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String fileId = fakes.stubUpload("private document");
        File file = KeyBoundFakes.upload(client, fileId, "private document");
        String id = KeyBoundFakes.id("cache");
        stubCreate(id, MODEL);
        cacheOf(client, id, file);
        int before = gemini.requestCount();

        Client other = KeyBoundFakes.client(server, TOKEN_B);
        assertThat(listed(other)).doesNotContain("cachedContents/" + id);
        assertThatThrownBy(() -> other.caches.get("cachedContents/" + id, null))
                .isInstanceOf(ClientException.class).hasMessageContaining("404");
        assertThatThrownBy(() -> other.caches.update("cachedContents/" + id,
                UpdateCachedContentConfig.builder().ttl(Duration.ofHours(2)).build()))
                .isInstanceOf(ClientException.class).hasMessageContaining("404");
        assertThatThrownBy(() -> other.caches.delete("cachedContents/" + id, null))
                .isInstanceOf(ClientException.class).hasMessageContaining("404");
        HttpResponse<String> raw = server.send(server.request("/v1beta/cachedContents/" + id, null)
                .header("x-goog-api-key", TOKEN_B).GET().build());
        assertThat(raw.statusCode()).isEqualTo(404);
        JsonNode error = Json.mapper().readTree(raw.body()).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(404);
        assertThat(error.path("status").asText()).isEqualTo("NOT_FOUND");
        assertThat(gemini.requestCount()).as("nothing reaches Gemini for another client's cache").isEqualTo(before);

        // and the owner still has it
        assertThat(client.caches.get("cachedContents/" + id, null).name()).contains("cachedContents/" + id);
    }

    @Test
    void everyGenerationNamingTheCacheGoesToItsKeyFromTheSdkAndFromOpenAiChat() {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        String fileId = fakes.stubUpload("a long document to cache");
        File file = KeyBoundFakes.upload(client, fileId, "a long document to cache");
        String owner = fakes.keysOn("/upload/v1beta/files.*").get(0);
        String id = KeyBoundFakes.id("cache");
        stubCreate(id, MODEL);
        String name = cacheOf(client, id, file).name().orElseThrow();

        for (int i = 0; i < 3; i++) {
            assertThat(client.models.generateContent(MODEL, "What does the document say?",
                    GenerateContentConfig.builder().cachedContent(name).build()).text()).isEqualTo("From the cache.");
        }
        assertThat(fakes.keysOn(".*:generateContent")).containsExactly(owner, owner, owner);
        assertThat(gemini.requestBodies(MODEL, "generateContent"))
                .allSatisfy(body -> assertThat(body.path("cachedContent").asText()).isEqualTo(name));

        OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey(TestServer.TOKEN)
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
        List<ChatCompletionCreateParams> chats = List.of(
                chat().putAdditionalBodyProperty("google", JsonValue.from(Map.of("cached_content", name))).build(),
                chat().putAdditionalBodyProperty("extra_body",
                        JsonValue.from(Map.of("google", Map.of("cachedContent", name)))).build(),
                chat().putAdditionalBodyProperty("google", JsonValue.from(Map.of("cachedContent", name))).build());
        for (ChatCompletionCreateParams params : chats) {
            ChatCompletion answer = openai.chat().completions().create(params);
            assertThat(answer.choices().get(0).message().content()).contains("From the cache.");
        }
        assertThat(fakes.keysOn(".*:generateContent")).hasSize(6).containsOnly(owner);
        List<JsonNode> sent = gemini.requestBodies(MODEL, "generateContent");
        assertThat(sent.subList(3, 6)).allSatisfy(body -> assertThat(body.path("cachedContent").asText()).isEqualTo(name));

        // and streamed
        gemini.streamGenerateContent(MODEL, null, GeminiFixtures.textStream("From ", "the cache."));
        for (int i = 0; i < 2; i++) {
            StringBuilder text = new StringBuilder();
            try (var stream = openai.chat().completions().createStreaming(
                    chat().putAdditionalBodyProperty("google", JsonValue.from(Map.of("cached_content", name))).build())) {
                stream.stream().forEach(chunk -> chunk.choices().forEach(c -> c.delta().content().ifPresent(text::append)));
            }
            assertThat(text.toString()).isEqualTo("From the cache.");
        }
        assertThat(fakes.keysOn(".*:streamGenerateContent.*")).containsExactly(owner, owner);
    }

    private static ChatCompletionCreateParams.Builder chat() {
        return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage("What does the document say?");
    }

    @Test
    void aCacheNamingNoFileGoesToAPooledKeyAndARateLimitMovesItToTheOther() {
        Client client = KeyBoundFakes.client(server, TestServer.TOKEN);
        gemini.server().stubFor(post(urlEqualTo("/v1beta/cachedContents")).atPriority(1)
                .withHeader(FakeGemini.API_KEY_HEADER, equalTo(KEY_A))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", KeyBoundFakes.JSON)
                        .withBody(GeminiFixtures.errorBody(GeminiErrorKind.RATE_LIMITED_429))));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // one of the two starts on key A, whichever key round robin is at
            String id = KeyBoundFakes.id("cache");
            stubCreate(id, POOLED_MODEL);
            names.add(client.caches.create(POOLED_MODEL, CreateCachedContentConfig.builder().displayName(id)
                    .contents(Content.fromParts(Part.fromText("a long shared preamble"))).build()).name().orElseThrow());
        }
        List<String> keys = fakes.keysOn("/v1beta/cachedContents");
        assertThat(keys).as("key A's 429 is retried on key B once").containsExactlyInAnyOrder(KEY_A, KEY_B, KEY_B);
        assertThat(keys.get(keys.size() - 1)).isEqualTo(KEY_B);
        assertThat(keys.get(keys.indexOf(KEY_A) + 1)).isEqualTo(KEY_B);

        for (String name : names) {
            client.caches.get(name, null);
        }
        assertThat(fakes.keysOn("/v1beta/cachedContents/.*")).as("each cache is read with the key that made it")
                .containsExactly(KEY_B, KEY_B);
    }

    private static JsonNode readJson(ServeEvent event) {
        try {
            return Json.mapper().readTree(event.getRequest().getBodyAsString());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
