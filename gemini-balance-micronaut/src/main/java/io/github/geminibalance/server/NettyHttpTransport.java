package io.github.geminibalance.server;

import io.github.geminibalance.spi.HttpTransport;
import io.github.geminibalance.spi.HttpTransport.Proxy;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.internal.ThreadExecutorMap;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLException;

/**
 * An {@link HttpTransport} on the server's own Netty event loops. A call made from an event loop (every
 * controller runs on one) is written, answered and relayed on that same loop, so a proxied request
 * never changes threads: with the JDK client it crossed the client's selector thread and its executor,
 * which on a one-CPU server cost more than everything else together (docs/performance.md).
 *
 * <p>HTTP/1.1 with keep-alive. Idle connections are kept per event loop and per origin (so the pool
 * needs no locks), with a read pending so a connection the server closes leaves the pool at once. A
 * request that fails on a reused connection before any byte of an answer arrived, and within a second
 * of being sent, is sent once more on a new connection: the server closed it while it sat idle (later
 * failures are not resent: Gemini may have run the request). The head must arrive within the request's
 * timeout of {@link #send}, connecting and a resend included. TLS runs on the JDK's provider with the
 * JVM's trust store and host name verification. Host names are resolved off the event loop. Once the
 * event loops shut down, calls fail with an {@link IOException} instead of throwing.
 *
 * <p>Bodies are read on demand: the channel does not auto-read, and asks the socket for more only when
 * the subscriber wants more and nothing is queued, so a slow client slows the read from Gemini instead
 * of filling the heap.
 */
final class NettyHttpTransport implements HttpTransport {

    private static final AttributeKey<Long> IDLE_SINCE = AttributeKey.valueOf("gemini-balance.idleSince");
    private static final int MAX_HEADER_SIZE = 64 * 1024;
    private static final int MAX_CHUNK_SIZE = 64 * 1024;
    private static final long STALE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EventLoopGroup group;
    private final Class<? extends Channel> channelType;
    private final Duration connectTimeout;
    private final SslContext ssl;
    private final int maxIdlePerOrigin;
    private final long idleTtlNanos;
    private final Executor resolver;
    private final FastThreadLocal<Map<String, ArrayDeque<Channel>>> idle = new FastThreadLocal<>() {
        @Override
        protected Map<String, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };

    /**
     * Creates a transport.
     *
     * @param group the event loops calls run on (the server's)
     * @param channelType the client socket channel type matching {@code group}
     * @param connectTimeout the longest wait for a TCP (and TLS) connection
     * @param ssl the TLS context for https, or {@code null} for the JVM's trust store
     * @param maxIdlePerOrigin idle connections kept per event loop and origin
     * @param idleTtl how long an idle connection is kept
     */
    NettyHttpTransport(EventLoopGroup group, Class<? extends Channel> channelType, Duration connectTimeout,
            SslContext ssl, int maxIdlePerOrigin, Duration idleTtl) {
        this.group = Objects.requireNonNull(group, "group");
        this.channelType = Objects.requireNonNull(channelType, "channelType");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.ssl = ssl != null ? ssl : defaultSsl();
        this.maxIdlePerOrigin = maxIdlePerOrigin;
        this.idleTtlNanos = idleTtl.toNanos();
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor dns = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "gemini-balance-dns-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        dns.allowCoreThreadTimeOut(true);
        this.resolver = dns;
    }

    private static SslContext defaultSsl() {
        try {
            return SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                    .endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException e) {
            throw new IllegalStateException("TLS is not available in this JVM: " + e.getMessage(), e);
        }
    }

