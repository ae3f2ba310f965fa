package io.github.geminibalance.bench.jmh;

import io.github.geminibalance.gemini.GenerateContentResponse;
import io.github.geminibalance.internal.Json;
import io.github.geminibalance.openai.ChatCompletionChunk;
import io.github.geminibalance.translate.ChatStreamTranslator;
import io.github.geminibalance.translate.ResponseOptions;
import io.github.geminibalance.upstream.GeminiClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
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

/**
 * Writing one OpenAI content chunk (as produced by the core's translator from the fake's second event)
 * with the core's shared {@code Json.mapper()}, as a String (what the pipeline emits today) and as bytes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class ChunkSerializationBenchmark {

    private ChatCompletionChunk chunk;

    /** Produces a realistic content chunk with the real translator. */
    @Setup
    public void setUp() {
        ChatStreamTranslator translator = new ChatStreamTranslator(
                new ResponseOptions("gemini-2.5-flash", 1, false, false, false),
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC), new SplittableRandom(1));
        translator.onEvent(GeminiClient.parseEvent(Payloads.STREAM_EVENTS.get(0)));
        GenerateContentResponse second = GeminiClient.parseEvent(Payloads.STREAM_EVENTS.get(1));
        List<ChatCompletionChunk> chunks = translator.onEvent(second);
        chunk = chunks.get(chunks.size() - 1);
    }

    /** The chunk as a JSON String. */
    @Benchmark
    public String writeString() throws IOException {
        return Json.mapper().writeValueAsString(chunk);
    }

    /** The chunk as UTF-8 bytes. */
    @Benchmark
    public byte[] writeBytes() throws IOException {
        return Json.mapper().writeValueAsBytes(chunk);
    }
}
