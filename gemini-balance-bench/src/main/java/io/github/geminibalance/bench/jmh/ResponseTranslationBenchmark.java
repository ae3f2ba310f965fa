package io.github.geminibalance.bench.jmh;

import com.fasterxml.jackson.databind.ObjectReader;
import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.ChatCompletion;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.translate.ChatCompletionAccumulator;
import io.github.geminibalance.translate.ChatStreamTranslator;
import io.github.geminibalance.translate.ResponseOptions;
import io.github.geminibalance.upstream.GeminiClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Gemini -> OpenAI response translation: {@link ChatStreamTranslator#onEvent} over an 8-event stream,
 * the same with parsing ({@link GeminiClient#parseEvent}) and chunk serialization (the whole per-stream
 * cost of the proxy), and the non-stream path through {@link ChatCompletionAccumulator}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class ResponseTranslationBenchmark {

    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final SplittableRandom random = new SplittableRandom(42);
    private final ResponseOptions options = new ResponseOptions("gemini-2.5-flash", 1, true, false, false);
    private List<GenerateContentResponse> parsedEvents;
    private GenerateContentResponse parsedResponse;
    private ObjectReader responseReader;

    /** Parses the fixtures once, for the benchmarks that start from Gemini records. */
    @Setup
    public void setUp() throws IOException {
        parsedEvents = new ArrayList<>();
        for (String event : Payloads.STREAM_EVENTS) {
            parsedEvents.add(GeminiClient.parseEvent(event));
        }
        responseReader = Json.mapper().readerFor(GenerateContentResponse.class);
        parsedResponse = responseReader.readValue(Payloads.GENERATE_RESPONSE);
    }

    /** One 8-event stream through a fresh translator, records in and chunks out. */
    @Benchmark
    public void streamOnEvent(Blackhole bh) {
        ChatStreamTranslator translator = new ChatStreamTranslator(options, clock, random);
        for (GenerateContentResponse event : parsedEvents) {
            bh.consume(translator.onEvent(event));
        }
        bh.consume(translator.onComplete());
    }

    /** One 8-event stream end to end: event data strings in, serialized OpenAI chunks out. */
    @Benchmark
    public void streamParseTranslateSerialize(Blackhole bh) throws IOException {
        ChatStreamTranslator translator = new ChatStreamTranslator(options, clock, random);
        for (String data : Payloads.STREAM_EVENTS) {
            for (ChatCompletionChunk chunk : translator.onEvent(GeminiClient.parseEvent(data))) {
                bh.consume(Json.mapper().writeValueAsString(chunk));
            }
        }
        for (ChatCompletionChunk chunk : translator.onComplete()) {
            bh.consume(Json.mapper().writeValueAsString(chunk));
        }
    }

    /** Non-stream: a parsed response folded into a chat.completion. */
    @Benchmark
    public ChatCompletion nonStreamAccumulate() {
        return ChatCompletionAccumulator.translate(parsedResponse, options, clock, random);
    }

    /** Non-stream end to end: Gemini bytes in, chat.completion bytes out. */
    @Benchmark
    public byte[] nonStreamParseTranslateSerialize() throws IOException {
        GenerateContentResponse response = responseReader.readValue(Payloads.GENERATE_RESPONSE);
        return Json.mapper().writeValueAsBytes(ChatCompletionAccumulator.translate(response, options, clock, random));
    }
}
