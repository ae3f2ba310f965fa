package io.github.geminibalance.bench.jmh;

import io.github.geminibalance.upstream.SseReader;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * The core's {@link SseReader} over the fake's 8-event Gemini stream (about 3 KB, CRLF framing), fed
 * as one buffer per event as a socket delivers them when events are spaced in time, or in small reads
 * that split lines and CRLF pairs.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class SseParsingBenchmark {

    /** Bytes per feed() call; 0 means one call per event. */
    @Param({"0", "64"})
    public int readSize;

    private ByteBuffer[] reads;

    /** Cuts the stream into the reads one benchmark call feeds. */
    @Setup
    public void setUp() {
        byte[] body = Payloads.SSE_BODY;
        if (readSize == 0) {
            reads = new ByteBuffer[Payloads.STREAM_EVENTS.size()];
            int from = 0;
            for (int i = 0; i < reads.length; i++) {
                int length = ("data: " + Payloads.STREAM_EVENTS.get(i) + "\r\n\r\n").getBytes(
                        java.nio.charset.StandardCharsets.UTF_8).length;
                reads[i] = ByteBuffer.wrap(body, from, length).slice();
                from += length;
            }
        } else {
            int count = (body.length + readSize - 1) / readSize;
            reads = new ByteBuffer[count];
            for (int i = 0; i < count; i++) {
                int from = i * readSize;
                reads[i] = ByteBuffer.wrap(body, from, Math.min(readSize, body.length - from)).slice();
            }
        }
    }

    /** One whole stream through a fresh reader. */
    @Benchmark
    public void parseStream(Blackhole bh) {
        SseReader reader = new SseReader();
        for (ByteBuffer read : reads) {
            bh.consume(reader.feed(read.duplicate()));
        }
        bh.consume(reader.finish());
    }
}
