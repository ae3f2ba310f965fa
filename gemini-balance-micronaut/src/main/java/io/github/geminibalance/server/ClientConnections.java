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
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link ServerSettings} to the HTTP server's client connections: the connection cap, the
 * request-size limit and the client read and idle timeouts ({@link RequestGuard}, one per connection),
 * and the shutdown grace period. The settings are a bean, so Micronaut's own configuration objects are
 * adjusted as they are created rather than through property names that would have to be kept in step.
 */
@Singleton
final class ClientConnections implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

    private static final Logger log = LoggerFactory.getLogger(ClientConnections.class);

    private final ServerSettings settings;
    private final AtomicInteger open = new AtomicInteger();
    private volatile boolean capLogged;

    ClientConnections(ServerSettings settings) {
        this.settings = settings;
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

    /** Counts a new connection; closes it at once when the cap is reached. */
    private boolean admit(Channel channel) {
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            if (!capLogged) {
                capLogged = true; // once: a flood would otherwise flood the log too
                log.warn("{} client connections are open (MAX_CONNECTIONS); closing new ones until some end",
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
