package io.github.geminibalance.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.geminibalance.InvalidRequestException;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.openai.EmbeddingRequest;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way a body can be wrong gives a 400 whose message names a JSON path and a JSON type, never a
 * Java class (issue 9, item 7: a duplicate {@code "arguments"} named {@code ToolCall$FunctionCall}).
 */
class RequestBodiesTest {

    private static final String TOOL_CALL = "{\"model\":\"m\",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":"
            + "[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\",\"arguments\":\"{}\"}}]}]}";

    static Stream<Arguments> chatBodies() {
        return Stream.of(
                Arguments.of(TOOL_CALL, "messages[0].tool_calls[0].function",
                        "Invalid request body: duplicate field \"arguments\" at messages[0].tool_calls[0].function."),
                Arguments.of("{\"model\":\"m\",\"model\":\"n\",\"messages\":[]}", null,
                        "Invalid request body: duplicate field \"model\" at the top level."),
                Arguments.of("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"a\"},{\"role\":\"user\",\"content\":5}]}",
                        "messages[1].content", "Invalid request body: expected a string or an array at messages[1].content, got an integer."),
                Arguments.of("{\"model\":\"m\",\"messages\":[{\"role\":[7],\"content\":\"a\"}]}",
                        "messages[0].role", "Invalid request body: expected a string at messages[0].role, got an array."),
                Arguments.of("{\"model\":\"m\",\"messages\":\"hi\"}", "messages",
                        "Invalid request body: expected an array at messages, got a string."),
                Arguments.of("{\"model\":\"m\",\"messages\":[],\"max_tokens\":99999999999999}", "max_tokens",
                        "Invalid request body: the number at max_tokens is out of range of a 32-bit integer."),
                Arguments.of("{\"model\":\"m\",\"messages\":[],\"n\":\"two\"}", "n", null),
                Arguments.of("{\"model\":\"m\",\"messages\":[],\"stream\":\"yes\"}", "stream", null),
                Arguments.of("{\"model\":\"m\",\"messages\":[],\"tools\":{}}", "tools", null),
                Arguments.of("{\"model\":{},\"messages\":[]}", "model", null),
                Arguments.of("[1,2]", null, "The request body must be a JSON object, not an array."),
                Arguments.of("\"text\"", null, null),
                Arguments.of("{\"model\":\"m\",\"messages\":[", null, null),
                Arguments.of("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"\\uZZZZ\"}]}", null, null),
                Arguments.of("[".repeat(3000), null, null),
                Arguments.of("{\"a\":" + "1".repeat(5000) + "}", null, null));
    }

    @ParameterizedTest
    @MethodSource("chatBodies")
    void chatBodiesAreRefusedInJsonTerms(String body, String param, String message) {
        InvalidRequestException e = refuse(body.getBytes(StandardCharsets.UTF_8), ChatCompletionRequest.class);

        assertThat(e.httpStatus()).isEqualTo(400);
        assertThat(e.param().orElse(null)).isEqualTo(param);
        if (message != null) {
            assertThat(e.getMessage()).isEqualTo(message);
        }
        assertNoJava(e.getMessage());
    }

    @Test
    void invalidUtf8IsNotValidJson() {
        byte[] body = {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        InvalidRequestException e = refuse(body, ChatCompletionRequest.class);

        assertThat(e.getMessage()).startsWith("The request body is not valid JSON: ").contains("line 1");
        assertNoJava(e.getMessage());
    }

    @Test
    void embeddingsBodiesToo() {
        InvalidRequestException dimensions = refuse("{\"model\":\"m\",\"input\":\"x\",\"dimensions\":\"ten\"}"
                .getBytes(StandardCharsets.UTF_8), EmbeddingRequest.class);
        InvalidRequestException duplicate = refuse("{\"model\":\"m\",\"input\":\"x\",\"input\":\"y\"}"
                .getBytes(StandardCharsets.UTF_8), EmbeddingRequest.class);

        assertThat(dimensions.param()).hasValue("dimensions");
        assertThat(dimensions.getMessage()).contains("expected an integer at dimensions, got a string");
        assertThat(duplicate.getMessage()).isEqualTo("Invalid request body: duplicate field \"input\" at the top level.");
    }

    private static InvalidRequestException refuse(byte[] body, Class<?> type) {
        return catchThrowableOfType(InvalidRequestException.class, () -> RequestBodies.read(body, type));
    }

    static void assertNoJava(String message) {
        assertThat(message).isNotBlank().doesNotContainPattern(RequestBodies.JAVA_NAME).doesNotContain("`");
    }
}
