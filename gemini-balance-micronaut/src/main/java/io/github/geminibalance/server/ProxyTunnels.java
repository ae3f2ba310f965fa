package io.github.geminibalance.server;

import io.github.geminibalance.spi.HttpTransport;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.proxy.HttpProxyHandler;
import io.netty.handler.proxy.ProxyConnectException;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.proxy.Socks5ProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The handlers of a connection through an upstream proxy ({@code PROXIES}): TLS to the proxy for an
 * {@code https://} one, then an HTTP {@code CONNECT} or SOCKS5 handshake (with the proxy's user name and
 * password when it has them), before the connection's own TLS and HTTP handlers. Failures become {@link
 * HttpTransport.ProxyException}s whose messages name the proxy with its credentials masked.
 */
final class ProxyTunnels {

    /** The name of the tunnel's handler in a pipeline. */
    static final String HANDLER = "proxy";
    private static final Pattern STATUS = Pattern.compile("status: (\\d{3})");

    private ProxyTunnels() {}

    /** Adds the tunnel's handlers first in {@code pipeline}; the proxy's address is resolved already. */
    static void addTo(ChannelPipeline pipeline, HttpTransport.Proxy proxy, InetSocketAddress address, SslContext ssl,
            long timeoutMillis) {
        ProxyHandler handler = switch (proxy.scheme()) {
            case "socks5" -> proxy.username() == null ? new Socks5ProxyHandler(address)
                    : new Socks5ProxyHandler(address, proxy.username(), proxy.password() == null ? "" : proxy.password());
            default -> proxy.username() == null ? new HttpProxyHandler(address)
                    : new HttpProxyHandler(address, proxy.username(), proxy.password() == null ? "" : proxy.password());
        };
        handler.setConnectTimeoutMillis(timeoutMillis);
        if (proxy.scheme().equals("https")) {
            SslHandler tls = ssl.newHandler(pipeline.channel().alloc(), proxy.host(), proxy.port());
            tls.setHandshakeTimeoutMillis(timeoutMillis);
            pipeline.addLast("proxy-tls", tls);
        }
        pipeline.addLast(HANDLER, handler);
    }

    /** The tunnel's handler in {@code pipeline}, or null for a direct connection. */
    static ProxyHandler of(ChannelPipeline pipeline) {
        return (ProxyHandler) pipeline.get(HANDLER);
    }

    /** What a failure to connect through {@code proxy} tells the caller, without credentials. */
    static HttpTransport.ProxyException failure(HttpTransport.Proxy proxy, Throwable cause) {
        String why;
        if (cause instanceof ProxyConnectException e) {
            Matcher m = STATUS.matcher(String.valueOf(e.getMessage()));
            why = m.find() ? "it answered the tunnel request with HTTP " + m.group(1)
                    : String.valueOf(e.getMessage()).contains("timeout") ? "the handshake timed out"
                    : "it refused the tunnel";
        } else if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            why = "timed out";
        } else if (cause instanceof java.net.ConnectException) {
            why = "connection refused";
        } else if (cause instanceof java.net.UnknownHostException) {
            why = "unknown host";
        } else {
            why = cause == null ? "failed" : cause.getClass().getSimpleName();
        }
        return new HttpTransport.ProxyException("cannot connect through proxy " + proxy + ": " + why, null);
    }
}
