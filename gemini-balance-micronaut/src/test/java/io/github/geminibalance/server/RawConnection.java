package io.github.geminibalance.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A plain socket to the test server, for what an HTTP client library will not do: send half a request,
 * stay silent, or send a request line too long; and for telling "the server closed the connection" from
 * "the server answered".
 */
final class RawConnection implements AutoCloseable {

    /** A parsed response: status, lower-case header block, and body. */
    record Response(int status, String headers, String body) {}

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawConnection(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(30_000); // a safety net: every wait below ends by the server's doing
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    RawConnection send(String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /**
     * Waits until the server closes the connection without answering (or after its answer); returns the
     * milliseconds waited, or -1 when the safety-net timeout passed with the connection still open.
     */
    long millisUntilClosed() throws IOException {
        long t0 = System.nanoTime();
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (SocketTimeoutException stillOpen) {
            return -1;
        } catch (SocketException reset) {
            // a reset is a close too
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Reads one response (Content-Length or chunked framing). */
    Response readResponse() throws IOException {
        String head = readHead();
        int status = Integer.parseInt(head.substring(9, 12));
        String headers = head.toLowerCase(Locale.ROOT);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int lengthAt = headers.indexOf("\ncontent-length:");
        if (lengthAt >= 0) {
            int end = headers.indexOf('\r', lengthAt);
            int length = Integer.parseInt(headers.substring(lengthAt + 16, end).strip());
            body.write(in.readNBytes(length));
        } else if (headers.contains("transfer-encoding: chunked")) {
            while (true) {
                int size = Integer.parseInt(readLine().strip(), 16);
                if (size == 0) {
                    readLine();
                    break;
                }
                body.write(in.readNBytes(size));
                readLine();
            }
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** Reads bytes until {@code marker} has been seen; returns what was read. */
    String readUntil(String marker) throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0) {
            sb.append((char) b);
            if (sb.length() >= marker.length() && sb.lastIndexOf(marker) == sb.length() - marker.length()) {
                return sb.toString();
            }
        }
        return sb.toString();
    }

    private String readHead() throws IOException {
        String head = readUntil("\r\n\r\n");
        if (!head.endsWith("\r\n\r\n")) {
            throw new IOException("connection closed before a response head: " + head);
        }
        return head;
    }

    private String readLine() throws IOException {
        return readUntil("\r\n");
    }

    boolean isClosed() {
        return socket.isClosed();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
