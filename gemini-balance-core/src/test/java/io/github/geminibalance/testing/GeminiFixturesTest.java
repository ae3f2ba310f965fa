package io.github.geminibalance.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.geminibalance.gemini.FinishReason;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.gemini.Part;
import io.github.geminibalance.internal.Json;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiFixturesTest {

    @Test
    void textResponseCarriesTheTextAndD1UsageWithThoughts() throws IOException {
        GenerateContentResponse response = parse(GeminiFixtures.textResponse("Bonjour"));

        assertThat(response.candidates()).singleElement().satisfies(c -> {
            assertThat(c.parts()).extracting(Part::text).containsExactly("Bonjour");
            assertThat(c.finishReason()).isEqualTo(FinishReason.STOP);
        });
        GenerateContentResponse.UsageMetadata usage = response.usageMetadata();
        assertThat(usage.thoughtsTokenCount()).isEqualTo(41);
        assertThat(usage.totalTokenCount())
                .isEqualTo(usage.promptTokenCount() + usage.candidatesTokenCount() + usage.thoughtsTokenCount());
    }

    @Test
    void nonStreamFixturesArePrettyPrintedTheGoogleWay() {
        String grounded = GeminiFixtures.groundedResponse();

        assertThat(grounded).startsWith("{\n  \"candidates\": [\n    {\n      \"content\": {\n").endsWith("\n}\n");
        assertThat(grounded).contains("\"groundingChunkIndices\": [\n              0,\n              1\n            ]");
        // escaped quotes inside the HTML survive re-printing
        assertThat(grounded).contains("<div class=\\\"container\\\">");
        assertThat(GeminiFixtures.emptyCandidates()).contains("\"candidates\": [],\n");
    }

    @Test
    void textStreamHasCumulativeUsageAndStopOnlyOnTheLastEvent() throws IOException {
        List<String> events = GeminiFixtures.textStream("Hello", " there, ", "world!");

        assertThat(events).hasSize(3).allSatisfy(e -> assertThat(e).doesNotContain("\n").contains("\"text\": \""));
        List<GenerateContentResponse> parsed = events.stream().map(GeminiFixturesTest::parseUnchecked).toList();
        assertThat(parsed).extracting(r -> r.candidates().get(0).parts().get(0).text())
                .containsExactly("Hello", " there, ", "world!");
        assertThat(parsed).extracting(r -> r.candidates().get(0).finishReason())
                .containsExactly(null, null, FinishReason.STOP);
        // 5 chars -> 2, 8 chars -> 2, 6 chars -> 2 tokens, summed as the stream goes
        assertThat(parsed).extracting(r -> r.usageMetadata().candidatesTokenCount()).containsExactly(2, 4, 6);
        assertThat(parsed).extracting(r -> r.usageMetadata().totalTokenCount()).containsExactly(10, 12, 14);
        assertThat(parsed).extracting(GenerateContentResponse::responseId).containsOnly("c3RyZWFtX2RlbW9fMDI");
        assertThatThrownBy(GeminiFixtures::textStream).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void parallelToolCallStreamIsD3() throws IOException {
        List<String> events = GeminiFixtures.parallelToolCallStream();

        assertThat(events).hasSize(3);
        Part oslo = parse(events.get(0)).candidates().get(0).parts().get(0);
        Part bergen = parse(events.get(1)).candidates().get(0).parts().get(0);
        assertThat(oslo.functionCall().id()).isEqualTo("k2v9x1qa");
        assertThat(oslo.functionCall().args().get("city").asText()).isEqualTo("Oslo");
        assertThat(oslo.thoughtSignature()).isNotBlank();
        assertThat(bergen.functionCall().id()).isEqualTo("p7d3m0zs");
        assertThat(bergen.thoughtSignature()).isNull();
        GenerateContentResponse last = parse(events.get(2));
        assertThat(last.candidates().get(0).parts()).extracting(Part::text).containsExactly("");
        assertThat(last.candidates().get(0).finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(last.usageMetadata().totalTokenCount()).isEqualTo(146);
        assertThat(parse(events.get(0)).candidates().get(0).finishReason()).isNull();
    }

    @Test
    void toolCallResponseIsGemini25StyleWithoutIds() throws IOException {
        GenerateContentResponse response = parse(GeminiFixtures.toolCallResponse("lookup", "{\"q\": \"Java 17\", \"n\": 3}"));

        Part part = response.candidates().get(0).parts().get(0);
        assertThat(part.functionCall().name()).isEqualTo("lookup");
        assertThat(part.functionCall().id()).isNull();
        assertThat(part.functionCall().args()).isEqualTo(Json.mapper().readTree("{\"q\":\"Java 17\",\"n\":3}"));
        assertThat(response.candidates().get(0).finishMessage()).isEqualTo("Model generated function call(s).");
        assertThatThrownBy(() -> GeminiFixtures.toolCallResponse("f", "[1]"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("argsJson");
    }

    @Test
    void specialResponsesHaveTheirDistinguishingShape() throws IOException {
        assertThat(parse(GeminiFixtures.thinkingResponse()).candidates().get(0).parts())
                .extracting(Part::thoughtSummary).containsExactly(true, false);
        assertThat(parse(GeminiFixtures.codeExecutionResponse()).candidates().get(0).parts())
                .extracting(p -> p.executableCode() != null, p -> p.codeExecutionResult() != null)
                .containsExactly(
                        tuple(false, false),
                        tuple(true, false),
                        tuple(false, true),
                        tuple(false, false));
        assertThat(parse(GeminiFixtures.groundedResponse()).candidates().get(0).groundingMetadata().groundingChunks())
                .hasSize(2);

        GenerateContentResponse blocked = parse(GeminiFixtures.blockedPrompt());
        assertThat(blocked.candidates()).isNull();
        assertThat(blocked.promptFeedback().blockReason()).isEqualTo("PROHIBITED_CONTENT");

        GenerateContentResponse empty = parse(GeminiFixtures.emptyCandidates());
        assertThat(empty.candidates()).isEmpty();
        assertThat(GeminiFixtures.emptyCandidates()).doesNotContain("finishReason");
    }

    @Test
    void inStreamErrorIsOneCompactLine() throws IOException {
        String event = GeminiFixtures.inStreamError();

        assertThat(event).isEqualTo("{\"error\": {\"code\": 503,\"message\": \"The model is overloaded. "
                + "Please try again later.\",\"status\": \"UNAVAILABLE\"}}");
        assertThat(Json.mapper().readTree(event).has("candidates")).isFalse();
    }

    @Test
    void sseBodyFramesEachEventWithCrlfCrlf() {
        assertThat(GeminiFixtures.sseBody(List.of("{\"a\":1}", "{ \"b\" : [ ] , \"c\": {} }")))
                .isEqualTo("data: {\"a\": 1}\r\n\r\ndata: {\"b\": [],\"c\": {}}\r\n\r\n");
        assertThat(GeminiFixtures.sseEvents(GeminiFixtures.textStreamSse())).hasSize(3);
    }

    @Test
    void errorBodyDefaultsToTheFixtureForGemini25Flash() throws IOException {
        JsonNode error = Json.mapper().readTree(GeminiFixtures.errorBody(GeminiErrorKind.DAILY_QUOTA_429)).get("error");

        assertThat(error.at("/details/0/violations/0/quotaDimensions/model").asText()).isEqualTo("gemini-2.5-flash");
        assertThat(error.at("/details/0/violations/0/quotaId").asText())
                .isEqualTo("GenerateRequestsPerDayPerProjectPerModel-FreeTier");
        assertThat(error.at("/details/2/@type").asText()).isEqualTo("type.googleapis.com/google.rpc.RetryInfo");
    }

    private static GenerateContentResponse parse(String json) throws IOException {
        return Json.mapper().readValue(json, GenerateContentResponse.class);
    }

    private static GenerateContentResponse parseUnchecked(String json) {
        try {
            return parse(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
