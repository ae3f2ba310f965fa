package io.github.geminibalance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded load generator for streaming chat on loopback, on a Netty client (one event loop thread,
 * TCP_NODELAY, no thread per stream). Run it with warm-up rounds: until its own code is JIT-compiled it
 * adds milliseconds of its own before a request reaches the socket.
 *
 * <p>Two modes:
 *
 * <ul>
 *   <li>{@code --mode=ttft}: opens {@code --concurrency} keep-alive connections, then runs
 *       {@code --warmup} unmeasured rounds and {@code --rounds} measured rounds; each round sends one
 *       streaming request on every connection at the same moment and waits for all of them. Reports time
 *       to the response head, to the first body byte, to the first content-bearing event (the "first
 *       chunk": for OpenAI a chunk whose delta has content, reasoning or tool calls; for Gemini any data
 *       event) and to the end, as p50/p99, plus the error count.
 *   <li>{@code --mode=hold}: opens {@code --streams} connections and starts one stream on each at once;
 *       reports how many completed, how many were open (head received, not yet finished) at the same
 *       moment at peak, and the same timings.
 * </ul>
 *
 * <p>{@code --body=openai} (default) POSTs an OpenAI {@code stream:true} chat body with
 * {@code Authorization: Bearer <--token>} and expects {@code data: [DONE]}; {@code --body=gemini} POSTs
 * a Gemini {@code generateContent} body with {@code x-goog-api-key: <--api-key>} to a
 * {@code :streamGenerateContent?alt=sse} URL. A stream counts as an error when the status is not 200,
 * the connection fails or closes early, it exceeds {@code --timeout-s} (default 60), an event carries an
 * {@code error} member, no content event arrives, or an OpenAI stream lacks {@code [DONE]}. The whole
 * run stops after {@code --max-time-s} (default 300). Only loopback URLs are accepted.
 *
 * <p>The last line printed starts with {@code STREAMLOAD} and holds {@code key=value} pairs for scripts.
 */
public final class StreamLoad {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String SYSTEM = "You are a concise assistant.";
    private static final String QUESTION = "Why is the sky blue? Answer in three sentences.";

