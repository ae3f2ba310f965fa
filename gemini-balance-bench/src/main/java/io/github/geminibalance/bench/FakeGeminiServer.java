package io.github.geminibalance.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A fast fake of the Gemini REST API for benchmarks, meant to run in its own JVM so that it is never
 * the bottleneck of the process under test.
 *
 * <p>It listens on 127.0.0.1 only and answers, with canned bodies in Gemini's wire shapes:
 *
 * <ul>
 *   <li>{@code POST /v1beta/models/{m}:generateContent}: one pretty-printed {@code GenerateContentResponse};
 *   <li>{@code POST /v1beta/models/{m}:streamGenerateContent?alt=sse}: {@code events} SSE events, each
 *       {@code data: <single-line json>\r\n\r\n}, written and flushed one at a time; with a delay they are
 *       scheduled on the connection's event loop (no thread per stream);
 *   <li>{@code GET /v1beta/models} and {@code GET /v1beta/models/{m}}: a small model list / one model;
 *   <li>{@code POST /v1beta/models/{m}:batchEmbedContents} and {@code :embedContent}: small vectors;
 *   <li>{@code POST /v1beta/models/{m}:countTokens}: a fixed count;
 *   <li>{@code GET /__stats}: request counters as JSON (not part of Gemini).
 * </ul>
 *
 * <p>Requests without an {@code x-goog-api-key} header or {@code key} query parameter get Gemini's 403,
 * so a proxy that forgets the key fails loudly. Connections are kept alive and use TCP_NODELAY.
 *
 * <p>Arguments, all optional: {@code --port=N} (0 picks a free port; default 0), {@code --events=N}
 * (events per stream, default 8), {@code --delay-ms=N} (delay before each event, default 0),
 * {@code --text-bytes=N} (length of the answer text; default 0 keeps the short canned sentence for the
 * non-stream answer and a ~400 byte paragraph for streams), {@code --threads=N} (event loop threads,
 * default 1), {@code --embed-dims=N} (values per vector, default 16). The line
 * {@code FAKE_READY port=N} is printed once the port is bound.
 */
public final class FakeGeminiServer implements AutoCloseable {

    private static final String PREFIX = "/v1beta/models";
    private static final String MODEL = "gemini-2.5-flash";
    private static final String RESPONSE_ID = "QmVuY2hGYWtlR2VtaW5p";
    private static final AsciiString JSON_UTF8 = AsciiString.cached("application/json; charset=UTF-8");
    private static final AsciiString EVENT_STREAM = AsciiString.cached("text/event-stream");
    private static final AsciiString API_KEY_HEADER = AsciiString.cached("x-goog-api-key");
    private static final String SHORT_TEXT = "The capital of Australia is Canberra.";
    private static final String STREAM_TEXT = "Rayleigh scattering makes the short blue wavelengths of sunlight"
            + " bounce around the atmosphere far more than the long red ones, so light reaches your eyes"
            + " from every direction of the sky as blue. At sunrise and sunset the light crosses much more"
            + " air, the blue is scattered away before it arrives, and the remaining reds and oranges"
            + " colour the horizon. Violet is scattered even more than blue, but the sun emits less of it"
            + " and our eyes are less sensitive to it.";

    private static final ObjectMapper EMBED_MAPPER = new ObjectMapper();

    private final Options options;
    private final ByteBuf generateBody;
    private final ByteBuf[] streamEvents;
    private final ByteBuf modelsBody;
    private final ByteBuf countTokensBody;
    private final String vectorJson;
    private final LongAdder generateCount = new LongAdder();
    private final LongAdder streamCount = new LongAdder();
    private final LongAdder otherCount = new LongAdder();
    private final EventLoopGroup group;
    private final Channel serverChannel;

    /** Parsed command-line options. */
    record Options(int port, int events, long delayMs, int textBytes, int threads, int embedDims) {
        static Options parse(String... args) {
            int port = 0;
            int events = 8;
            long delayMs = 0;
            int textBytes = 0;
            int threads = 1;
            int embedDims = 16;
            for (String arg : args) {
                int eq = arg.indexOf('=');
                if (!arg.startsWith("--") || eq < 0) {
                    throw new IllegalArgumentException("expected --name=value, got: " + arg);
                }
                String name = arg.substring(2, eq);
                long value = Long.parseLong(arg.substring(eq + 1));
                switch (name) {
                    case "port" -> port = (int) value;
                    case "events" -> events = (int) value;
                    case "delay-ms" -> delayMs = value;
                    case "text-bytes" -> textBytes = (int) value;
                    case "threads" -> threads = (int) value;
                    case "embed-dims" -> embedDims = (int) value;
                    default -> throw new IllegalArgumentException("unknown option --" + name);
                }
            }
            if (port < 0 || port > 65535 || events < 1 || events > 10_000 || delayMs < 0 || textBytes < 0
                    || threads < 1 || embedDims < 1) {
                throw new IllegalArgumentException("option out of range");
            }
            return new Options(port, events, delayMs, textBytes, threads, embedDims);
        }
    }

