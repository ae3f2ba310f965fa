package io.github.geminibalance.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * A small forward proxy for tests, on plain sockets: an HTTP {@code CONNECT} proxy or a SOCKS5 proxy (RFC
 * 1928, with RFC 1929 user name and password), each optionally requiring credentials. It records every
 * handshake (target, credentials offered) and then relays bytes both ways.
 */
final class TestProxy implements AutoCloseable {

    /** One handshake the proxy saw: the target asked for and the credentials offered (null when none). */
    record Handshake(String target, String user, String password, boolean accepted) {}

    enum Kind { CONNECT, SOCKS5 }

    private final Kind kind;
    private final String user;
    private final String password;
    private final ServerSocket server;
    private final List<Handshake> handshakes = Collections.synchronizedList(new ArrayList<>());
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    private TestProxy(Kind kind, String user, String password) throws IOException {
        this(kind, user, password, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    private TestProxy(Kind kind, String user, String password, ServerSocket server) {
        this.kind = kind;
        this.user = user;
        this.password = password;
        this.server = server;
        Thread accept = new Thread(this::acceptLoop, "test-proxy-" + kind);
        accept.setDaemon(true);
        accept.start();
    }

    /** An HTTP CONNECT proxy; with a user, it requires {@code Proxy-Authorization: Basic}. */
    static TestProxy connect(String user, String password) throws IOException {
        return new TestProxy(Kind.CONNECT, user, password);
    }

    /** An HTTP CONNECT proxy that clients reach over TLS ({@code https://} proxies), with {@code tls}'s certificate. */
    static TestProxy connectOverTls(String user, String password, javax.net.ssl.SSLContext tls) throws IOException {
        return new TestProxy(Kind.CONNECT, user, password,
                tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /** A SOCKS5 proxy; with a user, it requires user name and password authentication. */
    static TestProxy socks5(String user, String password) throws IOException {
        return new TestProxy(Kind.SOCKS5, user, password);
    }

    /** A port nothing listens on: a dead proxy. */
    static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    int port() {
        return server.getLocalPort();
    }

    List<Handshake> handshakes() {
        synchronized (handshakes) {
            return new ArrayList<>(handshakes);
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                sockets.add(client);
                Thread t = new Thread(() -> serve(client), "test-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket client) {
        try {
            InputStream in = client.getInputStream();
            OutputStream out = client.getOutputStream();
            String target = kind == Kind.CONNECT ? connectHandshake(in, out) : socksHandshake(in, out);
            if (target == null) {
                client.close();
                return;
            }
            int colon = target.lastIndexOf(':');
            Socket upstream = new Socket();
            sockets.add(upstream);
            upstream.connect(new InetSocketAddress(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1))), 5000);
            if (kind == Kind.CONNECT) {
                out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
            }
            out.flush();
            Thread back = new Thread(() -> pipe(upstream, client), "test-proxy-pipe");
            back.setDaemon(true);
            back.start();
            pipe(client, upstream);
        } catch (IOException e) {
            closeQuietly(client);
        }
    }

    private String connectHandshake(InputStream in, OutputStream out) throws IOException {
        String head = readHead(in);
        String[] lines = head.split("\r\n");
        String[] first = lines[0].split(" ");
        String offeredUser = null;
        String offeredPassword = null;
        for (String line : lines) {
            if (line.toLowerCase(Locale.ROOT).startsWith("proxy-authorization: basic ")) {
                String decoded = new String(Base64.getDecoder().decode(line.substring(27).strip()), StandardCharsets.UTF_8);
                int c = decoded.indexOf(':');
                offeredUser = decoded.substring(0, c);
                offeredPassword = decoded.substring(c + 1);
            }
        }
        boolean ok = first[0].equals("CONNECT") && (user == null || user.equals(offeredUser) && password.equals(offeredPassword));
        handshakes.add(new Handshake(first[1], offeredUser, offeredPassword, ok));
        if (!ok) {
            out.write(("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return null;
        }
        return first[1];
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed in the request head");
            }
            b.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : 0;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    private String socksHandshake(InputStream raw, OutputStream out) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        if (in.readUnsignedByte() != 5) {
            return null;
        }
        byte[] methods = new byte[in.readUnsignedByte()];
        in.readFully(methods);
        boolean offersPassword = false;
        for (byte m : methods) {
            offersPassword |= m == 2;
        }
        String offeredUser = null;
        String offeredPassword = null;
        if (user != null) {
            if (!offersPassword) {
                out.write(new byte[] {5, (byte) 0xFF});
                handshakes.add(new Handshake(null, null, null, false));
                return null;
            }
            out.write(new byte[] {5, 2});
            out.flush();
            in.readUnsignedByte(); // sub-negotiation version 1
            byte[] u = new byte[in.readUnsignedByte()];
            in.readFully(u);
            byte[] p = new byte[in.readUnsignedByte()];
            in.readFully(p);
            offeredUser = new String(u, StandardCharsets.UTF_8);
            offeredPassword = new String(p, StandardCharsets.UTF_8);
            boolean ok = user.equals(offeredUser) && password.equals(offeredPassword);
            out.write(new byte[] {1, (byte) (ok ? 0 : 1)});
            out.flush();
            if (!ok) {
                handshakes.add(new Handshake(null, offeredUser, offeredPassword, false));
                return null;
            }
        } else {
            out.write(new byte[] {5, 0});
            out.flush();
        }
        in.readUnsignedByte(); // version
        int command = in.readUnsignedByte();
        in.readUnsignedByte(); // reserved
        int type = in.readUnsignedByte();
        String host = switch (type) {
            case 1 -> {
                byte[] a = new byte[4];
                in.readFully(a);
                yield InetAddress.getByAddress(a).getHostAddress();
            }
            case 3 -> {
                byte[] d = new byte[in.readUnsignedByte()];
                in.readFully(d);
                yield new String(d, StandardCharsets.US_ASCII);
            }
            default -> {
                byte[] a = new byte[16];
                in.readFully(a);
                yield InetAddress.getByAddress(a).getHostAddress();
            }
        };
        int port = in.readUnsignedShort();
        String target = host + ":" + port;
        handshakes.add(new Handshake(target, offeredUser, offeredPassword, command == 1));
        return command == 1 ? target : null;
    }

    private static void pipe(Socket from, Socket to) {
        byte[] buffer = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        synchronized (sockets) {
            sockets.forEach(TestProxy::closeQuietly);
        }
    }
}
