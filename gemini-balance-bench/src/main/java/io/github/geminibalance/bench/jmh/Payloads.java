package io.github.geminibalance.bench.jmh;

import io.github.geminibalance.bench.FakeGeminiServer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** The literal wire payloads the benchmarks feed to the core, in OpenAI's and Gemini's exact shapes. */
final class Payloads {

    /** A short chat: system prompt and one user turn, with common sampling parameters. */
    static final String CHAT_SHORT = "{\"model\":\"gemini-2.5-flash\",\"messages\":["
            + "{\"role\":\"system\",\"content\":\"You are a concise assistant.\"},"
            + "{\"role\":\"user\",\"content\":\"What is the capital of Australia?\"}],"
            + "\"temperature\":0.7,\"max_tokens\":256,\"stream\":true,"
            + "\"stream_options\":{\"include_usage\":true}}";

    /** A 12-turn conversation with longer messages, as a chat UI sends after a while. */
    static final String CHAT_LONG;

    static {
        StringBuilder sb = new StringBuilder("{\"model\":\"gemini-2.5-flash\",\"messages\":[")
                .append("{\"role\":\"system\",\"content\":\"You are a helpful assistant. Answer precisely and cite")
                .append(" sources when you can.\"}");
        for (int i = 0; i < 11; i++) {
            String role = i % 2 == 0 ? "user" : "assistant";
            sb.append(",{\"role\":\"").append(role).append("\",\"content\":\"")
                    .append(FakeGeminiServer.filler(600)).append("\"}");
        }
        CHAT_LONG = sb.append("],\"temperature\":0.2,\"top_p\":0.9,\"max_tokens\":1024}").toString();
    }

    /** The fake's non-stream answer (D1 shape, pretty-printed as Google sends it). */
    static final byte[] GENERATE_RESPONSE = FakeGeminiServer.generateContentJson("The capital of Australia is"
            + " Canberra.").getBytes(StandardCharsets.UTF_8);

    /** The data of the fake's 8 stream events (single-line JSON in Google's compact style). */
    static final List<String> STREAM_EVENTS = FakeGeminiServer.streamEventJson(FakeGeminiServer.filler(400), 8);

    /** The whole SSE body of that stream: {@code data: <json>\r\n\r\n} per event. */
    static final byte[] SSE_BODY;

    static {
        StringBuilder sb = new StringBuilder();
        for (String event : STREAM_EVENTS) {
            sb.append("data: ").append(event).append("\r\n\r\n");
        }
        SSE_BODY = sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private Payloads() {}
}
