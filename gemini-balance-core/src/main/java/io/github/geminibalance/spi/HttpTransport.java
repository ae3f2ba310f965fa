package io.github.geminibalance.spi;

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
     */
    record Request(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout,
            StreamedBody streamed) {
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

        /** A request whose body, if any, is in memory. */
        public Request(String method, URI uri, Map<String, String> headers, byte[] body, Duration timeout) {
            this(method, uri, headers, body, timeout, null);
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
     * A transport over the JDK's HTTP client.
     *
     * @param client the client; it is shared, not closed by the transport
     */
    static HttpTransport jdk(java.net.http.HttpClient client) {
        return new io.github.geminibalance.upstream.JdkHttpTransport(client);
    }
}
