package io.github.geminibalance.bench.jmh;

import com.fasterxml.jackson.databind.ObjectReader;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.ChatCompletionRequest;
import io.github.geminibalance.translate.ChatRequestTranslator;
import io.github.geminibalance.translate.GeminiChatRequest;
import io.github.geminibalance.translate.TranslationOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * OpenAI -> Gemini request translation: {@link ChatRequestTranslator#translate} alone, and the whole
 * request path of the proxy (parse the client's bytes, translate, serialize the Gemini body).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class RequestTranslationBenchmark {

    /** {@code short}: system + one user turn; {@code long}: 12 turns of about 600 characters. */
    @Param({"short", "long"})
    public String chat;

    private byte[] body;
    private ChatCompletionRequest request;
    private ChatRequestTranslator translator;
    private ObjectReader reader;

    /** Parses the payload once and builds the translator with default options. */
    @Setup
    public void setUp() throws IOException {
        body = (chat.equals("long") ? Payloads.CHAT_LONG : Payloads.CHAT_SHORT).getBytes(StandardCharsets.UTF_8);
        reader = Json.mapper().readerFor(ChatCompletionRequest.class);
        request = reader.readValue(body);
        translator = new ChatRequestTranslator(TranslationOptions.defaults());
    }

    /** Translation of an already parsed request. */
    @Benchmark
    public GeminiChatRequest translate() {
        return translator.translate(request);
    }

    /** Client bytes in, Gemini request bytes out. */
    @Benchmark
    public byte[] parseTranslateSerialize() throws IOException {
        ChatCompletionRequest parsed = reader.readValue(body);
        return Json.mapper().writeValueAsBytes(translator.translate(parsed).body());
    }
}
