package io.github.geminibalance.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The builders of the request records: what they build, and that JSON is unchanged by them. */
class BuildersTest {

    private final ObjectMapper json = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The value as written, read back as a tree (so numbers compare by their JSON form). */
    private JsonNode tree(Object value) throws Exception {
        return json.readTree(json.writeValueAsString(value));
    }

    @Test
    void chatRequestBuilderWritesTheOpenAiWireForm() throws Exception {
        ChatCompletionRequest request = ChatCompletionRequest.builder()
                .model("gemini-2.5-flash")
                .addSystemMessage("Be brief.")
                .addUserMessage("Hi")
                .temperature(0.2)
                .maxCompletionTokens(100)
                .stop("END", "STOP")
                .addTool(Tool.function("lookup", "Looks up a word", json.readTree("{\"type\":\"object\"}")))
                .toolChoiceFunction("lookup")
                .stream(true)
                .includeUsage(true)
                .build();

        assertThat(tree(request)).isEqualTo(json.readTree("""
                {"model":"gemini-2.5-flash",
                 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
                 "temperature":0.2,"stop":["END","STOP"],"max_completion_tokens":100,
                 "tools":[{"type":"function","function":{"name":"lookup","description":"Looks up a word",
                           "parameters":{"type":"object"}}}],
                 "tool_choice":{"type":"function","function":{"name":"lookup"}},
                 "stream":true,"stream_options":{"include_usage":true}}"""));
        assertThat(request.streamRequested()).isTrue();
        assertThat(request.includeUsage()).isTrue();
    }

    @Test
    void chatRequestToBuilderKeepsEveryComponentIncludingPassthroughOptions() throws Exception {
        String wire = """
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}],
                 "temperature":1.0,"top_p":0.9,"top_k":40,"n":2,"stop":["a"],"max_tokens":5,
                 "max_completion_tokens":6,"presence_penalty":0.1,"frequency_penalty":0.2,"seed":7,
                 "logprobs":true,"top_logprobs":3,"response_format":{"type":"json_object"},
                 "tool_choice":"auto","parallel_tool_calls":false,"reasoning_effort":"low","stream":false,
                 "user":"u","google":{"thinking_config":{"include_thoughts":true}},
                 "extra_body":{"google":{"x":1}},"functions":[{"name":"f"}],"function_call":"none",
                 "web_search_options":{}}""";
        ChatCompletionRequest read = json.readValue(wire, ChatCompletionRequest.class);

        ChatCompletionRequest copy = read.toBuilder().build();

        assertThat(copy).isEqualTo(read);
        assertThat(tree(copy)).isEqualTo(json.readTree(wire));
        assertThat(read.toBuilder().temperature(null).toolChoice("none").build())
                .satisfies(r -> {
                    assertThat(r.temperature()).isNull();
                    assertThat(r.toolChoice().asText()).isEqualTo("none");
                    assertThat(r.google()).isEqualTo(read.google());
                });
    }

    @Test
    void chatRequestBuilderNeedsAModelAndAMessage() {
        assertThatThrownBy(() -> ChatCompletionRequest.builder().addUserMessage("x").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("model");
        assertThatThrownBy(() -> ChatCompletionRequest.builder().model("m").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("messages");
    }

    @Test
    void builtRequestIsImmutable() {
        ChatCompletionRequest request = ChatCompletionRequest.builder().model("m").addUserMessage("x").build();

        assertThatThrownBy(() -> request.messages().add(ChatMessage.user("y")))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void messageFactoriesAndBuilder() throws Exception {
        assertThat(tree(ChatMessage.user("Hi"))).isEqualTo(json.readTree("{\"role\":\"user\",\"content\":\"Hi\"}"));
        assertThat(ChatMessage.system("s").role()).isEqualTo("system");
        assertThat(ChatMessage.assistant("a").role()).isEqualTo("assistant");
        assertThat(tree(ChatMessage.tool("call_1", "42"))).isEqualTo(json.readTree(
                "{\"role\":\"tool\",\"content\":\"42\",\"tool_call_id\":\"call_1\"}"));

        ChatMessage withImage = ChatMessage.builder("user")
                .content(ContentPart.text("What is this?"), ContentPart.imageUrl("https://example.com/a.png"))
                .build();
        assertThat(tree(withImage)).isEqualTo(json.readTree("""
                {"role":"user","content":[{"type":"text","text":"What is this?"},
                 {"type":"image_url","image_url":{"url":"https://example.com/a.png"}}]}"""));

        ChatMessage call = ChatMessage.builder("assistant")
                .toolCalls(List.of(new ToolCall(null, "call_1", "function", new ToolCall.FunctionCall("f", "{}"))))
                .build();
        assertThat(call.content()).isNull();
        assertThat(call.toBuilder().build()).isEqualTo(call);
        assertThat(withImage.toBuilder().name("alice").build().name()).isEqualTo("alice");
    }

    @Test
    void embeddingBuilder() throws Exception {
        EmbeddingRequest one = EmbeddingRequest.builder().model("gemini-embedding-001").input("text").build();
        EmbeddingRequest many = EmbeddingRequest.builder().model("gemini-embedding-001")
                .input(List.of("a", "b")).encodingFormat("base64").dimensions(256).build();

        assertThat(tree(one)).isEqualTo(json.readTree("{\"model\":\"gemini-embedding-001\",\"input\":\"text\"}"));
        assertThat(tree(many)).isEqualTo(json.readTree("""
                {"model":"gemini-embedding-001","input":["a","b"],"encoding_format":"base64","dimensions":256}"""));
        assertThat(many.toBuilder().build()).isEqualTo(many);
        assertThatThrownBy(() -> EmbeddingRequest.builder().model("m").build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("input");
    }
}
