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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    /** Connections quiet for at least this long may be evicted at the cap (real clients send at once). */
    private static final long EVICT_MIN_AGE_NANOS = 1_000_000_000L;

    private final ServerSettings settings;
    private final AtomicInteger open = new AtomicInteger();
    /**
     * The guards of the open HTTP/1.1 connections, each removed when its connection closes: a closed
     * connection's guard (and through it its pipeline) must not stay reachable from here.
     */
    private final Set<RequestGuard> guards = ConcurrentHashMap.newKeySet();
    private final long evictMinAgeNanos;
    /**
     * After a scan that found nothing to evict: no connection can have been quiet long enough before
     * this time (System.nanoTime), so a flood at the cap is refused without scanning again.
     */
    private volatile long noEvictionBefore = System.nanoTime();
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

    /** Connections tracked for eviction now (for tests: it follows the open connections). */
    int tracked() {
        return guards.size();
    }

    @Override
    public NettyServerCustomizer.Registry onCreated(BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
        event.getBean().register(new Customizer(null));
        return event.getBean();
    }

    /**
     * Counts a new connection. At the cap, the connection that has only held a slot for longest (for a
     * second at least) makes room: one that has not sent a complete request head, one idle between
     * requests, or one whose request body is arriving with nothing received lately. When there is none,
     * the new connection is closed at once. So connections that only hold a slot cannot lock real
     * clients out, and busy ones (a response owed or being written, a stream) are never cut.
     */
    private boolean admit(Channel channel) {
        int now = open.incrementAndGet();
        if (now > settings.maxConnections() && (now > hardCap || !evictOneSilent())) {
            open.decrementAndGet();
            if (!capLogged) {
                capLogged = true; // once: a flood would otherwise flood the log too
                log.warn("{} client connections are open (MAX_CONNECTIONS), none quiet for long; closing new "
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

    /**
     * Closes the connection quiet for longest (at least {@link #evictMinAgeNanos}). A scan of the open
     * connections: it runs only at the cap, and the quiet-since times change as connections work, so no
     * order kept at admission would stay right.
     */
    private boolean evictOneSilent() {
        while (true) {
            long now = System.nanoTime();
            if (now - noEvictionBefore < 0) {
                return false;
            }
            RequestGuard oldest = null;
            long oldestSince = Long.MAX_VALUE;
            long earliestQuiet = now; // the earliest quiet-since of any connection, evictable or not
            for (RequestGuard guard : guards) {
                long since = guard.quietSince();
                if (since == Long.MAX_VALUE) {
                    continue;
                }
                if (since - earliestQuiet < 0) {
                    earliestQuiet = since;
                }
                if (now - since >= evictMinAgeNanos && (oldest == null || since - oldestSince < 0)) {
                    oldest = guard;
                    oldestSince = since;
                }
            }
            if (oldest == null) {
                // the quiet ones are all too young, and a busy one turning quiet is quiet from now on
                // (near enough: a body whose response was written is quiet since its last byte, and may
                // wait up to a second longer for its turn)
                noEvictionBefore = earliestQuiet + evictMinAgeNanos;
                return false;
            }
            if (oldest.evict()) {
                return true;
            }
            // another new connection took that one: look again
        }
    }

    private void track(Channel channel, RequestGuard guard) {
        guards.add(guard);
        channel.closeFuture().addListener(f -> guards.remove(guard));
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
                track(channel, guard);
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
