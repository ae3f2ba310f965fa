package io.github.geminibalance.server;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.WireMock;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A small fake of the Gemini REST API on WireMock, answering in Gemini's exact wire shapes
 * (WIRE_FORMATS.md A and D): generateContent, streamGenerateContent with CRLF SSE framing,
 * batchEmbedContents, the model list and the real error bodies. Stubs can be tied to one API key.
 * (Local to the server tests until the core's shared {@code FakeGemini} lands.)
 */
final class LocalGemini implements AutoCloseable {

    static final String MODEL = "gemini-2.5-flash";
    static final String EMBEDDING_MODEL = "gemini-embedding-001";

    private final WireMockServer server;

    private LocalGemini(WireMockServer server) {
        this.server = server;
    }

    /** Starts a fake on a free port. */
    static LocalGemini start() {
        WireMockServer server = new WireMockServer(options().dynamicPort());
        server.start();
        return new LocalGemini(server);
    }

    /** The base URL to configure as {@code BASE_URL}. */
    String baseUrl() {
        return "http://localhost:" + server.port() + "/v1beta";
    }

    /** Removes every stub. */
    void reset() {
        server.resetAll();
    }

    @Override
    public void close() {
        server.stop();
    }

    // ---- answers ----

    /** {@code generateContent} answers with one text candidate and usage (D1 shape). */
    LocalGemini text(String model, String key, String text) {
        server.stubFor(keyed(post(urlPathEqualTo("/v1beta/models/" + model + ":generateContent")), key)
                .willReturn(json(200, textResponse(List.of(text), true))));
        return this;
    }

    /** {@code streamGenerateContent?alt=sse} answers with one event per piece, the last with STOP (D2). */
    LocalGemini stream(String model, String key, List<String> pieces) {
        StringBuilder sse = new StringBuilder();
        for (int i = 0; i < pieces.size(); i++) {
            boolean last = i == pieces.size() - 1;
            sse.append("data: ").append(textResponse(List.of(pieces.get(i)), last)).append("\r\n\r\n");
        }
        server.stubFor(keyed(post(urlPathEqualTo("/v1beta/models/" + model + ":streamGenerateContent"))
                .withQueryParam("alt", equalTo("sse")), key)
                .willReturn(aResponse().withStatus(200)
                        .withHeader("Content-Type", "text/event-stream")
                        .withHeader("Content-Disposition", "attachment")
                        .withBody(sse.toString())));
        return this;
    }

    /** {@code batchEmbedContents} answers with these vectors, in order (D11). */
    LocalGemini embeddings(String model, String key, List<float[]> vectors) {
        String body = vectors.stream().map(v -> {
            StringBuilder sb = new StringBuilder("{\"values\": [");
            for (int i = 0; i < v.length; i++) {
                sb.append(i == 0 ? "" : ", ").append(v[i]);
            }
            return sb.append("]}").toString();
        }).collect(Collectors.joining(",\n    ", "{\n  \"embeddings\": [\n    ", "\n  ]\n}\n"));
        server.stubFor(keyed(post(urlPathEqualTo("/v1beta/models/" + model + ":batchEmbedContents")), key)
                .willReturn(json(200, body)));
        return this;
    }

    /** {@code GET models} answers with one page listing these chat models and one embedding model. */
    LocalGemini models(List<String> chatModels) {
        String entries = chatModels.stream().map(id -> """
                    {
                      "name": "models/%s",
                      "version": "001",
                      "displayName": "%s",
                      "inputTokenLimit": 1048576,
                      "outputTokenLimit": 65536,
                      "supportedGenerationMethods": ["generateContent", "countTokens"]
                    }""".formatted(id, id)).collect(Collectors.joining(",\n"));
        String body = """
                {
                  "models": [
                %s,
                    {
                      "name": "models/%s",
                      "version": "001",
                      "displayName": "Gemini Embedding 001",
                      "supportedGenerationMethods": ["embedContent", "countTextTokens", "asyncBatchEmbedContent"]
                    }
                  ]
                }
                """.formatted(entries, EMBEDDING_MODEL);
        server.stubFor(get(urlPathEqualTo("/v1beta/models")).willReturn(json(200, body)));
        return this;
    }

    // ---- errors ----

    /** Every call for {@code model}'s {@code method} with {@code key} (null: any key) fails with this error. */
    LocalGemini error(String model, String method, String key, int status, String body) {
        server.stubFor(keyed(post(urlPathEqualTo("/v1beta/models/" + model + ":" + method)), key)
                .willReturn(json(status, body)));
        return this;
    }

    /** D7: 400 INVALID_ARGUMENT with ErrorInfo API_KEY_INVALID. */
    static String apiKeyInvalid() {
        return """
                {
                  "error": {
                    "code": 400,
                    "message": "API key not valid. Please pass a valid API key.",
                    "status": "INVALID_ARGUMENT",
                    "details": [
                      {
                        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                        "reason": "API_KEY_INVALID",
                        "domain": "googleapis.com",
                        "metadata": {"service": "generativelanguage.googleapis.com"}
                      },
                      {
                        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                        "locale": "en-US",
                        "message": "API key not valid. Please pass a valid API key."
                      }
                    ]
                  }
                }
                """;
    }

    /** D9: 429 RESOURCE_EXHAUSTED, per-minute quota, with RetryInfo. */
    static String rateLimited(String retryDelay) {
        return """
                {
                  "error": {
                    "code": 429,
                    "message": "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
                    "status": "RESOURCE_EXHAUSTED",
                    "details": [
                      {
                        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                        "violations": [
                          {
                            "quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests",
                            "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                            "quotaDimensions": {"location": "global", "model": "gemini-2.5-flash"},
                            "quotaValue": "10"
                          }
                        ]
                      },
                      {
                        "@type": "type.googleapis.com/google.rpc.Help",
                        "links": [{"description": "Learn more about Gemini API quotas", "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]
                      },
                      {
                        "@type": "type.googleapis.com/google.rpc.RetryInfo",
                        "retryDelay": "%s"
                      }
                    ]
                  }
                }
                """.formatted(retryDelay);
    }

    /** A.2: 404 NOT_FOUND for an unknown model. */
    static String modelNotFound(String model) {
        return """
                {
                  "error": {
                    "code": 404,
                    "message": "models/%s is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.",
                    "status": "NOT_FOUND"
                  }
                }
                """.formatted(model);
    }

    /** D10: 503 UNAVAILABLE, model overloaded. */
    static String overloaded() {
        return """
                {
                  "error": {
                    "code": 503,
                    "message": "The model is overloaded. Please try again later.",
                    "status": "UNAVAILABLE"
                  }
                }
                """;
    }

    // ---- helpers ----

    private static MappingBuilder keyed(MappingBuilder b, String key) {
        return key == null ? b : b.withHeader("x-goog-api-key", WireMock.equalTo(key));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status)
                .withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(body);
    }

    // Google's compact single-line style (": " after keys, no space after commas), as in D2.
    private static String textResponse(List<String> texts, boolean finish) {
        String parts = texts.stream().map(t -> "{\"text\": \"" + t.replace("\"", "\\\"") + "\"}")
                .collect(Collectors.joining(","));
        return "{\"candidates\": [{\"content\": {\"parts\": [" + parts + "],\"role\": \"model\"}"
                + (finish ? ",\"finishReason\": \"STOP\"" : "") + ",\"index\": 0}],"
                + "\"usageMetadata\": {\"promptTokenCount\": 8,"
                + (finish ? "\"candidatesTokenCount\": 17," : "")
                + "\"totalTokenCount\": " + (finish ? 25 : 8) + "},"
                + "\"modelVersion\": \"" + MODEL + "\",\"responseId\": \"c3RyZWFtX2RlbW9fMDI\"}";
    }
}