    /** Parsed command-line options. */
    record Options(URI url, String mode, String body, int concurrency, int rounds, int warmup, int streams,
            long timeoutSeconds, long maxTimeSeconds, String token, String apiKey, String model) {

        static Options parse(String... args) {
            String url = null;
            String mode = "ttft";
            String body = "openai";
            int concurrency = 16;
            int rounds = 10;
            int warmup = 3;
            int streams = 2000;
            long timeout = 60;
            long maxTime = 300;
            String token = "bench";
            String apiKey = "k1";
            String model = "gemini-2.5-flash";
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (!arg.startsWith("--") || eq < 0) {
                    throw new IllegalArgumentException("expected --name=value, got: " + arg);
                }
                String name = arg.substring(2, eq);
                String value = arg.substring(eq + 1);
                switch (name) {
                    case "url" -> url = value;
                    case "mode" -> mode = value;
                    case "body" -> body = value;
                    case "concurrency" -> concurrency = Integer.parseInt(value);
                    case "rounds" -> rounds = Integer.parseInt(value);
                    case "warmup" -> warmup = Integer.parseInt(value);
                    case "streams" -> streams = Integer.parseInt(value);
                    case "timeout-s" -> timeout = Long.parseLong(value);
                    case "max-time-s" -> maxTime = Long.parseLong(value);
                    case "token" -> token = value;
                    case "api-key" -> apiKey = value;
                    case "model" -> model = value;
                    default -> throw new IllegalArgumentException("unknown option --" + name);
                }
            }
            if (url == null) {
                throw new IllegalArgumentException("--url is required");
            }
            if (!mode.equals("ttft") && !mode.equals("hold")) {
                throw new IllegalArgumentException("--mode must be ttft or hold");
            }
            if (!body.equals("openai") && !body.equals("gemini")) {
                throw new IllegalArgumentException("--body must be openai or gemini");
            }
            if (concurrency < 1 || concurrency > 10_000 || rounds < 1 || rounds > 10_000 || warmup < 0
                    || warmup > 1_000 || streams < 1 || streams > 20_000 || timeout < 1 || timeout > 3_600
                    || maxTime < 1 || maxTime > 3_600) {
                throw new IllegalArgumentException("option out of range");
            }
            return new Options(URI.create(url), mode, body, concurrency, rounds, warmup, streams, timeout, maxTime,
                    token, apiKey, model);
        }
    }

    /** What one stream observed; times are nanoseconds from the send, -1 when never reached. */
    record Sample(int status, long headNanos, long firstByteNanos, long firstContentNanos, long totalNanos,
            int events, boolean done, String error) {

        boolean ok(boolean needDone) {
            return error == null && status == 200 && events > 0 && firstContentNanos >= 0 && (done || !needDone);
        }
    }

    private final Options options;
    private final boolean openai;
    private final String host;
    private final int port;
    private final String pathAndQuery;
    private final byte[] body;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger peakOpen = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();

    private StreamLoad(Options options) {
        this.options = options;
        this.openai = options.body().equals("openai");
        URI url = options.url();
        this.host = url.getHost();
        this.port = url.getPort() > 0 ? url.getPort() : 80;
        this.pathAndQuery = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
        String json = openai
                ? "{\"model\":\"" + options.model() + "\",\"stream\":true,\"messages\":[{\"role\":\"system\","
                        + "\"content\":\"" + SYSTEM + "\"},{\"role\":\"user\",\"content\":\"" + QUESTION + "\"}]}"
                : "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + QUESTION + "\"}]}],"
                        + "\"systemInstruction\":{\"parts\":[{\"text\":\"" + SYSTEM + "\"}]}}";
        this.body = json.getBytes(StandardCharsets.UTF_8);
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec()).addLast(new StreamHandler());
                    }
                });
    }

    /**
     * Runs one load as described on the class and prints the summary.
     *
     * @param args {@code --name=value} options
     * @throws Exception if the URL is not loopback or the run cannot start
     */
    public static void main(String... args) throws Exception {
        Options options = Options.parse(args);
        InetAddress address = InetAddress.getByName(options.url().getHost());
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("only loopback targets are allowed, got " + options.url().getHost());
        }
        StreamLoad load = new StreamLoad(options);
        try {
            System.out.println(options.mode().equals("hold") ? load.hold() : load.ttft());
        } finally {
            load.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    private String ttft() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.maxTimeSeconds());
        long wallStart = System.nanoTime();
        List<Channel> channels = connect(options.concurrency(), deadline);
        List<Sample> measured = new ArrayList<>();
        int roundsDone = 0;
        for (int round = 0; round < options.warmup() + options.rounds() && System.nanoTime() < deadline; round++) {
            for (int i = 0; i < channels.size(); i++) {
                Channel ch = channels.get(i);
                if (ch == null || !ch.isActive()) {
                    channels.set(i, connectOne(deadline));
                }
            }
            List<Sample> batch = runBatch(channels, deadline);
            if (round >= options.warmup()) {
                measured.addAll(batch);
                roundsDone++;
            }
        }
        channels.stream().filter(c -> c != null).forEach(Channel::close);
        return summary(measured, System.nanoTime() - wallStart, "rounds=" + roundsDone + " concurrency="
                + options.concurrency());
    }

    private String hold() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(options.maxTimeSeconds());
        long wallStart = System.nanoTime();
        List<Channel> channels = connect(options.streams(), deadline);
        List<Sample> samples = runBatch(channels, deadline);
        channels.stream().filter(c -> c != null).forEach(Channel::close);
        long ok = samples.stream().filter(s -> s.ok(openai)).count();
        return summary(samples, System.nanoTime() - wallStart, "streams=" + options.streams() + " peak_open="
                + peakOpen.get() + " all_completed=" + (ok == options.streams()));
    }

    /** Opens {@code count} connections concurrently; failed ones are null (their streams count as errors). */
    private List<Channel> connect(int count, long deadline) throws InterruptedException {
        List<ChannelFuture> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            futures.add(bootstrap.connect(host, port));
        }
        List<Channel> channels = new ArrayList<>(count);
        for (ChannelFuture f : futures) {
            long left = Math.max(1, deadline - System.nanoTime());
            if (f.await(left, TimeUnit.NANOSECONDS) && f.isSuccess()) {
                channels.add(f.channel());
            } else {
                noteError("connect failed: " + f.cause());
                channels.add(null);
            }
        }
        return channels;
    }

    private Channel connectOne(long deadline) throws InterruptedException {
        return connect(1, deadline).get(0);
    }

    /** Sends one streaming request on every channel at once and waits for all, bounded by the deadline. */
    private List<Sample> runBatch(List<Channel> channels, long deadline) throws InterruptedException {
        List<CompletableFuture<Sample>> futures = new ArrayList<>(channels.size());
        for (Channel ch : channels) {
            if (ch == null) {
                futures.add(CompletableFuture.completedFuture(
                        new Sample(0, -1, -1, -1, -1, 0, false, "connect failed")));
                continue;
            }
            StreamHandler handler = ch.pipeline().get(StreamHandler.class);
            futures.add(handler.send(ch, request()));
        }
        long waitNanos = Math.min(TimeUnit.SECONDS.toNanos(options.timeoutSeconds()),
                Math.max(1, deadline - System.nanoTime()));
        try {
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(waitNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Individual outcomes are read below; unfinished streams count as timeouts.
        }
        List<Sample> out = new ArrayList<>(futures.size());
        for (int i = 0; i < futures.size(); i++) {
            Sample s = futures.get(i).getNow(null);
            if (s == null) {
                noteError("timeout after " + options.timeoutSeconds() + " s");
                s = new Sample(0, -1, -1, -1, -1, 0, false, "timeout");
                Channel ch = channels.get(i);
                if (ch != null) {
                    ch.close(); // a late answer must not leak into the next round
                }
            }
            out.add(s);
        }
        return out;
    }

    private FullHttpRequest request() {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, pathAndQuery,
                Unpooled.wrappedBuffer(body));
        request.headers()
                .set(HttpHeaderNames.HOST, host + ":" + port)
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.ACCEPT, "text/event-stream")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (openai) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, "Bearer " + options.token());
        } else {
            request.headers().set("x-goog-api-key", options.apiKey());
        }
        return request;
    }

    private void noteError(String message) {
        if (errors.size() < 5) {
            errors.add(message);
        }
    }

    private String summary(List<Sample> samples, long wallNanos, String extra) {
        List<Sample> ok = samples.stream().filter(s -> s.ok(openai)).toList();
        for (String e : errors) {
            System.err.println("error sample: " + e);
        }
        long[] head = ok.stream().mapToLong(Sample::headNanos).sorted().toArray();
        long[] firstByte = ok.stream().mapToLong(Sample::firstByteNanos).sorted().toArray();
        long[] firstContent = ok.stream().mapToLong(Sample::firstContentNanos).sorted().toArray();
        long[] total = ok.stream().mapToLong(Sample::totalNanos).sorted().toArray();
        double events = ok.stream().mapToInt(Sample::events).average().orElse(0);
        return String.format(Locale.ROOT, "STREAMLOAD mode=%s body=%s %s samples=%d ok=%d errors=%d"
                        + " head_p50_ms=%.2f ttfb_p50_ms=%.2f ttfb_p99_ms=%.2f ttfc_p50_ms=%.2f ttfc_p99_ms=%.2f"
                        + " total_p50_ms=%.2f total_p99_ms=%.2f events_avg=%.1f wall_s=%.2f",
                options.mode(), options.body(), extra, samples.size(), ok.size(), samples.size() - ok.size(),
                ms(percentile(head, 50)), ms(percentile(firstByte, 50)), ms(percentile(firstByte, 99)),
                ms(percentile(firstContent, 50)), ms(percentile(firstContent, 99)),
                ms(percentile(total, 50)), ms(percentile(total, 99)), events, wallNanos / 1e9);
    }

    /** Nearest-rank percentile of a sorted array; -1 when empty. */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return -1;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private static double ms(long nanos) {
        return nanos < 0 ? -1 : nanos / 1e6;
    }

    /**
     * Per-connection state of the stream in flight: splits the body into SSE lines as bytes arrive and
     * stamps the head, the first byte and the first content event. Lines are decoded only once complete,
     * so multi-byte characters never straddle a read. All methods but {@link #send} run on the event loop.
     */
    private final class StreamHandler extends SimpleChannelInboundHandler<HttpObject> {
        private CompletableFuture<Sample> result;
        private long start;
        private int status;
        private long head;
        private long firstByte;
        private long firstContent;
        private int events;
        private boolean done;
        private String error;
        private byte[] line = new byte[2048];
        private int lineLength;

        CompletableFuture<Sample> send(Channel ch, FullHttpRequest request) {
            CompletableFuture<Sample> future = new CompletableFuture<>();
            ch.eventLoop().execute(() -> {
                result = future;
                status = 0;
                head = -1;
                firstByte = -1;
                firstContent = -1;
                events = 0;
                done = false;
                error = null;
                lineLength = 0;
                start = System.nanoTime();
                ch.writeAndFlush(request).addListener(f -> {
                    if (!f.isSuccess()) {
                        finish(System.nanoTime(), "write failed: " + f.cause());
                    }
                });
            });
            return future;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            long now = System.nanoTime();
            if (result == null) {
                return;
            }
            if (msg instanceof HttpResponse response) {
                status = response.status().code();
                head = now - start;
                peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            }
            if (msg instanceof HttpContent content) {
                ByteBuf buf = content.content();
                if (buf.isReadable() && firstByte < 0) {
                    firstByte = now - start;
                }
                for (int i = buf.readerIndex(), end = buf.writerIndex(); i < end; i++) {
                    byte b = buf.getByte(i);
                    if (b == '\n') {
                        onLine(now);
                        lineLength = 0;
                    } else {
                        if (lineLength == line.length) {
                            line = Arrays.copyOf(line, line.length * 2);
                        }
                        line[lineLength++] = b;
                    }
                }
                if (msg instanceof LastHttpContent) {
                    if (lineLength > 0) {
                        onLine(now);
                    }
                    finish(now, status == 200 ? null : "status " + status);
                }
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            finish(System.nanoTime(), "connection closed before the end of the stream");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(System.nanoTime(), cause.getClass().getSimpleName() + ": " + cause.getMessage());
            ctx.close();
        }

        private void finish(long now, String failure) {
            if (result == null) {
                return;
            }
            if (head >= 0) {
                open.decrementAndGet();
            }
            String why = error != null ? error : failure;
            if (why != null) {
                noteError(why);
            }
            CompletableFuture<Sample> r = result;
            result = null;
            r.complete(new Sample(status, head, firstByte, firstContent, now - start, events, done, why));
        }

        private void onLine(long now) {
            int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            if (length < 5 || line[0] != 'd' || line[1] != 'a' || line[2] != 't' || line[3] != 'a'
                    || line[4] != ':') {
                return;
            }
            int from = length > 5 && line[5] == ' ' ? 6 : 5;
            String data = new String(line, from, length - from, StandardCharsets.UTF_8);
            if (data.equals("[DONE]")) {
                done = true;
                return;
            }
            events++;
            if (firstContent < 0 || data.contains("\"error\"")) {
                inspect(data, now);
            }
        }

        private void inspect(String data, long now) {
            try {
                JsonNode node = MAPPER.readTree(data);
                if (node.has("error")) {
                    error = "error event: " + data;
                    return;
                }
                if (firstContent < 0 && (!openai || hasOpenAiContent(node))) {
                    firstContent = now - start;
                }
            } catch (IOException e) {
                error = "bad event json: " + e.getMessage();
            }
        }
    }

    private static boolean hasOpenAiContent(JsonNode chunk) {
        for (JsonNode choice : chunk.path("choices")) {
            JsonNode delta = choice.path("delta");
            if (!delta.path("content").asText("").isEmpty()
                    || !delta.path("reasoning_content").asText("").isEmpty()
                    || delta.path("tool_calls").size() > 0) {
                return true;
            }
        }
        return false;
    }
}