    @Override
    public CompletableFuture<Response> send(Request request) {
        Origin origin;
        try {
            origin = Origin.of(request.uri(), request.proxy());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<Response> head = new CompletableFuture<>();
        EventLoop loop = currentLoop();
        Call call = new Call(request, origin, head);
        if (loop.inEventLoop()) {
            start(loop, call);
        } else if (!execute(loop, () -> start(loop, call))) {
            call.fail(shutDown());
        }
        return head;
    }

    /** Runs {@code task} on {@code loop}; false when the loop is shutting down and refused it. */
    static boolean execute(EventLoop loop, Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    static IOException shutDown() {
        return new IOException("the server is shutting down");
    }

    /** The loop running this thread when it is one of ours, so the call stays on it; else any loop. */
    private EventLoop currentLoop() {
        EventExecutor current = ThreadExecutorMap.currentExecutor();
        if (current instanceof EventLoop loop && loop.parent() == group) {
            return loop;
        }
        return group.next();
    }

    private void start(EventLoop loop, Call call) {
        Channel ch = acquire(call.origin);
        if (ch != null) {
            call.reused = true;
            Connection.of(ch).begin(call);
            return;
        }
        connect(loop, call);
    }

    private void connect(EventLoop loop, Call call) {
        Origin origin = call.origin;
        CompletableFuture.supplyAsync(() -> {
            // through a proxy only the proxy is resolved here: the proxy resolves Gemini's host
            String host = origin.proxy == null ? origin.host : origin.proxy.host();
            try {
                return InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new java.util.concurrent.CompletionException(origin.proxy == null
                        ? new ConnectException("cannot resolve " + host)
                        : ProxyTunnels.failure(origin.proxy, e));
            }
        }, resolver).whenComplete((address, error) -> {
            if (!execute(loop, () -> connected(loop, call, address, error))) {
                call.fail(shutDown());
            }
        });
    }

    private void connected(EventLoop loop, Call call, InetAddress address, Throwable error) {
        Origin origin = call.origin;
        if (error != null) {
            call.fail(unwrap(error));
            return;
        }
        Bootstrap b = new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        connectTimeout.toMillis()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (origin.proxy != null) {
                            ProxyTunnels.addTo(ch.pipeline(), origin.proxy,
                                    new InetSocketAddress(address, origin.proxy.port()), ssl, connectTimeout.toMillis());
                        }
                        if (origin.tls) {
                            SslHandler tls = ssl.newHandler(ch.alloc(), origin.host, origin.port);
                            tls.setHandshakeTimeoutMillis(connectTimeout.toMillis());
                            ch.pipeline().addLast("tls", tls);
                        }
                        ch.pipeline().addLast("http", new HttpClientCodec(4096, MAX_HEADER_SIZE, MAX_CHUNK_SIZE));
                        ch.pipeline().addLast("call", new Connection(origin));
                    }
                });
        if (origin.proxy != null) {
            // the tunnel's handler connects to the proxy and asks it for Gemini's host, unresolved
            b.resolver(io.netty.resolver.NoopAddressResolverGroup.INSTANCE);
        }
        ChannelFuture connected = b.connect(origin.proxy == null ? new InetSocketAddress(address, origin.port)
                : InetSocketAddress.createUnresolved(origin.host, origin.port));
        connected.addListener(f -> {
            if (!f.isSuccess()) {
                call.fail(origin.proxy == null ? connectFailure(f.cause(), origin)
                        : ProxyTunnels.failure(origin.proxy, f.cause()));
                return;
            }
            Channel ch = connected.channel();
            io.netty.handler.proxy.ProxyHandler tunnel = ProxyTunnels.of(ch.pipeline());
            if (tunnel == null) {
                handshake(ch, call);
                return;
            }
            tunnel.connectFuture().addListener(t -> {
                if (t.isSuccess()) {
                    handshake(ch, call);
                } else {
                    ch.close();
                    call.fail(ProxyTunnels.failure(origin.proxy, t.cause()));
                }
            });
        });
    }

    /** Begins the call once the connection's own TLS handshake (if any) is done. */
    private void handshake(Channel ch, Call call) {
        SslHandler tls = (SslHandler) ch.pipeline().get("tls");
        if (tls == null) {
            Connection.of(ch).begin(call);
            return;
        }
        tls.handshakeFuture().addListener(h -> {
            if (h.isSuccess()) {
                Connection.of(ch).begin(call);
            } else {
                ch.close();
                call.fail(connectFailure(h.cause(), call.origin));
            }
        });
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    private static IOException connectFailure(Throwable cause, Origin origin) {
        if (cause instanceof io.netty.channel.ConnectTimeoutException
                || cause instanceof io.netty.handler.ssl.SslHandshakeTimeoutException) {
            return new HttpConnectTimeoutException("timed out connecting to " + origin);
        }
        IOException e = new ConnectException("cannot connect to " + origin + ": " + cause.getClass().getSimpleName());
        e.initCause(cause);
        return e;
    }

    private Channel acquire(Origin origin) {
        ArrayDeque<Channel> q = idle.get().get(origin.key);
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        Channel ch;
        while ((ch = q.pollLast()) != null) {
            Long since = ch.attr(IDLE_SINCE).getAndSet(null);
            if (ch.isActive() && since != null && now - since < idleTtlNanos) {
                return ch;
            }
            ch.close();
        }
        return null;
    }

    private void release(Channel ch, Origin origin) {
        ArrayDeque<Channel> q = idle.get().computeIfAbsent(origin.key, k -> new ArrayDeque<>());
        long now = System.nanoTime();
        // the oldest sit at the head: drop the expired ones while we are here
        Channel oldest;
        while ((oldest = q.peekFirst()) != null) {
            Long since = oldest.attr(IDLE_SINCE).get();
            if (since != null && now - since < idleTtlNanos && oldest.isActive()) {
                break;
            }
            q.pollFirst();
            oldest.close();
        }
        if (q.size() >= maxIdlePerOrigin || !ch.isActive()) {
            ch.close();
            return;
        }
        ch.attr(IDLE_SINCE).set(now);
        q.addLast(ch);
        ch.read(); // notice at once when the server closes it
    }

    private void evict(Channel ch, Origin origin) {
        ArrayDeque<Channel> q = idle.get().get(origin.key);
        if (q != null) {
            q.remove(ch);
        }
    }

    /** Scheme, host, port and proxy: what a connection can be reused for. */
    private record Origin(String key, boolean tls, String host, int port, String hostHeader, Proxy proxy) {
        static Origin of(URI uri, Proxy proxy) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            boolean tls = scheme.equals("https");
            if (!tls && !scheme.equals("http") || uri.getHost() == null) {
                throw new IllegalArgumentException("not an http(s) URL with a host");
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
            String host = uri.getHost();
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            String hostHeader = uri.getPort() >= 0 ? host + ":" + port : host;
            // connections are pooled per proxy (and its credentials, which are part of the tunnel)
            String key = scheme + "://" + host + ":" + port
                    + (proxy == null ? "" : " via " + proxy.key() + "#" + Objects.hashCode(proxy.password()));
            return new Origin(key, tls, bare, port, hostHeader, proxy);
        }

        @Override
        public String toString() {
            return proxy == null ? key : key.substring(0, key.indexOf(" via ")) + " via " + proxy;
        }
    }

    /** One request and its answer. Every field is touched on the connection's event loop only. */
    private final class Call {
        final Request request;
        final Origin origin;
        final CompletableFuture<Response> head;
        // the head must arrive within the request's timeout of send(), connecting and a resend included
        final long deadline;
        boolean reused;
        boolean retried;
        boolean written; // the whole request reached the socket
        long writtenAt;

        Call(Request request, Origin origin, CompletableFuture<Response> head) {
            this.request = request;
            this.origin = origin;
            this.head = head;
            this.deadline = System.nanoTime() + request.timeout().toNanos();
        }

        void fail(Throwable error) {
            head.completeExceptionally(error);
        }
    }

    /**
     * The last handler of a connection: runs one call at a time, from writing the request to the last
     * body byte, then returns the connection to the pool (or closes it).
     */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final Origin origin;
        private ChannelHandlerContext ctx;
        private Call call;
        private NettyResponseBody body; // set once the head arrived
        private boolean keepAlive;
        private ScheduledFuture<?> headTimer;

        Connection(Origin origin) {
            this.origin = origin;
        }

        static Connection of(Channel ch) {
            return (Connection) ch.pipeline().get("call");
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        void begin(Call c) {
            this.call = c;
            this.body = null;
            Request r = c.request;
            io.netty.handler.codec.http.HttpRequest req;
            try {
                String target = r.uri().getRawPath() + (r.uri().getRawQuery() == null ? "" : "?" + r.uri().getRawQuery());
                HttpMethod method = HttpMethod.valueOf(r.method());
                long length;
                if (r.streamed() != null) {
                    req = new io.netty.handler.codec.http.DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target);
                    length = r.streamed().length();
                } else {
                    ByteBuf content = r.body() == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body());
                    req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, target, content);
                    length = content.readableBytes();
                }
                HttpHeaders h = req.headers();
                h.set(HttpHeaderNames.HOST, origin.hostHeader);
                for (Map.Entry<String, String> e : r.headers().entrySet()) {
                    h.set(e.getKey(), e.getValue());
                }
                if (r.body() != null || r.streamed() != null || !"GET".equals(r.method())) {
                    h.set(HttpHeaderNames.CONTENT_LENGTH, length);
                }
            } catch (RuntimeException e) {
                // Netty's header validation may quote the value, and values carry the API key
                finish();
                ctx.channel().close();
                c.fail(new IOException("the request to Gemini could not be built (" + e.getClass().getSimpleName() + ")"));
                return;
            }
            c.written = false;
            if (r.streamed() != null) {
                c.retried = true; // a streamed body cannot be sent twice
                ctx.writeAndFlush(req).addListener(f -> {
                    if (!f.isSuccess() && call == c) {
                        fail(f.cause());
                    }
                });
                // the head is awaited from the end of the body, which may take long to send
                StreamedRequestBody.write(ctx, r.streamed(), () -> call == c, this::fail, () -> {
                    c.written = true;
                    c.writtenAt = System.nanoTime();
                    if (call == c && body == null) {
                        startHeadTimer(c);
                    }
                });
                ctx.read();
                return;
            }
            startHeadTimer(c);
            ctx.writeAndFlush(req).addListener(f -> {
                if (f.isSuccess()) {
                    c.written = true;
                    c.writtenAt = System.nanoTime();
                } else if (call == c) { // a late failure must not end a later call on this connection
                    fail(f.cause());
                }
            });
            ctx.read();
        }

        private void startHeadTimer(Call c) {
            headTimer = ctx.executor().schedule(() -> {
                if (call == c && body == null) {
                    fail(new HttpTimeoutException("Gemini did not answer within " + c.request.timeout().toSeconds() + " s"));
                }
            }, Math.max(0, c.deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (call == null) {
                    ctx.close(); // an answer nobody asked for: the connection is out of step
                    return;
                }
                if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
                    call.retried = true; // an answer arrived: sending the request again could run it twice
                    fail(new IOException("Gemini sent a malformed HTTP answer", o.decoderResult().cause()));
                    return;
                }
                if (msg instanceof HttpResponse response) {
                    if (response.status().code() / 100 == 1) {
                        return; // 100 Continue and friends: the real answer follows
                    }
                    cancelTimer();
                    keepAlive = HttpUtil.isKeepAlive(response);
                    body = new NettyResponseBody(ctx.channel());
                    if (!call.head.complete(new Response(response.status().code(),
                            response.headers().get(HttpHeaderNames.CONTENT_TYPE), body, firstValues(response.headers())))) {
                        fail(new IOException("the caller gave up on the call")); // nobody can read this body
                        return;
                    }
                }
                if (msg instanceof HttpContent content && body != null) {
                    ByteBuf buf = content.content();
                    if (buf.isReadable()) {
                        byte[] bytes = new byte[buf.readableBytes()];
                        buf.readBytes(bytes);
                        body.deliver(List.of(ByteBuffer.wrap(bytes)));
                    }
                    if (msg instanceof LastHttpContent) {
                        NettyResponseBody done = body;
                        // an early answer while our request is still being written: the connection is out of step
                        boolean reuse = keepAlive && !done.cancelled && call.written;
                        finish();
                        if (reuse) {
                            release(ctx.channel(), origin);
                        } else {
                            ctx.close();
                        }
                        done.complete();
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (call != null && (body == null || body.wantsMore())) {
                ctx.read();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (call != null) {
                fail(new IOException("Gemini closed the connection"));
            } else {
                evict(ctx.channel(), origin);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (call != null) {
                fail(cause);
            }
            ctx.close();
        }

        /** Ends the current call with an error (the connection is not reused). */
        void fail(Throwable cause) {
            Call c = call;
            NettyResponseBody b = body;
            if (c == null) {
                return;
            }
            finish();
            ctx.channel().close();
            IOException error = cause instanceof IOException io ? io
                    : new IOException("the connection to Gemini failed: " + cause.getClass().getSimpleName(), cause);
            if (b != null) {
                b.error(error);
            } else if (c.reused && !c.retried && !(error instanceof HttpTimeoutException)
                    && (!c.written || System.nanoTime() - c.writtenAt < STALE_WINDOW_NANOS)) {
                // The server closed the idle connection as we sent on it: one more try, on a new one.
                // A failure long after the request went out may come after Gemini ran it: not resent
                // here (the retry loop decides, on another key).
                c.retried = true;
                c.reused = false;
                connect((EventLoop) ctx.channel().eventLoop(), c);
            } else {
                c.fail(error);
            }
        }

        private void finish() {
            cancelTimer();
            call = null;
            body = null;
        }

        private void cancelTimer() {
            if (headTimer != null) {
                headTimer.cancel(false);
                headTimer = null;
            }
        }
    }

    private static Map<String, String> firstValues(HttpHeaders headers) {
        Map<String, String> first = new java.util.HashMap<>();
        for (Map.Entry<String, String> e : headers) {
            first.putIfAbsent(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue());
        }
        return first;
    }
}
