package io.github.geminibalance.translate;

import io.github.geminibalance.GeminiBalanceException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.gemini.BatchEmbedContentsRequest;
import io.github.geminibalance.gemini.BatchEmbedContentsResponse;
import io.github.geminibalance.gemini.EmbedContentRequest;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.EmbeddingRequest;
import io.github.geminibalance.openai.EmbeddingResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmbeddingTranslatorTest {

    private static final ObjectMapper JSON = Json.mapper();

    private static EmbeddingRequest request(String json) throws Exception {
        return JSON.readValue(json, EmbeddingRequest.class);
    }

    private static EmbeddingTranslator.Plan plan(String json) throws Exception {
        return EmbeddingTranslator.plan(request(json));
    }

    private static InvalidRequestException rejected(String json) {
        Throwable t = assertThatThrownBy(() -> plan(json)).isInstanceOf(InvalidRequestException.class).actual();
        InvalidRequestException e = (InvalidRequestException) t;
        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.type()).isEqualTo("invalid_request_error");
        return e;
    }

    @Test
    void stringInput() throws Exception {
        EmbeddingTranslator.Plan p = plan("{\"model\":\"gemini-embedding-001\",\"input\":\"hello\"}");

        assertThat(p.model()).isEqualTo("gemini-embedding-001");
        assertThat(p.inputs()).containsExactly("hello");
        assertThat(p.base64()).isFalse();
        assertThat(p.dimensions()).isNull();
    }

    @Test
    void listInputAndModelsPrefix() throws Exception {
        EmbeddingTranslator.Plan p = plan("{\"model\":\"models/gemini-embedding-001\",\"input\":[\"a\",\"b\",\"c\"],"
                + "\"encoding_format\":\"float\",\"dimensions\":768,\"user\":\"u1\"}");

        assertThat(p.model()).isEqualTo("gemini-embedding-001");
        assertThat(p.inputs()).containsExactly("a", "b", "c");
        assertThat(p.base64()).isFalse();
        assertThat(p.dimensions()).isEqualTo(768);
    }

    @Test
    void base64EncodingFormat() throws Exception {
        assertThat(plan("{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":\"base64\"}").base64()).isTrue();
    }

    @ParameterizedTest(name = "{0} -> param {1}")
    @CsvSource(delimiter = '|', value = {
        "{\"model\":\"m\",\"input\":[]}                                   | input",
        "{\"model\":\"m\",\"input\":\"\"}                                 | input",
        "{\"model\":\"m\",\"input\":[\"a\",\"\"]}                         | input[1]",
        "{\"model\":\"m\",\"input\":[\"\"]}                               | input[0]",
        "{\"model\":\"m\",\"input\":[1,2,3]}                              | input",
        "{\"model\":\"m\",\"input\":[[1,2],[3]]}                          | input",
        "{\"model\":\"m\",\"input\":[\"a\",true]}                         | input[1]",
        "{\"model\":\"m\",\"input\":[\"a\",{\"text\":\"b\"}]}             | input[1]",
        "{\"model\":\"m\",\"input\":[\"a\",null]}                         | input[1]",
        "{\"model\":\"m\",\"input\":42}                                   | input",
        "{\"model\":\"m\",\"input\":{\"text\":\"x\"}}                     | input",
        "{\"model\":\"m\",\"input\":null}                                 | input",
        "{\"model\":\"m\"}                                                | input",
        "{\"input\":\"x\"}                                                | model",
        "{\"model\":\"  \",\"input\":\"x\"}                               | model",
        "{\"model\":\"models/\",\"input\":\"x\"}                          | model",
        "{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":\"int8\"}   | encoding_format",
        "{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":\"BASE64\"} | encoding_format",
        "{\"model\":\"m\",\"input\":\"x\",\"dimensions\":0}               | dimensions",
        "{\"model\":\"m\",\"input\":\"x\",\"dimensions\":-5}              | dimensions",
    })
    void invalidRequestsNameTheField(String json, String param) {
        assertThat(rejected(json).param()).contains(param);
    }

    @Test
    void tokenArraysGetAClearMessage() {
        assertThat(rejected("{\"model\":\"m\",\"input\":[101,102]}").getMessage()).contains("token-array");
    }

    @Test
    void nullRequestIsRejected() {
        assertThatThrownBy(() -> EmbeddingTranslator.plan(null)).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void atMost2048Inputs() throws Exception {
        StringBuilder ok = new StringBuilder("{\"model\":\"m\",\"input\":[");
        for (int i = 0; i < 2048; i++) {
            ok.append(i == 0 ? "" : ",").append("\"t").append(i).append('"');
        }
        String tooMany = ok + ",\"one more\"]}";
        ok.append("]}");

        assertThat(plan(ok.toString()).inputs()).hasSize(2048);
        InvalidRequestException e = rejected(tooMany);
        assertThat(e.param()).contains("input");
        assertThat(e.getMessage()).contains("2048").contains("2049");
    }

    @Test
    void batchesOfAHundredKeepOrderAndCarryModelAndDimensions() throws Exception {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            inputs.add("text " + i);
        }
        EmbeddingRequest req = new EmbeddingRequest("gemini-embedding-001", JSON.valueToTree(inputs), null, 256, null);

        List<BatchEmbedContentsRequest> batches = EmbeddingTranslator.plan(req).batches();

        assertThat(batches).extracting(b -> b.requests().size()).containsExactly(100, 100, 50);
        List<String> texts = new ArrayList<>();
        for (BatchEmbedContentsRequest b : batches) {
            for (EmbedContentRequest r : b.requests()) {
                assertThat(r.model()).isEqualTo("models/gemini-embedding-001");
                assertThat(r.outputDimensionality()).isEqualTo(256);
                assertThat(r.content().parts()).hasSize(1);
                texts.add(r.content().parts().get(0).text());
            }
        }
        assertThat(texts).isEqualTo(inputs);
    }

    @Test
    void batchRequestHasGeminisWireShape() throws Exception {
        JsonNode json = JSON.valueToTree(
                plan("{\"model\":\"gemini-embedding-001\",\"input\":[\"a\",\"b\"],\"dimensions\":768}").batches().get(0));

        assertThat(json).isEqualTo(JSON.readTree("""
                {"requests": [
                  {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "a"}]}, "outputDimensionality": 768},
                  {"model": "models/gemini-embedding-001", "content": {"parts": [{"text": "b"}]}, "outputDimensionality": 768}
                ]}
                """));
        JsonNode noDimensions = JSON.valueToTree(plan("{\"model\":\"m\",\"input\":\"a\"}").batches().get(0));
        assertThat(noDimensions.path("requests").path(0).has("outputDimensionality")).isFalse();
    }

    private static BatchEmbedContentsResponse d11Batch() throws Exception {
        return JSON.readValue("""
                {
                  "embeddings": [
                    {"values": [0.0112, -0.0245, 0.0391, 0.0008]},
                    {"values": [-0.0067, 0.0153, -0.0298, 0.0420]}
                  ]
                }
                """, BatchEmbedContentsResponse.class);
    }

    @Test
    void floatResponse() throws Exception {
        EmbeddingTranslator.Plan p = plan("{\"model\":\"models/gemini-embedding-001\",\"input\":[\"a\",\"b\"]}");

        EmbeddingResponse r = EmbeddingTranslator.response(p, "models/gemini-embedding-001", List.of(d11Batch()));

        assertThat(r.object()).isEqualTo("list");
        assertThat(r.model()).isEqualTo("models/gemini-embedding-001");
        assertThat(r.usage().promptTokens()).isZero();
        assertThat(r.usage().totalTokens()).isZero();
        assertThat(r.data()).extracting(EmbeddingResponse.Embedding::index).containsExactly(0, 1);
        assertThat(r.data()).extracting(EmbeddingResponse.Embedding::object).containsOnly("embedding");
        assertThat((float[]) r.data().get(0).embedding()).containsExactly(0.0112f, -0.0245f, 0.0391f, 0.0008f);
        assertThat((float[]) r.data().get(1).embedding()).containsExactly(-0.0067f, 0.0153f, -0.0298f, 0.0420f);
        JsonNode json = JSON.readTree(JSON.writeValueAsString(r));
        assertThat(json.path("object").asText()).isEqualTo("list");
        assertThat(json.path("usage").path("prompt_tokens").isInt()).isTrue();
        assertThat(json.path("usage").path("total_tokens").isInt()).isTrue();
        JsonNode first = json.path("data").path(0);
        assertThat(first.path("object").asText()).isEqualTo("embedding");
        assertThat(first.path("embedding").isArray()).isTrue();
        assertThat(first.path("embedding").size()).isEqualTo(4);
        assertThat(first.path("embedding").path(1).floatValue()).isEqualTo(-0.0245f);
    }

    @Test
    void base64ResponseIsLittleEndianFloat32() throws Exception {
        EmbeddingTranslator.Plan p = plan("{\"model\":\"gemini-embedding-001\",\"input\":[\"a\",\"b\"],"
                + "\"encoding_format\":\"base64\"}");

        EmbeddingResponse r = EmbeddingTranslator.response(p, "gemini-embedding-001", List.of(d11Batch()));

        float[][] expected = {{0.0112f, -0.0245f, 0.0391f, 0.0008f}, {-0.0067f, 0.0153f, -0.0298f, 0.0420f}};
        for (int i = 0; i < 2; i++) {
            Object embedding = r.data().get(i).embedding();
            assertThat(embedding).isInstanceOf(String.class);
            ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode((String) embedding)).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(bytes.remaining()).isEqualTo(16);
            for (float f : expected[i]) {
                assertThat(Float.floatToRawIntBits(bytes.getFloat())).isEqualTo(Float.floatToRawIntBits(f));
            }
        }
        // WIRE_FORMATS.md D14: the second vector of D11 in base64
        assertThat(r.data().get(1).embedding()).isEqualTo("rIvbu9qsejwhH/S8MQgsPQ==");
    }

    @Test
    void toBase64OfSpecialValues() {
        float[] values = {0f, -0f, 1f, Float.MIN_VALUE, Float.MAX_VALUE};
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(EmbeddingTranslator.toBase64(values)))
                .order(ByteOrder.LITTLE_ENDIAN);

        for (float f : values) {
            assertThat(Float.floatToRawIntBits(bytes.getFloat())).isEqualTo(Float.floatToRawIntBits(f));
        }
        assertThat(EmbeddingTranslator.toBase64(new float[0])).isEmpty();
        assertThat(EmbeddingTranslator.toBase64(new float[] {1f})).isEqualTo("AACAPw==");
    }

    @Test
    void responsesOfSeveralBatchesAreNumberedInOrder() throws Exception {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            inputs.add("t" + i);
        }
        EmbeddingTranslator.Plan p = EmbeddingTranslator.plan(new EmbeddingRequest("m", JSON.valueToTree(inputs), null, null, null));
        List<BatchEmbedContentsResponse> batches = new ArrayList<>();
        int value = 0;
        for (int size : new int[] {100, 50}) {
            List<BatchEmbedContentsResponse.ContentEmbedding> list = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                list.add(new BatchEmbedContentsResponse.ContentEmbedding(new float[] {value++}));
            }
            batches.add(new BatchEmbedContentsResponse(list));
        }

        EmbeddingResponse r = EmbeddingTranslator.response(p, "m", batches);

        assertThat(r.data()).hasSize(150);
        for (int i = 0; i < 150; i++) {
            assertThat(r.data().get(i).index()).isEqualTo(i);
            assertThat(((float[]) r.data().get(i).embedding())[0]).isEqualTo((float) i);
        }
    }

    @Test
    void mismatchedCountIsAnError() throws Exception {
        EmbeddingTranslator.Plan three = plan("{\"model\":\"m\",\"input\":[\"a\",\"b\",\"c\"]}");
        EmbeddingTranslator.Plan one = plan("{\"model\":\"m\",\"input\":\"a\"}");

        assertThatThrownBy(() -> EmbeddingTranslator.response(three, "m", List.of(d11Batch())))
                .isInstanceOfSatisfying(GeminiBalanceException.class, e -> assertThat(e.httpStatus()).isEqualTo(502))
                .hasMessageContaining("2").hasMessageContaining("3");
        assertThatThrownBy(() -> EmbeddingTranslator.response(one, "m", List.of(d11Batch())))
                .isInstanceOf(GeminiBalanceException.class);
        assertThatThrownBy(() -> EmbeddingTranslator.response(one, "m", List.of(new BatchEmbedContentsResponse(null))))
                .isInstanceOf(GeminiBalanceException.class);
    }
}
