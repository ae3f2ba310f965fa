package io.github.geminibalance.server;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.micronaut.runtime.graceful.GracefulShutdownConfiguration;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import jakarta.inject.Singleton;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link ServerSettings} to the HTTP server's client connections: the connection cap (with
 * eviction of connections that only hold a slot), the request-size limit and the client read and idle
 * timeouts ({@link RequestGuard}, one per connection), and the shutdown grace period. The settings are a bean, so Micronaut's own configuration objects are
 * adjusted as they are created rather than through property names that would have to be kept in step.
 */
@Singleton
final class ClientConnections implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    private static final Logger log = LoggerFactory.getLogger(ClientConnections.class);

    /** Connections silent for at least this long may be evicted at the cap (real clients send at once). */
    private static final long EVICT_MIN_AGE_NANOS = 1_000_000_000L;

    private final ServerSettings settings;
    private final AtomicInteger open = new AtomicInteger();
    /** Connections that have not sent a complete request head yet, oldest first (with stale entries). */
    private final ConcurrentLinkedDeque<RequestGuard> silent = new ConcurrentLinkedDeque<>();
    private final AtomicInteger silentEntries = new AtomicInteger();
    private final long evictMinAgeNanos;
    private final int hardCap;
    private volatile boolean capLogged;

    ClientConnections(ServerSettings settings) {
        this.settings = settings;
        this.evictMinAgeNanos = Math.min(EVICT_MIN_AGE_NANOS, settings.clientReadTimeout().toNanos() / 2);
        // evicted connections close asynchronously: allow that many in flight, no more
        this.hardCap = settings.maxConnections() + Math.max(16, settings.maxConnections() / 100);
    }

    /** Client connections open now. */
    int open() {
        return open.get();
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer(null));
        return event.getBean();
    }

    /**
     * Counts a new connection. At the cap, the oldest connection that has stayed silent (no complete
     * request head) for a second makes room; when there is none, the new connection is closed at once.
     * So connections that only hold a slot cannot lock real clients out, and busy ones are never cut.
     */
    private boolean admit(Channel channel) {
        int now = open.incrementAndGet();
        if (now > settings.maxConnections() && (now > hardCap || !evictOneSilent())) {
            open.decrementAndGet();
            if (!capLogged) {
                capLogged = true; // once: a flood would otherwise flood the log too
                log.warn("{} client connections are open (MAX_CONNECTIONS), none silent for long; closing new "
                        + "ones until some end",
                        settings.maxConnections());
            }
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(f -> {
            if (open.decrementAndGet() < settings.maxConnections() * 9L / 10) {
                capLogged = false;
            }
        });
        return true;
    }

    private boolean evictOneSilent() {
        long now = System.nanoTime();
        RequestGuard guard;
        while ((guard = silent.pollFirst()) != null) {
            silentEntries.decrementAndGet();
            if (guard.evictable(now, evictMinAgeNanos)) {
                guard.evict();
                return true;
            }
            if (guard.silentSoFar()) {
                // too young, and all behind it are younger: keep it for later
                silent.addFirst(guard);
                silentEntries.incrementAndGet();
                return false;
            }
            // a stale entry: the connection has sent a request or closed
        }
        return false;
    }

    private void track(RequestGuard guard) {
        silent.addLast(guard);
        if (silentEntries.incrementAndGet() > 2 * settings.maxConnections() + 64) {
            // entries leave lazily; without evictions they would pile up
            silent.removeIf(g -> !g.silentSoFar());
            silentEntries.set(silent.size());
        }
    }

    /** The per-connection customizer: admits the connection and puts a {@link RequestGuard} around its codec. */
    private final class Customizer implements NettyServerCustomizer {

        private final Channel channel;

        Customizer(Channel channel) {
            this.channel = channel;
        }

        @Override
        public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
            if (role != ChannelRole.CONNECTION) {
                return this;
            }
            return admit(channel) ? new Customizer(channel) : NO_OP;
        }

        @Override
        public void onStreamPipelineBuilt() {
            if (channel == null) {
                return;
            }
            ChannelPipeline pipeline = channel.pipeline();
            // HTTP/1.1 only: the codec is absent on HTTP/2 connections, which this server does not offer
            if (pipeline.get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null
                    && pipeline.get(RequestGuard.NAME) == null) {
                RequestGuard guard = new RequestGuard(settings);
                pipeline.addBefore(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, RequestGuard.BYTES_NAME,
                        guard.bytesObserver());
                pipeline.addAfter(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC, RequestGuard.NAME, guard);
                track(guard);
            }
        }
    }

    private static final NettyServerCustomizer NO_OP = new NettyServerCustomizer() { };

    /** Sets Micronaut's own body limits to {@code MAX_REQUEST_BYTES} (its default is 10 MiB). */
    @Singleton
    static final class BodyLimits implements BeanCreatedEventListener<HttpServerConfiguration> {

        private final ServerSettings settings;

        BodyLimits(ServerSettings settings) {
            this.settings = settings;
        }

        @Override
        public HttpServerConfiguration onCreated(BeanCreatedEvent<HttpServerConfiguration> event) {
            HttpServerConfiguration config = event.getBean();
            config.setMaxRequestSize(settings.maxRequestBytes());
            config.setMaxRequestBufferSize(settings.maxRequestBytes());
            return config;
        }
    }

    /** Lets running requests and streams finish for up to {@code SHUTDOWN_GRACE} on shutdown. */
    @Singleton
    static final class ShutdownGrace implements BeanCreatedEventListener<GracefulShutdownConfiguration> {

        private final ServerSettings settings;

        ShutdownGrace(ServerSettings settings) {
            this.settings = settings;
        }

        @Override
        public GracefulShutdownConfiguration onCreated(BeanCreatedEvent<GracefulShutdownConfiguration> event) {
            event.getBean().setGracePeriod(settings.shutdownGrace());
            return event.getBean();
        }
    }
}
