package io.github.geminibalance.spi;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * Moves one HTTP exchange to Gemini and back; the core's Gemini client builds the requests and reads the
 * answers. The default, {@link #jdk}, runs on a {@link java.net.http.HttpClient}; a server can plug in
 * one that runs on its own event loop, so a proxied call never changes threads.
 *
 * <p>The contract every implementation keeps:
 * <ul>
 *   <li>{@link #send} completes once the status line and headers have arrived, or fails with an
 *       {@link java.io.IOException}: {@link java.net.http.HttpConnectTimeoutException} when the
 *       connection could not be opened in time, {@link java.net.http.HttpTimeoutException} when the
 *       headers did not arrive within {@link Request#timeout}, another {@code IOException} when the
 *       connection failed. It never fails with a message that contains a header value.</li>
 *   <li>The body is published as it arrives, honouring demand (no reading ahead of the subscriber by
 *       more than a socket read). It has one subscriber; cancelling it releases the connection.</li>
 *   <li>A body nobody subscribes to keeps its connection until it is cancelled: callers always
 *       subscribe or cancel.</li>
 * </ul>
 */
public interface HttpTransport {

    /**
     * Sends a request.
     *
     * @return the response head with its streamed body
     */
    CompletableFuture<Response> send(Request request);

    /**
     * One request.
     *
     * @param method the HTTP method
     * @param uri the absolute URI
     * @param headers request headers (names in lower case); values may be secret
     * @param body the body, or {@code null} for none (or for a {@code streamed} body)
     * @param timeout the longest wait for the response headers
     * @param streamed a body sent as it is produced instead of {@code body} (a file upload), or {@code null}
     * @param proxy the proxy to go through, or {@code null} to connect directly; a transport that cannot
     *     use it fails the call with a {@link ProxyException}
     */
    record Request(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout,
            StreamedBody streamed, Proxy proxy) {
        /** Validates the parts. */
        public Request {
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(uri, "uri");
            headers = Map.copyOf(headers);
            Objects.requireNonNull(timeout, "timeout");
            if (streamed != null && body != null) {
                throw new IllegalArgumentException("a request has a body or a streamed body, not both");
            }
        }

        /** A request whose body, if any, is in memory, that connects directly (no proxy). */
        public Request(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
            this(method, uri, headers, body, timeout, null, null);
        }

        /** A request with a streamed body (or none), that connects directly (no proxy). */
        public Request(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout,
                StreamedBody streamed) {
            this(method, uri, headers, body, timeout, streamed, null);
        }

        /**
         * This request through another proxy.
         *
         * @param via the proxy, or {@code null} for a direct connection
         * @return the request
         */
        public Request via(Proxy via) {
            return new Request(method, uri, headers, body, timeout, streamed, via);
        }

        @Override
        public String toString() { // headers carry the API key
            return "Request[" + method + " " + uri + "]";
        }
    }

    /**
     * A request body sent as it is produced, so that a large upload is never held in memory. A transport
     * subscribes once, requests buffers only as fast as it can write them, and sends exactly {@code length}
     * bytes with a {@code content-length} header; when the publisher fails or ends early the request fails.
     *
     * @param publisher the body's bytes, in order; each buffer is read once
     * @param length the number of bytes the publisher yields
     */
    record StreamedBody(Flow.Publisher<ByteBuffer> publisher, long length) {
        /** Validates the parts. */
        public StreamedBody {
            Objects.requireNonNull(publisher, "publisher");
            if (length < 0) {
                throw new IllegalArgumentException("length must not be negative");
            }
        }
    }

    /**
     * A response head and its body.
     *
     * @param status the HTTP status
     * @param contentType the {@code content-type} header, or {@code null}
     * @param body the body buffers, as they arrive
     * @param headers the response headers, names in lower case, the first value of each (a transport may
     *     give none: only the Files API's upload protocol reads them)
     */
    record Response(int status, String contentType, Flow.Publisher<List<ByteBuffer>> body,
            Map<String, String> headers) {
        /** Copies the headers. */
        public Response {
            headers = headers == null ? Map.of() : Map.copyOf(headers);
        }

        /** A response without its other headers. */
        public Response(int status, String contentType, Flow.Publisher<List<ByteBuffer>> body) {
            this(status, contentType, body, Map.of());
        }
    }

    /**
     * A forward proxy ({@code PROXIES}): {@code http} and {@code https} (TLS to the proxy) tunnel with
     * {@code CONNECT}, {@code socks5} with a SOCKS5 handshake; optional user name and password. {@link
     * #toString()} never shows the password.
     *
     * @param scheme {@code http}, {@code https} or {@code socks5}
     * @param host the proxy's host
     * @param port the proxy's port
     * @param username the user name, or {@code null}
     * @param password the password, or {@code null}
     */
    record Proxy(String scheme, String host, int port, String username, String password) {
        /** Validates the parts. */
        public Proxy {
            Objects.requireNonNull(scheme, "scheme");
            if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("socks5")) {
                throw new IllegalArgumentException("a proxy must be http://, https:// or socks5://");
            }
            Objects.requireNonNull(host, "host");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("a proxy port must be 1 to 65535");
            }
        }

        /**
         * Parses {@code scheme://[user[:password]@]host[:port]}; the port defaults to 80 (http), 443
         * (https) or 1080 (socks5). User name and password may be percent-encoded.
         *
         * @param url the URL
         * @return the proxy
         * @throws IllegalArgumentException with a message that never contains the URL's credentials
         */
        public static Proxy parse(String url) {
            URI uri;
            try {
                uri = new URI(url.strip());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not a valid URL (problem at character " + (e.getIndex() + 1) + ")");
            }
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (scheme == null || !uri.isAbsolute()) {
                throw new IllegalArgumentException("not an absolute URL such as http://host:port or socks5://host:port");
            }
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host name (or a user name or password that needs percent-encoding)");
            }
            String path = uri.getRawPath();
            if ((path != null && !path.isEmpty() && !path.equals("/")) || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                throw new IllegalArgumentException("a proxy URL has no path, query or fragment");
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : switch (scheme) {
                case "https" -> 443;
                case "socks5" -> 1080;
                default -> 80;
            };
            String user = null;
            String password = null;
            String info = uri.getRawUserInfo();
            if (info != null) {
                int colon = info.indexOf(':');
                user = decode(colon < 0 ? info : info.substring(0, colon));
                password = colon < 0 ? null : decode(info.substring(colon + 1));
            }
            String host = uri.getHost();
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new Proxy(scheme, host, port, user, password);
        }

        private static String decode(String s) {
            return java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        }

        /**
         * Identifies the proxy among others, without the password: {@code scheme://user@host:port}.
         *
         * @return the key
         */
        public String key() {
            return scheme + "://" + (username == null ? "" : username + "@") + host + ":" + port;
        }

        /** The URL with the credentials masked: {@code http://***:***@host:port}. */
        @Override
        public String toString() {
            return scheme + "://" + (username == null ? "" : password == null ? "***@" : "***:***@") + host + ":" + port;
        }
    }

    /**
     * The proxy of a {@link Request} could not be reached, refused the tunnel or rejected the credentials:
     * the proxy's fault, never the key's. The message names the proxy with its credentials masked.
     */
    final class ProxyException extends IOException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates an exception.
         *
         * @param message what failed, without credentials
         * @param cause the underlying failure, or {@code null}
         */
        public ProxyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A transport over the JDK's HTTP client.
     *
     * @param client the client; it is shared, not closed by the transport
     */
    static HttpTransport jdk(java.net.http.HttpClient client) {
        return new io.github.geminibalance.upstream.JdkHttpTransport(client);
    }
}