    private FakeGeminiServer(Options options) throws InterruptedException {
        this.options = options;
        String text = options.textBytes() == 0 ? SHORT_TEXT : filler(options.textBytes());
        this.generateBody = constant(generateContentJson(text));
        String streamText = options.textBytes() == 0 ? STREAM_TEXT : filler(options.textBytes());
        this.streamEvents = streamEvents(streamText, options.events());
        this.modelsBody = constant(MODELS_JSON);
        this.countTokensBody = constant("{\n  \"totalTokens\": 9,\n  \"promptTokensDetails\": [\n    {\n"
                + "      \"modality\": \"TEXT\",\n      \"tokenCount\": 9\n    }\n  ]\n}\n");
        StringBuilder vector = new StringBuilder("{\"values\": [");
        for (int i = 0; i < options.embedDims(); i++) {
            vector.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.4f", Math.sin(i + 1) / 10));
        }
        this.vectorJson = vector.append("]}").toString();

        this.group = new MultiThreadIoEventLoopGroup(options.threads(), NioIoHandler.newFactory());
        ChannelHandler handler = new Handler();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 8192)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast(new HttpServerCodec())
                                .addLast(new HttpServerExpectContinueHandler())
                                .addLast(new HttpObjectAggregator(8 * 1024 * 1024))
                                .addLast(handler);
                    }
                });
        this.serverChannel = bootstrap.bind(new InetSocketAddress("127.0.0.1", options.port())).sync().channel();
    }

    /**
     * Starts a fake on 127.0.0.1 with the given command-line style options.
     *
     * @param args options as described on the class
     * @return the running server; {@link #close()} stops it
     * @throws InterruptedException if interrupted while binding
     * @throws IllegalArgumentException if an option is unknown or out of range
     */
    public static FakeGeminiServer start(String... args) throws InterruptedException {
        return new FakeGeminiServer(Options.parse(args));
    }

    /**
     * Runs the fake until the JVM is stopped (SIGTERM or Ctrl-C).
     *
     * @param args options as described on the class
     * @throws InterruptedException if interrupted while running
     */
    public static void main(String... args) throws InterruptedException {
        FakeGeminiServer server = start(args);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "fake-gemini-stop"));
        Options o = server.options;
        System.out.printf(Locale.ROOT, "FAKE_READY port=%d events=%d delay_ms=%d text_bytes=%d threads=%d%n",
                server.port(), o.events(), o.delayMs(), o.textBytes(), o.threads());
        System.out.flush();
        server.serverChannel.closeFuture().sync();
    }

    /** The bound port. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops accepting, closes all connections and releases the event loop. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    @ChannelHandler.Sharable
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            String uri = request.uri();
            int query = uri.indexOf('?');
            String path = query < 0 ? uri : uri.substring(0, query);
            if (path.equals("/__stats")) {
                String stats = String.format(Locale.ROOT, "{\"generateContent\":%d,\"streamGenerateContent\":%d,"
                        + "\"other\":%d}", generateCount.sum(), streamCount.sum(), otherCount.sum());
                respond(ctx, HttpResponseStatus.OK, Unpooled.copiedBuffer(stats, StandardCharsets.UTF_8), keepAlive);
                return;
            }
            if (!path.startsWith(PREFIX)) {
                respond(ctx, HttpResponseStatus.NOT_FOUND, error(404, "Not found: " + path, "NOT_FOUND"), keepAlive);
                return;
            }
            if (!request.headers().contains(API_KEY_HEADER) && (query < 0 || !uri.contains("key="))) {
                respond(ctx, HttpResponseStatus.FORBIDDEN, error(403, "Method doesn't allow unregistered callers"
                        + " (callers without established identity). Please use API Key or other form of API"
                        + " consumer identity to call this API.", "PERMISSION_DENIED"), keepAlive);
                return;
            }
            int colon = path.indexOf(':', PREFIX.length());
            String verb = colon < 0 ? "" : path.substring(colon + 1);
            HttpMethod method = request.method();
            if (method.equals(HttpMethod.POST) && verb.equals("generateContent")) {
                generateCount.increment();
                respond(ctx, HttpResponseStatus.OK, generateBody.retainedDuplicate(), keepAlive);
            } else if (method.equals(HttpMethod.POST) && verb.equals("streamGenerateContent")) {
                streamCount.increment();
                stream(ctx, keepAlive);
            } else if (method.equals(HttpMethod.GET) && colon < 0) {
                otherCount.increment();
                if (path.equals(PREFIX) || path.equals(PREFIX + "/")) {
                    respond(ctx, HttpResponseStatus.OK, modelsBody.retainedDuplicate(), keepAlive);
                } else {
                    String name = path.substring("/v1beta/".length());
                    respond(ctx, HttpResponseStatus.OK, Unpooled.copiedBuffer(modelJson(name),
                            StandardCharsets.UTF_8), keepAlive);
                }
            } else if (method.equals(HttpMethod.POST) && verb.equals("batchEmbedContents")) {
                otherCount.increment();
                batchEmbed(ctx, request, keepAlive);
            } else if (method.equals(HttpMethod.POST) && verb.equals("embedContent")) {
                otherCount.increment();
                respond(ctx, HttpResponseStatus.OK, Unpooled.copiedBuffer("{\"embedding\": " + vectorJson + "}\n",
                        StandardCharsets.UTF_8), keepAlive);
            } else if (method.equals(HttpMethod.POST) && verb.equals("countTokens")) {
                otherCount.increment();
                respond(ctx, HttpResponseStatus.OK, countTokensBody.retainedDuplicate(), keepAlive);
            } else {
                respond(ctx, HttpResponseStatus.NOT_FOUND, error(404, "Method not found: " + method + " " + path,
                        "NOT_FOUND"), keepAlive);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // Clients that hang up mid-stream are normal in a load test; just drop the connection.
            ctx.close();
        }
    }

    private void batchEmbed(ChannelHandlerContext ctx, FullHttpRequest request, boolean keepAlive) {
        int count;
        try {
            JsonNode requests = EMBED_MAPPER.readTree(request.content().toString(StandardCharsets.UTF_8))
                    .path("requests");
            count = requests.isArray() ? requests.size() : 0;
        } catch (IOException e) {
            respond(ctx, HttpResponseStatus.BAD_REQUEST, error(400, "Invalid JSON payload received.",
                    "INVALID_ARGUMENT"), keepAlive);
            return;
        }
        StringBuilder body = new StringBuilder("{\n  \"embeddings\": [");
        for (int i = 0; i < count; i++) {
            body.append(i == 0 ? "\n    " : ",\n    ").append(vectorJson);
        }
        body.append("\n  ]\n}\n");
        respond(ctx, HttpResponseStatus.OK, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), keepAlive);
    }

    private void stream(ChannelHandlerContext ctx, boolean keepAlive) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, EVENT_STREAM);
        head.headers().set(HttpHeaderNames.CONTENT_DISPOSITION, "attachment");
        HttpUtil.setTransferEncodingChunked(head, true);
        if (!keepAlive) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(head);
        StreamTask task = new StreamTask(ctx, keepAlive);
        if (options.delayMs() == 0) {
            task.run();
        } else {
            ctx.executor().schedule(task, options.delayMs(), TimeUnit.MILLISECONDS);
        }
    }

    /** Writes one event per run, each flushed on its own, then rearms itself on the event loop. */
    private final class StreamTask implements Runnable {
        private final ChannelHandlerContext ctx;
        private final boolean keepAlive;
        private int next;

        StreamTask(ChannelHandlerContext ctx, boolean keepAlive) {
            this.ctx = ctx;
            this.keepAlive = keepAlive;
        }

        @Override
        public void run() {
            while (ctx.channel().isActive()) {
                ctx.writeAndFlush(new DefaultHttpContent(streamEvents[next].retainedDuplicate()));
                next++;
                if (next == streamEvents.length) {
                    var done = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                    if (!keepAlive) {
                        done.addListener(ChannelFutureListener.CLOSE);
                    }
                    return;
                }
                if (options.delayMs() > 0) {
                    ctx.executor().schedule(this, options.delayMs(), TimeUnit.MILLISECONDS);
                    return;
                }
            }
        }
    }

    private static void respond(ChannelHandlerContext ctx, HttpResponseStatus status, ByteBuf body,
            boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, JSON_UTF8)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        if (keepAlive) {
            ctx.writeAndFlush(response);
        } else {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static ByteBuf error(int code, String message, String status) {
        String json = "{\n  \"error\": {\n    \"code\": " + code + ",\n    \"message\": \"" + message
                + "\",\n    \"status\": \"" + status + "\"\n  }\n}\n";
        return Unpooled.copiedBuffer(json, StandardCharsets.UTF_8);
    }

    private static ByteBuf constant(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
    }

    /**
     * ASCII prose of exactly {@code length} bytes (no characters that need JSON escaping), so sizes are
     * predictable.
     */
    public static String filler(int length) {
        StringBuilder sb = new StringBuilder(length + STREAM_TEXT.length());
        while (sb.length() < length) {
            sb.append(STREAM_TEXT).append(' ');
        }
        return sb.substring(0, length);
    }

    /**
     * The non-stream answer: a pretty-printed {@code GenerateContentResponse} with one candidate whose
     * text is {@code text} (which must need no JSON escaping), usage and model version.
     */
    public static String generateContentJson(String text) {
        return "{\n"
                + "  \"candidates\": [\n"
                + "    {\n"
                + "      \"content\": {\n"
                + "        \"parts\": [\n"
                + "          {\n"
                + "            \"text\": \"" + text + "\"\n"
                + "          }\n"
                + "        ],\n"
                + "        \"role\": \"model\"\n"
                + "      },\n"
                + "      \"finishReason\": \"STOP\",\n"
                + "      \"index\": 0\n"
                + "    }\n"
                + "  ],\n"
                + "  \"usageMetadata\": {\n"
                + "    \"promptTokenCount\": 9,\n"
                + "    \"candidatesTokenCount\": " + tokens(text) + ",\n"
                + "    \"totalTokenCount\": " + (9 + tokens(text) + 41) + ",\n"
                + "    \"promptTokensDetails\": [\n"
                + "      {\n"
                + "        \"modality\": \"TEXT\",\n"
                + "        \"tokenCount\": 9\n"
                + "      }\n"
                + "    ],\n"
                + "    \"thoughtsTokenCount\": 41\n"
                + "  },\n"
                + "  \"modelVersion\": \"" + MODEL + "\",\n"
                + "  \"responseId\": \"" + RESPONSE_ID + "\"\n"
                + "}\n";
    }

    /**
     * The data of a streamed answer: {@code text} split into {@code events} deltas, each a complete
     * single-line {@code GenerateContentResponse} in Google's compact style; the last one carries
     * {@code finishReason: STOP} and the final usage.
     */
    public static List<String> streamEventJson(String text, int events) {
        List<String> out = new ArrayList<>(events);
        int step = Math.max(1, text.length() / events);
        for (int i = 0; i < events; i++) {
            int from = Math.min(text.length(), i * step);
            int to = i == events - 1 ? text.length() : Math.min(text.length(), from + step);
            String piece = text.substring(from, to);
            boolean last = i == events - 1;
            String usage = last
                    ? "{\"promptTokenCount\": 8,\"candidatesTokenCount\": " + tokens(text) + ",\"totalTokenCount\": "
                            + (8 + tokens(text)) + ",\"promptTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": 8}],"
                            + "\"candidatesTokensDetails\": [{\"modality\": \"TEXT\",\"tokenCount\": " + tokens(text)
                            + "}]}"
                    : "{\"promptTokenCount\": 8,\"totalTokenCount\": 8,\"promptTokensDetails\": [{\"modality\": "
                            + "\"TEXT\",\"tokenCount\": 8}]}";
            out.add("{\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"" + piece + "\"}],\"role\": \"model\"}"
                    + (last ? ",\"finishReason\": \"STOP\"" : "") + ",\"index\": 0}],\"usageMetadata\": " + usage
                    + ",\"modelVersion\": \"" + MODEL + "\",\"responseId\": \"" + RESPONSE_ID + "\"}");
        }
        return out;
    }

    private static ByteBuf[] streamEvents(String text, int events) {
        List<String> json = streamEventJson(text, events);
        ByteBuf[] out = new ByteBuf[json.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = constant("data: " + json.get(i) + "\r\n\r\n");
        }
        return out;
    }

    private static int tokens(String text) {
        return Math.max(1, text.length() / 4);
    }

    private static String modelJson(String name) {
        boolean embedding = name.contains("embedding");
        return "{\n  \"name\": \"" + name + "\",\n  \"version\": \"001\",\n  \"displayName\": \"" + name.substring(
                name.indexOf('/') + 1) + "\",\n  \"inputTokenLimit\": " + (embedding ? 2048 : 1048576)
                + ",\n  \"outputTokenLimit\": " + (embedding ? 1 : 65536) + ",\n  \"supportedGenerationMethods\": ["
                + (embedding ? "\"embedContent\", \"countTextTokens\"" : "\"generateContent\", \"countTokens\"")
                + "]\n}";
    }

    private static final String MODELS_JSON = "{\n  \"models\": [\n    "
            + String.join(",\n    ", List.of(modelJson("models/gemini-2.5-flash"), modelJson("models/gemini-2.5-pro"),
                    modelJson("models/gemini-embedding-001")))
            + "\n  ]\n}\n";
}
