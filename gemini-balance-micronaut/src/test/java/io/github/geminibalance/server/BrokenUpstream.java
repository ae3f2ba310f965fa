package io.github.geminibalance.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A raw-socket Gemini that answers each request with bytes a test chooses, then closes the connection
 * (or resets it): the ways a real upstream breaks after its {@code 200} head that WireMock cannot
 * produce reliably, such as a head and half a body. {@link #answer} picks the raw response from the
 * request line ({@code POST /v1beta/models/x:generateContent?alt=sse HTTP/1.1}).
 */
final class BrokenUpstream implements AutoCloseable {

    /** What to write back: the raw bytes, and whether to reset (RST) instead of closing (FIN) afterwards. */
    record Answer(String raw, boolean reset) {}

    private final ServerSocket socket;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "broken-upstream");
        t.setDaemon(true);
        return t;
    });
    private final Function<String, Answer> answer;

    private BrokenUpstream(Function<String, Answer> answer) throws IOException {
        this.answer = answer;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    /** Starts an upstream answering each request line with {@code answer}. */
    static BrokenUpstream start(Function<String, Answer> answer) throws IOException {
        return new BrokenUpstream(answer);
    }

    /** {@code http://127.0.0.1:<port>/v1beta}. */
    String baseUrl() {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/v1beta";
    }

    /** A {@code 200} head with this content type and, unless negative, this content length; then {@code body}. */
    static String head(String contentType, long contentLength, String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: " + contentType + "\r\n"
                + (contentLength >= 0 ? "Content-Length: " + contentLength + "\r\n" : "Transfer-Encoding: chunked\r\n")
                + "\r\n" + body;
    }

    /** One chunk of a chunked body. */
    static String chunk(String data) {
        return Integer.toHexString(data.getBytes(StandardCharsets.UTF_8).length) + "\r\n" + data + "\r\n";
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                threads.execute(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            InputStream in = connection.getInputStream();
            String head = readHead(in);
            if (head == null) {
                return;
            }
            long length = contentLength(head);
            in.readNBytes((int) Math.min(length, 10_000_000));
            Answer a = answer.apply(head.substring(0, head.indexOf("\r\n")));
            OutputStream out = connection.getOutputStream();
            out.write(a.raw().getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (a.reset()) {
                connection.setSoLinger(true, 0); // close() now sends RST
            } else {
                connection.shutdownOutput();
            }
        } catch (IOException ignored) {
            // the proxy hung up first: nothing to do
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private static long contentLength(String head) {
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                return Long.parseLong(line.substring("content-length:".length()).trim());
            }
        }
        return 0;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        threads.shutdownNow();
    }
}
